export const messages = {
  en: {
    title: 'Configurations',
  },
  'pt-BR': {
    title: 'Configurações',
  },
};

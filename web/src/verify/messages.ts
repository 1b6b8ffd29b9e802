export const messages = {
  en: {
    title: 'Verifying requests',
  },
  'pt-BR': {
    title: 'Verificando requisições',
  },
};

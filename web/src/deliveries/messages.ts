export const messages = {
  en: {
    title: 'Deliveries',
  },
  'pt-BR': {
    title: 'Histórico de Envios',
  },
};

export const messages = {
  en: {
    title: 'Event catalog',
  },
  'pt-BR': {
    title: 'Catálogo de eventos',
  },
};

export const messages = {
  en: {
    title: 'Signing keys',
  },
  'pt-BR': {
    title: 'Chaves de assinatura',
  },
};

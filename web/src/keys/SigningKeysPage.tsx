import { useTranslation } from 'react-i18next';

export function SigningKeysPage() {
  const { t } = useTranslation('keys');
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('title')}</h1>
    </section>
  );
}

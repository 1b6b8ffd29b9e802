import { useTranslation } from 'react-i18next';

export function VerifyingPage() {
  const { t } = useTranslation('verify');
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title">{t('title')}</h1>
    </section>
  );
}

import { useTranslation } from 'react-i18next';

export function EventCatalogPage() {
  const { t } = useTranslation('catalog');
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">{t('title')}</h1>
    </section>
  );
}

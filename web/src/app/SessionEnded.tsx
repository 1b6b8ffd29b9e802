import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endSession } from './session';

// Shown when the API no longer accepts the session (or there never was one):
// the customer goes back to the operator's returnURL when there is one.
export function SessionEnded({ go = (url: string) => window.location.assign(url) }: { go?: (url: string) => void }) {
  const { t } = useTranslation('app');
  const [returnURL] = useState(() => endSession());
  useEffect(() => {
    if (returnURL) go(returnURL);
  }, [returnURL, go]);

  return (
    <main className="ended">
      <h1>{t('ended.title')}</h1>
      {returnURL ? (
        <p>
          {t('ended.returning')} <a href={returnURL}>{t('ended.continue')}</a>
        </p>
      ) : (
        <p>{t('ended.reopen')}</p>
      )}
    </main>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setState('copied');
          } catch {
            setState('failed');
          }
        }}
      >
        {state === 'copied' ? t('copied') : (label ?? t('copy'))}
      </button>
      <span role="status" className="visually-hidden">
        {state === 'copied' ? t('copied') : ''}
      </span>
      {state === 'failed' && <span role="alert">{t('copyFailed')}</span>}
    </>
  );
}

import { useTranslation } from 'react-i18next';
import type { AttemptExchangeFragment } from '../gql/graphql';
import { formatDateTime, formatDuration } from '../ui/format';
import './deliveries.css';

// The delivery timeline numbers its attempts; the test event dialog has one.
export type AttemptExchangeFields = AttemptExchangeFragment & { number?: number };

// Bodies are usually JSON: indent them to be read; anything else as it came.
export function prettyBody(body: string): string {
  if (!body) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function prettyJSON(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? '';
}

export function HeaderTable({ headers, caption }: { headers: Record<string, string> | null | undefined; caption: string }) {
  const { t } = useTranslation('deliveries');
  const entries = Object.entries(headers ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="muted">{t('common:none')}</p>;
  return (
    <div className="table-scroll">
      <table className="kv-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('attempts.headerName')}</th>
            <th scope="col">{t('attempts.headerValue')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th scope="row" className="mono">{k}</th>
              <td className="mono wrap">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Body({ body, label }: { body: string; label: string }) {
  const { t } = useTranslation('deliveries');
  if (!body) return <p className="muted">{t('attempts.emptyBody')}</p>;
  return (
    <pre className="code" aria-label={label} tabIndex={0}>
      {prettyBody(body)}
    </pre>
  );
}

export function responseStatusText(t: (k: string) => string, status: number | null | undefined): string {
  return status == null ? t('attempts.noResponse') : String(status);
}

// A one-line summary (trigger, start, duration, status, error) and the
// request and response folded under <details> so a long timeline stays short.
export function AttemptExchange({ attempt, open = false }: { attempt: AttemptExchangeFields; open?: boolean }) {
  const { t } = useTranslation('deliveries');
  const ok = attempt.responseStatus != null && attempt.responseStatus >= 200 && attempt.responseStatus < 300 && !attempt.error;
  return (
    <div className="attempt-exchange">
      <dl className="attempt-facts">
        {attempt.trigger && (
          <div>
            <dt>{t('attempts.trigger')}</dt>
            <dd>{t(`trigger.${attempt.trigger}`, attempt.trigger)}</dd>
          </div>
        )}
        {attempt.startedAt && (
          <div>
            <dt>{t('attempts.started')}</dt>
            <dd>
              <time dateTime={attempt.startedAt}>{formatDateTime(attempt.startedAt)}</time>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('attempts.duration')}</dt>
          <dd>{formatDuration(attempt.durationMs)}</dd>
        </div>
        <div>
          <dt>{t('attempts.responseStatus')}</dt>
          <dd>
            <span className={`status ${ok ? 'status-succeeded' : 'status-failed'}`}>
              {responseStatusText(t, attempt.responseStatus)}
            </span>
          </dd>
        </div>
        {(attempt.errorKind || attempt.error) && (
          <div className="attempt-error">
            <dt>{t('attempts.error')}</dt>
            <dd>
              {attempt.errorKind && <strong>{t(`errorKind.${attempt.errorKind}`, attempt.errorKind)}</strong>}
              {attempt.errorKind && attempt.error && ': '}
              {attempt.error}
            </dd>
          </div>
        )}
      </dl>
      <details open={open}>
        <summary>{t('attempts.request')}</summary>
        <p className="mono wrap">POST {attempt.requestURL}</p>
        <h4>{t('attempts.requestHeaders')}</h4>
        <HeaderTable headers={attempt.requestHeaders} caption={t('attempts.requestHeaders')} />
        <h4>{t('attempts.requestBody')}</h4>
        <Body body={attempt.requestBody} label={t('attempts.requestBody')} />
      </details>
      <details open={open}>
        <summary>{t('attempts.response')}</summary>
        <h4>{t('attempts.responseHeaders')}</h4>
        <HeaderTable headers={attempt.responseHeaders} caption={t('attempts.responseHeaders')} />
        <h4>{t('attempts.responseBody')}</h4>
        {attempt.responseBodyTruncated && <p className="notice warning">{t('attempts.truncated')}</p>}
        <Body body={attempt.responseBody} label={t('attempts.responseBody')} />
      </details>
    </div>
  );
}

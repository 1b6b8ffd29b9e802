import { useEffect, useRef, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { DeliveryDetailQuery, DeliveryUpdatedSubscription, ResendDeliveryMutation } from './operations';
import type { DeliveryUpdatedFilter } from '../gql/graphql';
import { useCapabilities } from '../app/capabilities';
import { CopyButton } from '../ui/CopyButton';
import { DeliveryStatusBadge } from '../ui/StatusBadge';
import { errorMessage } from '../ui/errors';
import { NotLoaded } from '../ui/NotLoaded';
import { formatDateTime } from '../ui/format';
import { AttemptExchange, prettyJSON } from './AttemptExchange';
import './deliveries.css';

export function DeliveryDetailPage() {
  const { id = '' } = useParams();
  // A new id is a new page: its own query, subscription and messages.
  return <DeliveryDetail key={id} id={id} />;
}

function DeliveryDetail({ id }: { id: string }) {
  const { t } = useTranslation('deliveries');
  const client = useClient();
  const { can } = useCapabilities();
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeliveryDetailQuery, variables: { id } });
  const [{ fetching: resending }, resend] = useMutation(ResendDeliveryMutation);
  const [notice, setNotice] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);

  const node = data?.node;
  // node() answers with any type; only a Delivery has attempts to show.
  const delivery = node && 'attemptCount' in node ? node : null;

  // What is on screen, for the subscription to compare updates against
  // without subscribing again on every change.
  const shown = useRef<{ status: string; attemptCount: number } | null>(null);
  shown.current = delivery ? { status: delivery.status, attemptCount: delivery.attemptCount } : null;

  const loaded = !!delivery;
  const configurationID = delivery?.configurationID ?? null;
  const eventType = delivery?.eventType ?? null;
  useEffect(() => {
    if (!loaded) return;
    // Narrow the stream to this delivery's configuration (or, once that is
    // deleted, its event type); other deliveries that still arrive are ignored.
    const where: DeliveryUpdatedFilter = configurationID
      ? { configurationIDIn: [configurationID] }
      : { eventTypeIn: [eventType ?? ''] };
    const { unsubscribe } = client.subscription(DeliveryUpdatedSubscription, { where }).subscribe((result) => {
      const update = result.data?.deliveryUpdated;
      const current = shown.current;
      if (!update || update.id !== id || !current) return;
      if (update.attemptCount !== current.attemptCount || update.status !== current.status) {
        refetch({ requestPolicy: 'network-only' });
      }
    });
    return unsubscribe;
  }, [client, id, loaded, configurationID, eventType, refetch]);

  async function onResend() {
    setNotice(null);
    const result = await resend({ id });
    if (result.error) return setNotice({ kind: 'error', text: errorMessage(t, result.error) });
    setNotice({ kind: 'info', text: t('detail.resent') });
    refetch({ requestPolicy: 'network-only' });
  }

  if (!delivery) {
    return (
      <NotLoaded
        titleId="delivery-title"
        title={t('detail.title')}
        back={t('detail.back')}
        backTo="/deliveries"
        fetching={fetching}
        error={error}
        answered={!!data}
        loadFailed={(message) => t('detail.loadFailed', { message })}
        notFound={t('detail.notFound')}
      />
    );
  }

  // Newest first: the attempt that matters most is the last one made.
  const attempts = [...(delivery.attempts ?? [])].sort((a, b) => b.number - a.number);
  const metadata = Object.entries(delivery.event.metadata ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const payload = prettyJSON(delivery.event.data);

  return (
    <section aria-labelledby="delivery-title" className="delivery-detail">
      <p>
        <Link to="/deliveries">{t('detail.back')}</Link>
      </p>
      <div className="page-header">
        <h1 id="delivery-title">
          {t('detail.title')} <span className="mono">{delivery.id}</span>
        </h1>
        {can('RESEND') && (
          <button type="button" onClick={onResend} disabled={resending}>
            {resending ? t('detail.resending') : t('detail.resend')}
          </button>
        )}
      </div>
      <div role="status" aria-live="polite">
        {notice?.kind === 'info' && <p className="notice">{notice.text}</p>}
      </div>
      {notice?.kind === 'error' && (
        <p role="alert" className="notice error">
          {notice.text}
        </p>
      )}

      <h2 className="visually-hidden">{t('detail.summary')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('detail.status')}</dt>
          <dd>
            <DeliveryStatusBadge status={delivery.status} />
          </dd>
        </div>
        <div>
          <dt>{t('detail.eventType')}</dt>
          <dd>{delivery.eventType}</dd>
        </div>
        <div>
          <dt>{t('detail.eventID')}</dt>
          <dd>
            <span className="mono">{delivery.eventID}</span>{' '}
            <CopyButton text={delivery.eventID} label={t('detail.copyEventID')} />
          </dd>
        </div>
        <div>
          <dt>{t('detail.configuration')}</dt>
          <dd>
            {delivery.configuration ? (
              <Link to={`/configurations/${delivery.configuration.id}`}>{delivery.configuration.name}</Link>
            ) : (
              <span>
                {delivery.configurationName}{' '}
                <span className="muted">{t('detail.configurationDeleted')}</span>
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('detail.url')}</dt>
          <dd className="mono wrap">{delivery.url}</dd>
        </div>
        <div>
          <dt>{t('detail.created')}</dt>
          <dd>
            <time dateTime={delivery.createdAt}>{formatDateTime(delivery.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('detail.attemptCount')}</dt>
          <dd>{delivery.attemptCount}</dd>
        </div>
        {delivery.nextAttemptAt && (
          <div>
            <dt>{t('detail.nextAttempt')}</dt>
            <dd>
              <time dateTime={delivery.nextAttemptAt}>{formatDateTime(delivery.nextAttemptAt)}</time>
            </dd>
          </div>
        )}
      </dl>

      <div className="detail-columns">
        <section aria-labelledby="payload-title">
          <div className="section-header">
            <h2 id="payload-title">{t('detail.payload')}</h2>
            <CopyButton text={payload} label={t('detail.copyPayload')} />
          </div>
          <pre className="code" aria-labelledby="payload-title" tabIndex={0}>
            {payload}
          </pre>
        </section>
        <section aria-labelledby="metadata-title">
          <h2 id="metadata-title">{t('detail.metadata')}</h2>
          {metadata.length === 0 ? (
            <p className="muted">{t('detail.noMetadata')}</p>
          ) : (
            <dl className="kv-list">
              {metadata.map(([k, v]) => (
                <div key={k}>
                  <dt className="mono">{k}</dt>
                  <dd className="mono wrap">{v}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
      </div>

      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title">{t('attempts.title')}</h2>
        <p className="muted">{t('detail.live')}</p>
        {attempts.length === 0 ? (
          <p className="empty">{t('attempts.none')}</p>
        ) : (
          <ol className="timeline" aria-labelledby="attempts-title">
            {attempts.map((a) => (
              <li key={a.id} aria-labelledby={`attempt-${a.id}`}>
                <h3 id={`attempt-${a.id}`}>{t('attempts.heading', { number: a.number })}</h3>
                <AttemptExchange attempt={a} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}

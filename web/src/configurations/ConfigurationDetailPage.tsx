import { useEffect, useMemo, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ConfigurationDetailQuery, RecentDeliveriesQuery } from './detail.operations';
import { DeliveryUpdatedSubscription } from '../deliveries/operations';
import { filtersToParams, mergeDelivery, type DeliveryFilters } from '../deliveries/deliveryFilters';
import type { DeliveryRowFragment } from '../gql/graphql';
import { useCapabilities } from '../app/capabilities';
import { ConfigurationStatusBadge } from '../ui/StatusBadge';
import { errorMessage } from '../ui/errors';
import { NotLoaded } from '../ui/NotLoaded';
import { formatDateTime } from '../ui/format';
import { i18n } from '../i18n';
import { DeliveryTable } from '../deliveries/DeliveryTable';
import { HealthChart } from './HealthChart';
import { TestEventDialog } from './TestEventDialog';
import './detail.css';

const recentSize = 10;

// A delay in the largest unit it fills, e.g. 90 → "1.5 min", 86400 → "1 day".
export function formatDelay(seconds: number): string {
  const units: [Intl.NumberFormatOptions['unit'], number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  const [unit, size] = units.find(([, s]) => seconds >= s) ?? units[3];
  return new Intl.NumberFormat(i18n.language, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(
    seconds / size,
  );
}

export function ConfigurationDetailPage() {
  const { id = '' } = useParams();
  return <ConfigurationDetail key={id} id={id} />;
}

function ConfigurationDetail({ id }: { id: string }) {
  const { t } = useTranslation('configurationDetail');
  const { can } = useCapabilities();
  const [params, setParams] = useSearchParams();
  const [testOpen, setTestOpen] = useState(false);
  const [{ data, fetching, error }] = useQuery({ query: ConfigurationDetailQuery, variables: { id } });
  const node = data?.node;
  // node() answers with any type; only a Configuration has a retry schedule.
  const cfg = node && 'retrySchedule' in node ? node : null;

  // ?test=1 (e.g. a link from the list or the form) opens the test dialog at once.
  const manage = can('MANAGE_CONFIGURATIONS');
  const dialogOpen = manage && (testOpen || params.get('test') === '1');
  function closeTest() {
    setTestOpen(false);
    if (params.has('test')) {
      const next = new URLSearchParams(params);
      next.delete('test');
      setParams(next, { replace: true });
    }
  }

  if (!cfg) {
    return (
      <NotLoaded
        titleId="configuration-title"
        title={t('settings')}
        back={t('back')}
        backTo="/configurations"
        fetching={fetching}
        error={error}
        answered={!!data}
        loadFailed={(message) => t('loadFailed', { message })}
        notFound={t('notFound')}
      />
    );
  }

  const headers = Object.entries(cfg.headers ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const retryTotal = cfg.retrySchedule.reduce((a, b) => a + b, 0);

  return (
    <section aria-labelledby="configuration-title" className="configuration-detail">
      <p>
        <Link to="/configurations">{t('back')}</Link>
      </p>
      <div className="page-header">
        <h1 id="configuration-title">{cfg.name}</h1>
        <ConfigurationStatusBadge status={cfg.status} />
        <span className="page-actions">
          {manage && (
            <Link className="button secondary" to={`/configurations/${cfg.id}/edit`}>
              {t('edit')}
            </Link>
          )}
          {manage && (
            <button type="button" onClick={() => setTestOpen(true)}>
              {t('test.open')}
            </button>
          )}
        </span>
      </div>
      {cfg.status === 'INACTIVE' && cfg.disabledReason && (
        <p className="notice warning">
          {t('field.disabledReason')}: {cfg.disabledReason}
        </p>
      )}

      <section aria-labelledby="settings-title">
        <h2 id="settings-title">{t('settings')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('field.url')}</dt>
            <dd className="mono wrap">{cfg.url}</dd>
          </div>
          <div>
            <dt>{t('field.signingKey')}</dt>
            <dd>
              {cfg.signingKey.revokedAt ? t('field.signingKeyRevoked', { name: cfg.signingKey.name }) : cfg.signingKey.name}{' '}
              <span className="mono muted">…{cfg.signingKey.hint}</span>
            </dd>
          </div>
          <div>
            <dt>{t('field.eventTypes')}</dt>
            <dd>
              <ul className="chips">
                {cfg.eventTypes.map((e) => (
                  <li key={e} className="badge mono">
                    {e}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
          <div>
            <dt>{t('field.maxParallel')}</dt>
            <dd>{cfg.maxParallel}</dd>
          </div>
          <div>
            <dt>{t('field.timeout')}</dt>
            <dd>{t('seconds', { count: cfg.timeoutSeconds })}</dd>
          </div>
          <div>
            <dt>{t('field.retrySchedule')}</dt>
            <dd>
              {cfg.retrySchedule.length === 0 ? (
                t('noRetries')
              ) : (
                <>
                  {t('retries', { count: cfg.retrySchedule.length, total: formatDelay(retryTotal) })}
                  <br />
                  <span className="muted">{cfg.retrySchedule.map(formatDelay).join(' → ')}</span>
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('field.headers')}</dt>
            <dd>
              {headers.length === 0 ? (
                t('common:none')
              ) : (
                <>
                  <dl className="kv-list">
                    {headers.map(([k, v]) => (
                      <div key={k}>
                        <dt className="mono">{k}</dt>
                        <dd className="mono">{v}</dd>
                      </div>
                    ))}
                  </dl>
                  <span className="muted">{t('headersRedacted')}</span>
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('field.created')}</dt>
            <dd>
              <time dateTime={cfg.createdAt}>{formatDateTime(cfg.createdAt)}</time>
            </dd>
          </div>
          {cfg.activatedAt && (
            <div>
              <dt>{t('field.activated')}</dt>
              <dd>
                <time dateTime={cfg.activatedAt}>{formatDateTime(cfg.activatedAt)}</time>
              </dd>
            </div>
          )}
        </dl>
      </section>

      <HealthChart configurationID={cfg.id} />
      <RecentDeliveries configurationID={cfg.id} />

      {manage && (
        <TestEventDialog
          configurationID={cfg.id}
          open={dialogOpen}
          onClose={closeTest}
          defaultEventType={cfg.eventTypes[0]}
        />
      )}
    </section>
  );
}

function RecentDeliveries({ configurationID }: { configurationID: string }) {
  const { t } = useTranslation('configurationDetail');
  const client = useClient();
  const filters = useMemo<DeliveryFilters>(
    () => ({ statuses: [], configurationIDs: [configurationID], eventTypes: [] }),
    [configurationID],
  );
  const [{ data, fetching, error }] = useQuery({
    query: RecentDeliveriesQuery,
    variables: { where: { configurationIDIn: [configurationID] } },
  });
  const [rows, setRows] = useState<DeliveryRowFragment[]>([]);

  useEffect(() => {
    setRows(data?.deliveries.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? []);
  }, [data]);

  useEffect(() => {
    const { unsubscribe } = client
      .subscription(DeliveryUpdatedSubscription, { where: { configurationIDIn: [configurationID] } })
      .subscribe((result) => {
        const update = result.data?.deliveryUpdated;
        if (update) setRows((prev) => mergeDelivery(prev, update, filters).slice(0, recentSize));
      });
    return unsubscribe;
  }, [client, configurationID, filters]);

  return (
    <section aria-labelledby="recent-title">
      <div className="section-header">
        <h2 id="recent-title">{t('recent.title')}</h2>
        <Link to={`/deliveries?${filtersToParams(filters).toString()}`}>{t('recent.all')}</Link>
      </div>
      {fetching && rows.length === 0 && <p className="muted">{t('common:loading')}</p>}
      {error && rows.length === 0 && <p role="alert">{t('recent.loadFailed', { message: errorMessage(t, error) })}</p>}
      {data && !fetching && rows.length === 0 && <p className="empty">{t('recent.empty')}</p>}
      {rows.length > 0 && (
        <DeliveryTable rows={rows} labelledBy="recent-title" compact />
      )}
    </section>
  );
}

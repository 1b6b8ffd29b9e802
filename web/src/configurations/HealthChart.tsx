import { useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ConfigurationHealthQuery } from './detail.operations';
import type { ConfigurationHealthQuery as HealthResult, StatsInterval } from '../gql/graphql';
import { errorMessage } from '../ui/errors';
import { formatDuration, formatPercent } from '../ui/format';
import { i18n } from '../i18n';
import './detail.css';

type Stats = Extract<NonNullable<HealthResult['node']>, { deliveryStats: unknown }>['deliveryStats'];
type HealthWindow = 'day' | 'month';

const statuses = ['succeeded', 'failed', 'retrying', 'pending', 'cancelled'] as const;
// Colours only tell the stacks apart; the legend and the table name them.
const colours: Record<(typeof statuses)[number], string> = {
  succeeded: 'var(--ok)',
  failed: 'var(--danger)',
  retrying: 'var(--warn)',
  pending: 'var(--primary)',
  cancelled: 'var(--muted)',
};
const statusKey: Record<(typeof statuses)[number], string> = {
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  retrying: 'RETRYING',
  pending: 'PENDING',
  cancelled: 'CANCELLED',
};

// 24 h by the hour is the API's default window; 30 days by the day start at a
// UTC midnight so that the first bucket is a whole day.
function windowVariables(w: HealthWindow): { since?: string; interval: StatsInterval } {
  if (w === 'day') return { interval: 'HOUR' };
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - 29);
  return { since: d.toISOString(), interval: 'DAY' };
}

function bucketLabel(start: string, interval: StatsInterval): string {
  const opts: Intl.DateTimeFormatOptions =
    interval === 'HOUR' ? { hour: '2-digit', minute: '2-digit' } : { day: '2-digit', month: '2-digit', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(i18n.language, opts).format(new Date(start));
}

export function HealthChart({ configurationID }: { configurationID: string }) {
  const { t } = useTranslation('configurationDetail');
  const [win, setWin] = useState<HealthWindow>('day');
  const variables = useMemo(() => ({ id: configurationID, ...windowVariables(win) }), [configurationID, win]);
  const [{ data, fetching, error }] = useQuery({ query: ConfigurationHealthQuery, variables });
  const node = data?.node;
  const stats = node && 'deliveryStats' in node ? node.deliveryStats : null;

  return (
    <section aria-labelledby="health-title" className="health">
      <div className="section-header">
        <h2 id="health-title">{t('health.title')}</h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('health.window')}</legend>
          {(['day', 'month'] as const).map((w) => (
            <label key={w}>
              <input type="radio" name="health-window" value={w} checked={win === w} onChange={() => setWin(w)} />
              {t(`health.${w}`)}
            </label>
          ))}
        </fieldset>
      </div>
      {fetching && !stats && <p className="muted">{t('common:loading')}</p>}
      {error && !stats && <p role="alert">{t('health.loadFailed', { message: errorMessage(t, error) })}</p>}
      {stats && <HealthFigures stats={stats} windowLabel={t(`health.${win}`)} />}
    </section>
  );
}

export function HealthFigures({ stats, windowLabel }: { stats: Stats; windowLabel: string }) {
  const { t } = useTranslation('configurationDetail');
  const captionId = useId();
  const rows = stats.buckets.map((b) => ({ ...b, label: bucketLabel(b.start, stats.interval) }));
  const rate = formatPercent(stats.successRate);
  const { p50Ms, p95Ms, p99Ms } = stats.latency;

  return (
    <>
      <dl className="health-figures">
        <div>
          <dt>{t('health.total')}</dt>
          <dd>{stats.total.toLocaleString(i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('health.successRate')}</dt>
          <dd title={t('health.successRateHint')}>{rate}</dd>
        </div>
        <div>
          <dt>{t('health.latency')}</dt>
          <dd>
            {p50Ms == null ? (
              <span className="muted">{t('health.noLatency')}</span>
            ) : (
              <dl className="latency">
                <div>
                  <dt>{t('health.p50')}</dt>
                  <dd>{formatDuration(p50Ms)}</dd>
                </div>
                <div>
                  <dt>{t('health.p95')}</dt>
                  <dd>{formatDuration(p95Ms)}</dd>
                </div>
                <div>
                  <dt>{t('health.p99')}</dt>
                  <dd>{formatDuration(p99Ms)}</dd>
                </div>
              </dl>
            )}
          </dd>
        </div>
      </dl>
      <figure className="health-chart" aria-labelledby={captionId}>
        <figcaption id={captionId}>
          {t('health.summary', {
            window: windowLabel,
            total: stats.total,
            succeeded: stats.succeeded,
            failed: stats.failed,
            retrying: stats.retrying,
            pending: stats.pending,
            cancelled: stats.cancelled,
            rate,
          })}
        </figcaption>
        {stats.total === 0 && <p className="empty">{t('health.empty')}</p>}
        {/* The chart is for the eye; the caption above and the table below say the same in words. */}
        <div className="chart-box" aria-hidden="true">
          <ResponsiveContainer width="100%" height={240} minWidth={0}>
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
              <XAxis dataKey="label" tick={{ fill: 'var(--muted)', fontSize: 12 }} interval="preserveStartEnd" minTickGap={12} />
              <YAxis allowDecimals={false} tick={{ fill: 'var(--muted)', fontSize: 12 }} />
              <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--fg)' }} />
              <Legend />
              {statuses.map((s) => (
                <Bar key={s} dataKey={s} stackId="status" name={t(`common:deliveryStatus.${statusKey[s]}`)} fill={colours[s]} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        {/* Wrapped: a table grows to its content whatever width the class gives it. */}
        <div className="visually-hidden">
        <table>
          <caption>{t('health.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('health.start')}</th>
              {statuses.map((s) => (
                <th scope="col" key={s}>
                  {t(`common:deliveryStatus.${statusKey[s]}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.start}>
                <th scope="row">
                  <time dateTime={r.start}>{r.label}</time>
                </th>
                {statuses.map((s) => (
                  <td key={s}>{r[s]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </figure>
    </>
  );
}

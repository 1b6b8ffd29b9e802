import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { DeliveryRowFragment } from '../gql/graphql';
import { DeliveryStatusBadge } from '../ui/StatusBadge';
import { formatDateTime } from '../ui/format';
import './deliveries.css';

// The deliveries history and a configuration's recent deliveries. Compact
// leaves out the URL and the last attempt: a configuration has one URL.
export function DeliveryTable({
  rows,
  labelledBy,
  describedBy,
  compact = false,
}: {
  rows: DeliveryRowFragment[];
  labelledBy: string;
  describedBy?: string;
  compact?: boolean;
}) {
  const { t } = useTranslation('deliveries');
  return (
    <div className="table-scroll">
      <table aria-labelledby={labelledBy} aria-describedby={describedBy}>
        <thead>
          <tr>
            <th scope="col">{t('column.status')}</th>
            <th scope="col">{t('column.eventType')}</th>
            <th scope="col">{t('column.event')}</th>
            {!compact && <th scope="col">{t('column.url')}</th>}
            <th scope="col">{t('column.response')}</th>
            <th scope="col">{t('column.attempts')}</th>
            <th scope="col">{t('column.created')}</th>
            {!compact && <th scope="col">{t('column.lastAttempt')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id}>
              <td>
                <DeliveryStatusBadge status={d.status} />
              </td>
              <td>{d.eventType}</td>
              <td className="mono">
                <Link to={`/deliveries/${d.id}`} aria-label={t('openDelivery', { id: d.eventID })}>
                  {d.eventID}
                </Link>
              </td>
              {!compact && <td className="url">{d.url}</td>}
              <td>{d.lastResponseStatus ?? '—'}</td>
              <td>{d.attemptCount}</td>
              <td>
                <Time value={d.createdAt} />
              </td>
              {!compact && <td>{d.lastAttemptAt ? <Time value={d.lastAttemptAt} /> : '—'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Time({ value }: { value: string }) {
  return <time dateTime={value}>{formatDateTime(value)}</time>;
}

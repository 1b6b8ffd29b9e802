import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  ConfigurationChoicesQuery,
  DeliveriesCountQuery,
  DeliveriesQuery,
  DeliveryUpdatedSubscription,
  ResendDeliveriesMutation,
} from './operations';
import type { DeliveryRowFragment, DeliveryStatus, DeliveryWhereInput } from '../gql/graphql';
import {
  appendPage,
  deliveryStatuses,
  filtersToParams,
  filtersToSubscription,
  filtersToWhere,
  mergeDelivery,
  parseFilters,
  type DeliveryFilters,
} from './deliveryFilters';
import { useCapabilities } from '../app/capabilities';
import { DeliveryTable } from './DeliveryTable';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { errorMessage } from '../ui/errors';
import './deliveries.css';

const pageSize = 50;
// resendDeliveries queues at most this many.
const resendLimit = 10000;

export function DeliveriesPage() {
  const { t } = useTranslation('deliveries');
  const { can } = useCapabilities();
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => parseFilters(new URLSearchParams(search)), [search]);

  return (
    <section aria-labelledby="deliveries-title">
      <div className="page-header">
        <h1 id="deliveries-title">{t('title')}</h1>
      </div>
      <FilterForm key={`form:${search}`} filters={filters} onApply={(f) => setParams(filtersToParams(f))} />
      {can('RESEND') && <ResendAll key={`resend:${search}`} where={filtersToWhere(filters)} />}
      {/* A new filter starts a new list: its pages and live rows. */}
      <DeliveryList key={`list:${search}`} filters={filters} />
    </section>
  );
}

// Resends everything the filters match: it counts first, so the person
// confirms a number rather than a filter, and never sends a resend of nothing.
function ResendAll({ where }: { where: DeliveryWhereInput }) {
  const { t } = useTranslation('deliveries');
  const client = useClient();
  const [counting, setCounting] = useState(false);
  const [count, setCount] = useState<number | null>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [{ fetching: sending }, resend] = useMutation(ResendDeliveriesMutation);

  async function ask() {
    setMessage(null);
    setCounting(true);
    const result = await client.query(DeliveriesCountQuery, { where }, { requestPolicy: 'network-only' }).toPromise();
    setCounting(false);
    if (result.error) return setMessage({ kind: 'error', text: errorMessage(t, result.error) });
    const total = result.data?.deliveries.totalCount ?? 0;
    if (total === 0) return setMessage({ kind: 'info', text: t('resendAll.none') });
    setCount(total);
  }

  async function confirm() {
    const result = await resend({ where });
    setCount(null);
    if (result.error) return setMessage({ kind: 'error', text: errorMessage(t, result.error) });
    setMessage({ kind: 'info', text: t('resendAll.queued', { count: result.data?.resendDeliveries ?? 0 }) });
  }

  return (
    <div className="resend-all">
      <button type="button" className="secondary" onClick={ask} disabled={counting || sending}>
        {counting ? t('resendAll.counting') : t('resendAll.button')}
      </button>
      <div role="status" aria-live="polite">
        {message?.kind === 'info' && <p className="notice">{message.text}</p>}
      </div>
      {message?.kind === 'error' && (
        <p role="alert" className="notice error">
          {message.text}
        </p>
      )}
      <ConfirmDialog
        open={count != null}
        title={t('resendAll.title')}
        onClose={() => setCount(null)}
        label={sending ? t('resendAll.sending') : t('resendAll.submit')}
        busy={sending}
        onConfirm={confirm}
      >
        <p>
          <strong>{t('resendAll.confirm', { count: count ?? 0 })}</strong>
        </p>
        <p>{t('resendAll.explain')}</p>
        {count != null && count > resendLimit && <p className="notice warning">{t('resendAll.tooMany')}</p>}
      </ConfirmDialog>
    </div>
  );
}

// The matching deliveries, a page at a time, kept live.
function DeliveryList({ filters }: { filters: DeliveryFilters }) {
  const { t } = useTranslation('deliveries');
  const client = useClient();
  const where = useMemo(() => filtersToWhere(filters), [filters]);
  const [after, setAfter] = useState<string | null>(null);
  const [rows, setRows] = useState<DeliveryRowFragment[]>([]);
  const [{ data, fetching, error }] = useQuery({ query: DeliveriesQuery, variables: { first: pageSize, after, where } });

  useEffect(() => {
    const page = data?.deliveries.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
    setRows((prev) => appendPage(prev, page));
  }, [data]);

  useEffect(() => {
    const { unsubscribe } = client
      .subscription(DeliveryUpdatedSubscription, { where: filtersToSubscription(filters) })
      .subscribe((result) => {
        const update = result.data?.deliveryUpdated;
        if (update) setRows((prev) => mergeDelivery(prev, update, filters));
      });
    return unsubscribe;
  }, [client, filters]);

  const pageInfo = data?.deliveries.pageInfo;
  return (
    <>
      {fetching && rows.length === 0 && <p className="muted">{t('common:loading')}</p>}
      {error && rows.length === 0 && <p role="alert">{t('loadFailed', { message: errorMessage(t, error) })}</p>}
      {data && !fetching && rows.length === 0 && <p className="empty">{t('empty')}</p>}
      {rows.length > 0 && (
        <DeliveryTable rows={rows} labelledBy="deliveries-title" describedBy="deliveries-live" />
      )}
      <p id="deliveries-live" className="muted">
        {data && t('live', { count: data.deliveries.totalCount })}
      </p>
      {pageInfo?.hasNextPage && (
        <button type="button" disabled={fetching} onClick={() => setAfter(pageInfo.endCursor ?? null)}>
          {fetching ? t('common:loading') : t('common:loadMore')}
        </button>
      )}
    </>
  );
}

// datetime-local inputs speak local time without a zone; the URL keeps UTC.
function toLocalInput(iso?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(v: FormDataEntryValue | null): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

function FilterForm({ filters, onApply }: { filters: DeliveryFilters; onApply: (f: DeliveryFilters) => void }) {
  const { t } = useTranslation('deliveries');
  const [{ data }] = useQuery({ query: ConfigurationChoicesQuery });
  const configurations = data?.configurations.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const key = String(form.get('metaKey') ?? '').trim();
    onApply({
      statuses: form.getAll('status').map(String) as DeliveryStatus[],
      configurationIDs: form.getAll('configuration').map(String),
      eventTypes: String(form.get('eventTypes') ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      createdFrom: fromLocalInput(form.get('from')),
      createdTo: fromLocalInput(form.get('to')),
      metadata: key ? { key, value: String(form.get('metaValue') ?? '') } : undefined,
    });
  }

  return (
    <form className="filters" onSubmit={submit} aria-label={t('filters.label')}>
      <fieldset>
        <legend>{t('filters.status')}</legend>
        {deliveryStatuses.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" name="status" value={s} defaultChecked={filters.statuses.includes(s)} />
            {t(`common:deliveryStatus.${s}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('filters.configuration')}
        <select name="configuration" multiple defaultValue={filters.configurationIDs} size={Math.min(4, Math.max(2, configurations.length))}>
          {configurations.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
          {/* A shared link may name configurations not loaded here: keep them chosen. */}
          {filters.configurationIDs
            .filter((id) => !configurations.some((c) => c.id === id))
            .map((id) => (
              <option key={id} value={id}>{id}</option>
            ))}
        </select>
      </label>
      <label>
        {t('filters.eventTypes')}
        <input name="eventTypes" defaultValue={filters.eventTypes.join(', ')} placeholder="order.paid, order.refunded" />
      </label>
      <label>
        {t('filters.createdFrom')}
        <input type="datetime-local" name="from" defaultValue={toLocalInput(filters.createdFrom)} />
      </label>
      <label>
        {t('filters.createdBefore')}
        <input type="datetime-local" name="to" defaultValue={toLocalInput(filters.createdTo)} />
      </label>
      <label>
        {t('filters.metaKey')}
        <input name="metaKey" defaultValue={filters.metadata?.key ?? ''} />
      </label>
      <label>
        {t('filters.metaValue')}
        <input name="metaValue" defaultValue={filters.metadata?.value ?? ''} />
      </label>
      <div className="filter-actions">
        <button type="submit">{t('filters.apply')}</button>
        <button
          type="button"
          onClick={() => onApply({ statuses: [], configurationIDs: [], eventTypes: [] })}
        >
          {t('filters.clear')}
        </button>
      </div>
    </form>
  );
}

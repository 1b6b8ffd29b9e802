import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useClient, useQuery } from 'urql';
import { useSearchParams } from 'react-router';
import { ConfigurationChoicesQuery, DeliveriesQuery, DeliveryUpdatedSubscription } from './operations';
import type { DeliveriesQuery as DeliveriesResult, DeliveryStatus } from '../gql/graphql';
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

const pageSize = 50;

type DeliveryRow = NonNullable<NonNullable<NonNullable<DeliveriesResult['deliveries']['edges']>[number]>['node']>;

const statusLabels: Record<DeliveryStatus, string> = {
  PENDING: 'Pending',
  RETRYING: 'Retrying',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export function DeliveriesPage() {
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => parseFilters(new URLSearchParams(search)), [search]);

  return (
    <section aria-labelledby="deliveries-title">
      <h1 id="deliveries-title">Deliveries</h1>
      <FilterForm key={`form:${search}`} filters={filters} onApply={(f) => setParams(filtersToParams(f))} />
      {/* A new filter starts a new list: its pages and live rows. */}
      <DeliveryTable key={`table:${search}`} filters={filters} />
    </section>
  );
}

function DeliveryTable({ filters }: { filters: DeliveryFilters }) {
  const client = useClient();
  const where = useMemo(() => filtersToWhere(filters), [filters]);
  const [after, setAfter] = useState<string | null>(null);
  const [rows, setRows] = useState<DeliveryRow[]>([]);
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
      {fetching && rows.length === 0 && <p className="muted">Loading…</p>}
      {error && rows.length === 0 && <p role="alert">Could not load the deliveries: {error.message}</p>}
      {data && !fetching && rows.length === 0 && (
        <p className="empty">No deliveries match. New ones appear here as they happen.</p>
      )}
      {rows.length > 0 && (
        <table aria-describedby="deliveries-live">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Event type</th>
              <th scope="col">Event</th>
              <th scope="col">URL</th>
              <th scope="col">Response</th>
              <th scope="col">Attempts</th>
              <th scope="col">Created</th>
              <th scope="col">Last attempt</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>
                  <span className={`badge delivery-${d.status.toLowerCase()}`}>{statusLabels[d.status]}</span>
                </td>
                <td>{d.eventType}</td>
                <td className="mono">{d.eventID}</td>
                <td className="url">{d.url}</td>
                <td>{d.lastResponseStatus ?? '—'}</td>
                <td>{d.attemptCount}</td>
                <td><Time value={d.createdAt} /></td>
                <td>{d.lastAttemptAt ? <Time value={d.lastAttemptAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p id="deliveries-live" className="muted">
        {data && `${data.deliveries.totalCount} matching when loaded; new and changed deliveries update live.`}
      </p>
      {pageInfo?.hasNextPage && (
        <button type="button" disabled={fetching} onClick={() => setAfter(pageInfo.endCursor ?? null)}>
          {fetching ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}

function Time({ value }: { value: string }) {
  return <time dateTime={value}>{new Date(value).toLocaleString()}</time>;
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
    <form className="filters" onSubmit={submit} aria-label="Filter deliveries">
      <fieldset>
        <legend>Status</legend>
        {deliveryStatuses.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" name="status" value={s} defaultChecked={filters.statuses.includes(s)} />
            {statusLabels[s]}
          </label>
        ))}
      </fieldset>
      <label>
        Configuration
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
        Event types
        <input name="eventTypes" defaultValue={filters.eventTypes.join(', ')} placeholder="order.paid, order.refunded" />
      </label>
      <label>
        Created from
        <input type="datetime-local" name="from" defaultValue={toLocalInput(filters.createdFrom)} />
      </label>
      <label>
        Created before
        <input type="datetime-local" name="to" defaultValue={toLocalInput(filters.createdTo)} />
      </label>
      <label>
        Metadata key
        <input name="metaKey" defaultValue={filters.metadata?.key ?? ''} />
      </label>
      <label>
        Metadata value
        <input name="metaValue" defaultValue={filters.metadata?.value ?? ''} />
      </label>
      <div className="filter-actions">
        <button type="submit">Apply</button>
        <button
          type="button"
          onClick={() => onApply({ statuses: [], configurationIDs: [], eventTypes: [] })}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

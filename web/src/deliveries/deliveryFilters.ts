import type { DeliveryStatus, DeliveryUpdatedFilter, DeliveryWhereInput } from '../gql/graphql';

export const deliveryStatuses: DeliveryStatus[] = ['PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

// What the delivery history is filtered by; it lives in the URL's query string
// so that a filtered view can be shared and survives a reload.
export type DeliveryFilters = {
  statuses: DeliveryStatus[];
  configurationIDs: string[];
  eventTypes: string[];
  // RFC 3339 instants: createdFrom inclusive, createdTo exclusive.
  createdFrom?: string;
  createdTo?: string;
  metadata?: { key: string; value: string };
};

// The fields of a delivery the filters look at.
export type FilterableDelivery = {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: DeliveryStatus;
  configurationID?: string | null;
  eventType: string;
  event?: { metadata?: Record<string, string> | null } | null;
};

const isStatus = (s: string): s is DeliveryStatus => (deliveryStatuses as string[]).includes(s);

function instant(v: string | null): string | undefined {
  if (!v) return undefined;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

export function parseFilters(params: URLSearchParams): DeliveryFilters {
  const f: DeliveryFilters = {
    statuses: params.getAll('status').filter(isStatus),
    configurationIDs: params.getAll('configuration').filter(Boolean),
    eventTypes: params.getAll('eventType').filter(Boolean),
  };
  const from = instant(params.get('from'));
  const to = instant(params.get('to'));
  if (from) f.createdFrom = from;
  if (to) f.createdTo = to;
  const key = params.get('metaKey');
  if (key) f.metadata = { key, value: params.get('metaValue') ?? '' };
  return f;
}

export function filtersToParams(f: DeliveryFilters): URLSearchParams {
  const p = new URLSearchParams();
  f.statuses.forEach((s) => p.append('status', s));
  f.configurationIDs.forEach((c) => p.append('configuration', c));
  f.eventTypes.forEach((t) => p.append('eventType', t));
  if (f.createdFrom) p.set('from', f.createdFrom);
  if (f.createdTo) p.set('to', f.createdTo);
  if (f.metadata) {
    p.set('metaKey', f.metadata.key);
    p.set('metaValue', f.metadata.value);
  }
  return p;
}

export function filtersToWhere(f: DeliveryFilters): DeliveryWhereInput {
  const where: DeliveryWhereInput = {};
  if (f.statuses.length) where.statusIn = f.statuses;
  if (f.configurationIDs.length) where.configurationIDIn = f.configurationIDs;
  if (f.eventTypes.length) where.eventTypeIn = f.eventTypes;
  if (f.createdFrom) where.createdAtGTE = f.createdFrom;
  if (f.createdTo) where.createdAtLT = f.createdTo;
  if (f.metadata) where.metadata = [f.metadata];
  return where;
}

// The subscription leaves status out on purpose: its statusIn matches the
// delivery's new status, so a row that leaves the chosen statuses would never
// be heard of again and would stay on screen stale. mergeDelivery drops it.
export function filtersToSubscription(f: DeliveryFilters): DeliveryUpdatedFilter {
  const where: DeliveryUpdatedFilter = {};
  if (f.configurationIDs.length) where.configurationIDIn = f.configurationIDs;
  if (f.eventTypes.length) where.eventTypeIn = f.eventTypes;
  return where;
}

export function matchesFilters(d: FilterableDelivery, f: DeliveryFilters): boolean {
  if (f.statuses.length && !f.statuses.includes(d.status)) return false;
  if (f.configurationIDs.length && !(d.configurationID && f.configurationIDs.includes(d.configurationID))) return false;
  if (f.eventTypes.length && !f.eventTypes.includes(d.eventType)) return false;
  const created = Date.parse(d.createdAt);
  if (f.createdFrom && created < Date.parse(f.createdFrom)) return false;
  if (f.createdTo && created >= Date.parse(f.createdTo)) return false;
  if (f.metadata && d.event?.metadata?.[f.metadata.key] !== f.metadata.value) return false;
  return true;
}

// Applies one live update to the rows on screen: a row already there changes
// in place (unless the update is older than it), a new one matching the
// filters goes on top, and one that no longer matches leaves the list.
export function mergeDelivery<T extends FilterableDelivery>(list: T[], update: T, f: DeliveryFilters): T[] {
  const i = list.findIndex((d) => d.id === update.id);
  if (i >= 0 && Date.parse(list[i].updatedAt) > Date.parse(update.updatedAt)) return list;
  if (!matchesFilters(update, f)) return i >= 0 ? list.filter((_, j) => j !== i) : list;
  if (i >= 0) return list.map((d, j) => (j === i ? update : d));
  return [update, ...list];
}

// Adds a fetched page under the rows already shown; a row that arrived live
// meanwhile is refreshed where it is rather than shown twice.
export function appendPage<T extends { id: string }>(list: T[], page: T[]): T[] {
  const fresh = new Map(page.map((d) => [d.id, d]));
  const seen = new Set(list.map((d) => d.id));
  return [...list.map((d) => fresh.get(d.id) ?? d), ...page.filter((d) => !seen.has(d.id))];
}

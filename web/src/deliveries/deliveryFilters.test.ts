import { describe, expect, it } from 'vitest';
import {
  appendPage,
  filtersToParams,
  filtersToSubscription,
  filtersToWhere,
  mergeDelivery,
  parseFilters,
  type DeliveryFilters,
  type FilterableDelivery,
} from './deliveryFilters';

const none: DeliveryFilters = { statuses: [], configurationIDs: [], eventTypes: [] };

function delivery(id: string, over: Partial<FilterableDelivery> = {}): FilterableDelivery {
  return {
    id,
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    status: 'PENDING',
    configurationID: 'cfg_1',
    eventType: 'order.paid',
    event: { metadata: { tenant: 'acme' } },
    ...over,
  };
}

describe('mergeDelivery', () => {
  const list = [delivery('dlv_2'), delivery('dlv_1')];

  it('updates a row already on screen in place', () => {
    const update = delivery('dlv_1', { status: 'SUCCEEDED', updatedAt: '2026-12-01T10:00:01Z' });
    const merged = mergeDelivery(list, update, none);
    expect(merged.map((d) => d.id)).toEqual(['dlv_2', 'dlv_1']);
    expect(merged[1]).toBe(update);
  });

  it('puts a new delivery on top', () => {
    const merged = mergeDelivery(list, delivery('dlv_3'), none);
    expect(merged.map((d) => d.id)).toEqual(['dlv_3', 'dlv_2', 'dlv_1']);
  });

  it('never shows a delivery twice', () => {
    const once = mergeDelivery(list, delivery('dlv_3'), none);
    const twice = mergeDelivery(once, delivery('dlv_3', { attemptCount: 1 } as Partial<FilterableDelivery>), none);
    expect(twice.map((d) => d.id)).toEqual(['dlv_3', 'dlv_2', 'dlv_1']);
  });

  it('ignores an update older than the row it would replace', () => {
    const fresh = [delivery('dlv_1', { status: 'SUCCEEDED', updatedAt: '2026-12-01T10:00:05Z' })];
    const stale = delivery('dlv_1', { status: 'RETRYING', updatedAt: '2026-12-01T10:00:01Z' });
    expect(mergeDelivery(fresh, stale, none)).toBe(fresh);
  });

  it('drops a row whose new status leaves the filter', () => {
    const failedOnly = { ...none, statuses: ['FAILED' as const] };
    const rows = [delivery('dlv_1', { status: 'FAILED' })];
    const retried = delivery('dlv_1', { status: 'SUCCEEDED', updatedAt: '2026-12-01T10:00:09Z' });
    expect(mergeDelivery(rows, retried, failedOnly)).toEqual([]);
  });

  it('ignores new deliveries the filters do not match', () => {
    const cases: [DeliveryFilters, Partial<FilterableDelivery>][] = [
      [{ ...none, statuses: ['FAILED'] }, { status: 'PENDING' }],
      [{ ...none, configurationIDs: ['cfg_9'] }, {}],
      [{ ...none, configurationIDs: ['cfg_9'] }, { configurationID: null }],
      [{ ...none, eventTypes: ['invoice.created'] }, {}],
      [{ ...none, createdFrom: '2026-12-02T00:00:00.000Z' }, {}],
      [{ ...none, createdTo: '2026-12-01T10:00:00.000Z' }, {}],
      [{ ...none, metadata: { key: 'tenant', value: 'globex' } }, {}],
      [{ ...none, metadata: { key: 'tenant', value: 'acme' } }, { event: null }],
    ];
    for (const [filters, over] of cases) {
      expect(mergeDelivery(list, delivery('dlv_3', over), filters)).toBe(list);
    }
  });

  it('accepts a new delivery matching every filter', () => {
    const all: DeliveryFilters = {
      statuses: ['PENDING'],
      configurationIDs: ['cfg_1'],
      eventTypes: ['order.paid'],
      createdFrom: '2026-12-01T00:00:00.000Z',
      createdTo: '2026-12-02T00:00:00.000Z',
      metadata: { key: 'tenant', value: 'acme' },
    };
    expect(mergeDelivery([], delivery('dlv_3'), all).map((d) => d.id)).toEqual(['dlv_3']);
  });
});

describe('appendPage', () => {
  it('adds the next page below and refreshes rows that arrived live instead of repeating them', () => {
    const live = delivery('dlv_5', { status: 'PENDING' });
    const page = [delivery('dlv_5', { status: 'SUCCEEDED' }), delivery('dlv_4')];
    const merged = appendPage([live], page);
    expect(merged.map((d) => [d.id, d.status])).toEqual([
      ['dlv_5', 'SUCCEEDED'],
      ['dlv_4', 'PENDING'],
    ]);
  });
});

describe('filters in the URL', () => {
  it('round-trip through the query string and map to where', () => {
    const f: DeliveryFilters = {
      statuses: ['FAILED', 'RETRYING'],
      configurationIDs: ['cfg_1', 'cfg_2'],
      eventTypes: ['order.paid'],
      createdFrom: '2026-12-01T00:00:00.000Z',
      createdTo: '2026-12-02T00:00:00.000Z',
      metadata: { key: 'tenant', value: 'acme' },
    };
    const params = new URLSearchParams(filtersToParams(f).toString());
    expect(parseFilters(params)).toEqual(f);
    expect(filtersToWhere(f)).toEqual({
      statusIn: ['FAILED', 'RETRYING'],
      configurationIDIn: ['cfg_1', 'cfg_2'],
      eventTypeIn: ['order.paid'],
      createdAtGTE: '2026-12-01T00:00:00.000Z',
      createdAtLT: '2026-12-02T00:00:00.000Z',
      metadata: [{ key: 'tenant', value: 'acme' }],
    });
    expect(filtersToSubscription(f)).toEqual({ configurationIDIn: ['cfg_1', 'cfg_2'], eventTypeIn: ['order.paid'] });
  });

  it('ignores what it does not understand', () => {
    const f = parseFilters(new URLSearchParams('status=NOPE&status=FAILED&from=yesterday'));
    expect(f).toEqual({ statuses: ['FAILED'], configurationIDs: [], eventTypes: [] });
    expect(filtersToWhere(f)).toEqual({ statusIn: ['FAILED'] });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { MemoryRouter, Route, Routes } from 'react-router';
import { ConfigurationDetailPage } from './ConfigurationDetailPage';
import { fakeClient } from '../test/fakeClient';
import { deliveryRow } from '../test/fixtures';
import { i18n } from '../i18n';

beforeAll(() => {
  // recharts measures its container; jsdom has no layout to observe.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

const configuration = {
  __typename: 'Configuration',
  id: 'cfg_1',
  name: 'Orders',
  status: 'ACTIVE',
  url: 'https://shop.example/hooks',
  eventTypes: ['order.paid', 'order.refunded'],
  maxParallel: 10,
  timeoutSeconds: 30,
  retrySchedule: [5, 30, 120],
  headers: { Authorization: '••••abcd' },
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
  activatedAt: '2026-11-01T10:05:00Z',
  disabledReason: null,
  signingKey: { id: 'key_1', name: 'Main', hint: 'x9Qz', revokedAt: null },
};

function bucket(hour: number, over: Record<string, number> = {}) {
  return {
    start: `2026-12-01T${String(hour).padStart(2, '0')}:00:00Z`,
    total: 0,
    succeeded: 0,
    failed: 0,
    pending: 0,
    retrying: 0,
    cancelled: 0,
    ...over,
  };
}

const stats = {
  since: '2026-12-01T00:00:00Z',
  until: '2026-12-02T00:00:00Z',
  interval: 'HOUR',
  total: 24,
  succeeded: 18,
  failed: 2,
  pending: 1,
  retrying: 2,
  cancelled: 1,
  successRate: 0.9,
  buckets: [bucket(10, { total: 20, succeeded: 16, failed: 2, retrying: 2 }), bucket(11, { total: 4, succeeded: 2, pending: 1, cancelled: 1 })],
  latency: { p50Ms: 120, p95Ms: 480, p99Ms: 1500 },
};

function recent(id: string, over: Record<string, unknown> = {}) {
  return deliveryRow(id, { status: 'SUCCEEDED', attemptCount: 1, lastResponseStatus: 200, lastAttemptAt: '2026-12-01T10:00:01Z', ...over });
}

const testAttempt = {
  id: 'att_9',
  trigger: 'TEST',
  startedAt: '2026-12-01T12:00:00Z',
  durationMs: 87,
  requestURL: 'https://shop.example/hooks',
  requestHeaders: { 'Content-Type': 'application/json', 'X-Signature': 'abc123' },
  requestBody: '{"id":"evt_test","event":"order.paid","data":{"id":1},"sentDate":"2026-12-01T12:00:00.000Z"}',
  responseStatus: 200,
  responseHeaders: { 'X-Receiver': 'shop' },
  responseBody: '{"ok":true}',
  responseBodyTruncated: false,
  errorKind: null,
  error: null,
};

function setup(url: string, ...caps: string[]) {
  const fake = fakeClient({
    ConfigurationDetail: { node: configuration },
    ConfigurationHealth: (v: Record<string, unknown>) => ({ node: { __typename: 'Configuration', id: 'cfg_1', deliveryStats: { ...stats, interval: v.interval ?? 'HOUR' } } }),
    RecentDeliveries: { deliveries: { edges: [{ node: recent('dlv_1') }] } },
    TestEventTypes: {
      eventTypes: {
        edges: [
          { node: { id: 'etp_1', name: 'order.paid', description: 'Paid', application: 'shop', sample: { orderId: 42, total: 9.9 } } },
          { node: { id: 'etp_2', name: 'order.refunded', description: 'Refunded', application: null, sample: null } },
        ],
      },
    },
    SendTestEvent: { sendTestEvent: testAttempt },
  }, ['READ', ...caps]);
  render(
    <Provider value={fake.client}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/configurations/:id" element={<ConfigurationDetailPage />} />
        </Routes>
      </MemoryRouter>
    </Provider>,
  );
  return fake;
}

describe('ConfigurationDetailPage', () => {
  it('summarises the settings, with Edit and Send test event only for MANAGE_CONFIGURATIONS', () => {
    setup('/configurations/cfg_1');
    expect(screen.getByRole('heading', { level: 1, name: 'Orders' })).toBeInTheDocument();
    expect(screen.getByText('Active')).toBeInTheDocument();
    expect(screen.getByText('https://shop.example/hooks')).toBeInTheDocument();
    expect(screen.getByText('order.refunded')).toBeInTheDocument();
    expect(screen.getByText('30 seconds')).toBeInTheDocument();
    expect(screen.getByText(/3 retries/)).toBeInTheDocument();
    expect(screen.getByText('••••abcd')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Send test event' })).not.toBeInTheDocument();
  });

  it('shows the health figures and a text summary of the chart, and switches to 30 days by day', async () => {
    const user = userEvent.setup();
    const fake = setup('/configurations/cfg_1');
    const health = screen.getByRole('region', { name: 'Health' });
    expect(within(health).getByText('24')).toBeInTheDocument();
    expect(within(health).getByText('90%')).toBeInTheDocument();
    expect(within(health).getByText('120 ms')).toBeInTheDocument();
    expect(within(health).getByText('1.5 s')).toBeInTheDocument();
    expect(
      within(health).getByText(
        'Last 24 hours: 24 deliveries, 18 succeeded, 2 failed, 2 retrying, 1 pending, 1 cancelled. Success rate 90%.',
      ),
    ).toBeInTheDocument();
    // The hidden table gives each bucket's numbers in words.
    const table = within(health).getByRole('table', { name: 'Deliveries by status in each period' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getAllByRole('cell').map((c) => c.textContent)).toEqual(['16', '2', '2', '0', '0']);

    expect(fake.named('ConfigurationHealth')[0].variables).toEqual({ id: 'cfg_1', interval: 'HOUR' });
    await user.click(within(health).getByRole('radio', { name: 'Last 30 days' }));
    const last = fake.named('ConfigurationHealth').at(-1)!.variables;
    expect(last.interval).toBe('DAY');
    const since = new Date(last.since as string);
    expect(since.getUTCHours()).toBe(0);
    expect(Math.round((Date.now() - since.getTime()) / 86400000)).toBeGreaterThanOrEqual(29);
    expect(within(health).getByText(/^Last 30 days: 24 deliveries/)).toBeInTheDocument();
  });

  it('lists recent deliveries, live, with a link to the filtered history', () => {
    const fake = setup('/configurations/cfg_1');
    const recentSection = screen.getByRole('region', { name: 'Recent deliveries' });
    expect(within(recentSection).getByRole('link', { name: 'See all deliveries of this configuration' })).toHaveAttribute(
      'href',
      '/deliveries?configuration=cfg_1',
    );
    expect(fake.subscriptions).toContainEqual({ where: { configurationIDIn: ['cfg_1'] } });
    fake.push(recent('dlv_2', { status: 'FAILED', createdAt: '2026-12-01T11:00:00Z', updatedAt: '2026-12-01T11:00:00Z' }));
    const rows = within(recentSection).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('link').textContent)).toEqual(['evt_dlv_2', 'evt_dlv_1']);
    expect(within(rows[0]).getByText('Failed')).toBeInTheDocument();
  });

  it('opens the test dialog from ?test=1, refuses invalid JSON and shows the request and the response', async () => {
    const user = userEvent.setup();
    const fake = setup('/configurations/cfg_1?test=1', 'MANAGE_CONFIGURATIONS');
    expect(screen.getByRole('link', { name: 'Edit' })).toHaveAttribute('href', '/configurations/cfg_1/edit');

    const dialog = await screen.findByRole('dialog', { name: 'Send test event' });
    const type = within(dialog).getByLabelText('Event type');
    expect(type).toHaveValue('order.paid');
    const data = within(dialog).getByLabelText('Event data (JSON)');
    // Prefilled with the type's sample from the catalog; a type without one starts empty.
    expect(JSON.parse((data as HTMLTextAreaElement).value)).toEqual({ orderId: 42, total: 9.9 });
    await user.selectOptions(type, 'order.refunded');
    expect(data).toHaveValue('{}');
    await user.selectOptions(type, 'order.paid');
    expect(JSON.parse((data as HTMLTextAreaElement).value)).toEqual({ orderId: 42, total: 9.9 });

    fireEvent.change(data, { target: { value: '{"id": 1,' } });
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(data).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('This is not valid JSON');
    fireEvent.change(data, { target: { value: '[1, 2]' } });
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('must be a JSON object');
    expect(fake.mutations).toEqual([]);

    await user.selectOptions(type, 'order.refunded');
    fireEvent.change(data, { target: { value: '{"id": 1}' } });
    await user.click(within(dialog).getByRole('button', { name: 'Send' }));

    expect(fake.mutations).toEqual([
      { name: 'SendTestEvent', variables: { input: { configurationID: 'cfg_1', eventType: 'order.refunded', data: { id: 1 } } } },
    ]);
    expect(data).not.toHaveAttribute('aria-invalid');
    const result = within(dialog).getByRole('region', { name: 'Result' });
    expect(within(result).getByRole('status')).toHaveTextContent('The endpoint answered 200 in 87 ms.');
    expect(within(result).getByText('Test event')).toBeInTheDocument();
    expect(within(result).getByText('POST https://shop.example/hooks')).toBeInTheDocument();
    expect(within(result).getByText('abc123')).toBeInTheDocument();
    expect(within(result).getByLabelText('Request body').textContent).toContain('"event": "order.paid"');
    expect(within(result).getByText('shop')).toBeInTheDocument();
    expect(within(result).getByLabelText('Response body').textContent).toBe('{\n  "ok": true\n}');
  });

  it('opens the test dialog from its button', async () => {
    const user = userEvent.setup();
    setup('/configurations/cfg_1', 'MANAGE_CONFIGURATIONS');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send test event' }));
    expect(await screen.findByRole('dialog', { name: 'Send test event' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('speaks Portuguese', async () => {
    await i18n.changeLanguage('pt-BR');
    setup('/configurations/cfg_1?test=1', 'MANAGE_CONFIGURATIONS');
    expect(screen.getByRole('link', { name: 'Editar' })).toBeInTheDocument();
    expect(screen.getByText('Ativa')).toBeInTheDocument();
    expect(screen.getByText('30 segundos')).toBeInTheDocument();
    const health = screen.getByRole('region', { name: 'Saúde' });
    expect(within(health).getByText(/^Últimas 24 horas: 24 envios, 18 com sucesso/)).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Envios recentes' })).toBeInTheDocument();
    const dialog = await screen.findByRole('dialog', { name: 'Enviar evento de teste' });
    expect(within(dialog).getByLabelText('Dados do evento (JSON)')).toBeInTheDocument();
  });
});

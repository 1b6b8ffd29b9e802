import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { MemoryRouter, Route, Routes } from 'react-router';
import { DeliveryDetailPage } from './DeliveryDetailPage';
import { fakeClient } from '../test/fakeClient';
import { i18n } from '../i18n';

function attempt(number: number, over: Record<string, unknown> = {}) {
  return {
    id: `att_${number}`,
    number,
    trigger: 'AUTOMATIC',
    startedAt: `2026-12-01T10:00:0${number}Z`,
    durationMs: 120 + number,
    requestURL: 'https://shop.example/hooks',
    requestHeaders: { 'Content-Type': 'application/json', 'X-Signature': `sig${number}` },
    requestBody: '{"id":"evt_1","event":"order.paid","data":{"total":10},"sentDate":"2026-12-01T10:00:00.000Z"}',
    responseStatus: 500,
    responseHeaders: { 'Content-Type': 'text/plain' },
    responseBody: 'boom',
    responseBodyTruncated: false,
    errorKind: 'http_status',
    error: 'the endpoint answered 500',
    ...over,
  };
}

function delivery(attempts: ReturnType<typeof attempt>[], over: Record<string, unknown> = {}) {
  return {
    __typename: 'Delivery',
    id: 'dlv_1',
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:02Z',
    status: 'RETRYING',
    eventType: 'order.paid',
    eventID: 'evt_1',
    url: 'https://shop.example/hooks',
    configurationID: 'cfg_1',
    attemptCount: attempts.length,
    lastResponseStatus: 500,
    lastAttemptAt: '2026-12-01T10:00:02Z',
    nextAttemptAt: null,
    configurationName: 'Orders',
    configuration: { id: 'cfg_1', name: 'Orders' },
    event: { id: 'evt_1', type: 'order.paid', data: { total: 10 }, metadata: { tenant: 'acme' }, occurredAt: '2026-12-01T10:00:00Z' },
    attempts,
    ...over,
  };
}

function update(over: Record<string, unknown>) {
  return {
    id: 'dlv_1',
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:09Z',
    eventID: 'evt_1',
    configurationID: 'cfg_1',
    status: 'RETRYING',
    eventType: 'order.paid',
    url: 'https://shop.example/hooks',
    attemptCount: 2,
    lastResponseStatus: 500,
    lastAttemptAt: '2026-12-01T10:00:02Z',
    event: { id: 'evt_1', metadata: { tenant: 'acme' } },
    ...over,
  };
}

const twoAttempts = [attempt(1), attempt(2, { trigger: 'MANUAL', responseStatus: null, responseHeaders: null, responseBody: '', errorKind: 'timeout', error: 'no answer in 30 s' })];

function setup(caps: string[] = [], node: unknown = delivery(twoAttempts)) {
  const fake = fakeClient({
    DeliveryDetail: { node },
    ResendDelivery: { resendDelivery: { id: 'dlv_1', status: 'RETRYING', attemptCount: 3, updatedAt: '2026-12-01T10:00:09Z' } },
  }, ['READ', ...caps]);
  render(
    <Provider value={fake.client}>
      <MemoryRouter initialEntries={['/deliveries/dlv_1']}>
        <Routes>
          <Route path="/deliveries/:id" element={<DeliveryDetailPage />} />
        </Routes>
      </MemoryRouter>
    </Provider>,
  );
  return fake;
}

const timeline = (name = 'Attempts') => within(screen.getByRole('list', { name })).getAllByRole('listitem');

describe('DeliveryDetailPage', () => {
  it('shows the delivery, its payload and metadata, and every attempt newest first', () => {
    setup();
    expect(screen.getByText('Retrying')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Orders' })).toHaveAttribute('href', '/configurations/cfg_1');
    expect(screen.getByRole('button', { name: 'Copy event ID' })).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Event payload' })).getByText(/"total": 10/)).toBeInTheDocument();
    expect(screen.getByText('tenant').nextElementSibling).toHaveTextContent('acme');

    const items = timeline();
    expect(items.map((li) => within(li).getByRole('heading', { level: 3 }).textContent)).toEqual(['Attempt 2', 'Attempt 1']);
    const newest = within(items[0]);
    expect(newest.getByText('Manual resend')).toBeInTheDocument();
    expect(newest.getByText('No response')).toBeInTheDocument();
    expect(newest.getByText('Timed out')).toBeInTheDocument();
    expect(newest.getByText(/no answer in 30 s/)).toBeInTheDocument();
    const oldest = within(items[1]);
    expect(oldest.getByText('Automatic')).toBeInTheDocument();
    expect(oldest.getByText('500')).toBeInTheDocument();
    expect(oldest.getByText('sig1')).toBeInTheDocument();
    // JSON bodies are indented to be read.
    expect(oldest.getByLabelText('Request body').textContent).toContain('\n  "event": "order.paid"');
  });

  it('names a deleted configuration, without a link to it', () => {
    setup([], delivery(twoAttempts, { configuration: null, configurationName: 'Old orders' }));
    expect(screen.getByText('Old orders')).toBeInTheDocument();
    expect(screen.getByText('(deleted)')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Old orders/ })).not.toBeInTheDocument();
  });

  it('says when a response body was cut, and only then', () => {
    setup([], delivery([attempt(1, { responseBodyTruncated: true }), attempt(2)]));
    const [second, first] = timeline();
    expect(within(first).getByText(/longer than 64 KiB/)).toBeInTheDocument();
    expect(within(second).queryByText(/longer than 64 KiB/)).not.toBeInTheDocument();
  });

  it('says so when the delivery does not exist', () => {
    setup([], null);
    expect(screen.getByRole('alert')).toHaveTextContent('This delivery does not exist');
  });

  it('refetches the attempts when a live update says this delivery changed, and ignores other deliveries', () => {
    const fake = setup();
    expect(fake.subscriptions).toEqual([{ where: { configurationIDIn: ['cfg_1'] } }]);
    const before = fake.named('DeliveryDetail').length;

    // Another delivery of the same configuration, and this one unchanged: nothing to fetch.
    fake.push(update({ id: 'dlv_2', attemptCount: 7 }));
    fake.push(update({}));
    expect(fake.named('DeliveryDetail')).toHaveLength(before);

    fake.answers.DeliveryDetail = {
      node: delivery([...twoAttempts, attempt(3, { trigger: 'AUTOMATIC', responseStatus: 200, error: null, errorKind: null })], {
        status: 'SUCCEEDED',
        attemptCount: 3,
      }),
    };
    fake.push(update({ attemptCount: 3, status: 'SUCCEEDED' }));

    expect(fake.named('DeliveryDetail').at(-1)?.requestPolicy).toBe('network-only');
    const items = timeline();
    expect(items.map((li) => within(li).getByRole('heading', { level: 3 }).textContent)).toEqual(['Attempt 3', 'Attempt 2', 'Attempt 1']);
    expect(within(items[0]).getByText('200')).toBeInTheDocument();
    expect(screen.getByText('Succeeded')).toBeInTheDocument();
  });

  it('offers Resend only with RESEND, and resending refetches', async () => {
    const user = userEvent.setup();
    const fake = setup(['RESEND']);
    await user.click(screen.getByRole('button', { name: 'Resend' }));
    expect(fake.mutations).toEqual([{ name: 'ResendDelivery', variables: { id: 'dlv_1' } }]);
    expect(await screen.findByText(/Resent: the new attempt appears below/)).toBeInTheDocument();
    expect(fake.named('DeliveryDetail').at(-1)?.requestPolicy).toBe('network-only');
  });

  it('hides Resend without RESEND', () => {
    setup(['MANAGE_CONFIGURATIONS']);
    expect(screen.getByRole('heading', { name: /Delivery dlv_1/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Resend' })).not.toBeInTheDocument();
  });

  it('speaks Portuguese', async () => {
    await i18n.changeLanguage('pt-BR');
    setup(['RESEND']);
    expect(screen.getByRole('button', { name: 'Reenviar' })).toBeInTheDocument();
    expect(screen.getByText('Tentando novamente')).toBeInTheDocument();
    const items = timeline('Tentativas');
    expect(within(items[0]).getByRole('heading', { level: 3 })).toHaveTextContent('Tentativa 2');
    expect(within(items[0]).getByText('Reenvio manual')).toBeInTheDocument();
    expect(within(items[0]).getByText('Sem resposta')).toBeInTheDocument();
    expect(within(items[1]).getByText('Automática')).toBeInTheDocument();
  });
});

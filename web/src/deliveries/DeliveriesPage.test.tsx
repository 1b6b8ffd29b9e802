import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { Provider, type Client } from 'urql';
import { MemoryRouter } from 'react-router';
import { DeliveriesPage } from './DeliveriesPage';
import { fakeClient } from '../test/fakeClient';
import { deliveryRow } from '../test/fixtures';

function deliveriesPage(rows: ReturnType<typeof deliveryRow>[], totalCount: number, next: boolean) {
  return {
    deliveries: {
      totalCount,
      pageInfo: { hasNextPage: next, endCursor: next ? 'cursor_1' : null },
      edges: rows.map((node) => ({ node })),
    },
  };
}

// The first page, and nextPage for a request after its cursor.
function mockClient(deliveries: ReturnType<typeof deliveryRow>[], nextPage?: ReturnType<typeof deliveryRow>[]) {
  return fakeClient({
    Deliveries: (v) =>
      v.after
        ? deliveriesPage(nextPage ?? [], deliveries.length + (nextPage?.length ?? 0), false)
        : deliveriesPage(deliveries, deliveries.length, !!nextPage),
    ConfigurationChoices: { configurations: { edges: [{ node: { id: 'cfg_1', name: 'Orders' } }] } },
  });
}

function renderAt(url: string, client: Client) {
  render(
    <Provider value={client}>
      <MemoryRouter initialEntries={[url]}>
        <DeliveriesPage />
      </MemoryRouter>
    </Provider>,
  );
}

describe('DeliveriesPage', () => {
  it('sends the filters in the URL to the query and the subscription, and shows the rows', () => {
    const { client, named, subscriptions } = mockClient([deliveryRow('dlv_1')]);
    renderAt(
      '/deliveries?status=FAILED&status=RETRYING&configuration=cfg_1&eventType=order.paid&from=2026-12-01T00%3A00%3A00.000Z&metaKey=tenant&metaValue=acme',
      client,
    );

    const deliveriesQuery = named('Deliveries')[0];
    expect(deliveriesQuery?.variables).toEqual({
      first: 50,
      after: null,
      where: {
        statusIn: ['FAILED', 'RETRYING'],
        configurationIDIn: ['cfg_1'],
        eventTypeIn: ['order.paid'],
        createdAtGTE: '2026-12-01T00:00:00.000Z',
        metadata: [{ key: 'tenant', value: 'acme' }],
      },
    });
    expect(subscriptions).toEqual([{ where: { configurationIDIn: ['cfg_1'], eventTypeIn: ['order.paid'] } }]);

    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    const first = within(rows[0]);
    expect(first.getByText('Failed')).toBeInTheDocument();
    expect(first.getByText('order.paid')).toBeInTheDocument();
    expect(first.getByText('evt_dlv_1')).toBeInTheDocument();
    expect(first.getByText('https://shop.example/hooks')).toBeInTheDocument();
    expect(first.getByText('500')).toBeInTheDocument();
    expect(first.getByText('3')).toBeInTheDocument();

    // The form shows the filters it came with.
    expect(screen.getByRole('checkbox', { name: 'Failed' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Succeeded' })).not.toBeChecked();
    expect(screen.getByLabelText('Metadata key')).toHaveValue('tenant');
  });

  it('shows live updates without a reload: new rows on top, changed rows in place', () => {
    const { client, push } = mockClient([deliveryRow('dlv_1')]);
    renderAt('/deliveries?status=FAILED', client);

    push(deliveryRow('dlv_2', { createdAt: '2026-12-01T11:00:00Z', updatedAt: '2026-12-01T11:00:00Z' }));
    push(deliveryRow('dlv_1', { attemptCount: 4, lastResponseStatus: 502, updatedAt: '2026-12-01T11:00:01Z' }));
    // Succeeded no longer matches status=FAILED: it is not added.
    push(deliveryRow('dlv_3', { status: 'SUCCEEDED' }));

    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[2].textContent)).toEqual(['evt_dlv_2', 'evt_dlv_1']);
    expect(within(rows[1]).getByText('502')).toBeInTheDocument();
    expect(within(rows[1]).getByText('4')).toBeInTheDocument();
  });

  it('loads the next page after the last cursor, below the rows shown', () => {
    const { client, named } = mockClient([deliveryRow('dlv_2')], [deliveryRow('dlv_1')]);
    renderAt('/deliveries', client);

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));

    const last = named('Deliveries').at(-1);
    expect(last?.variables).toEqual({ first: 50, after: 'cursor_1', where: {} });
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[2].textContent)).toEqual(['evt_dlv_2', 'evt_dlv_1']);
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('applies the form to the query string and queries again with it', () => {
    const { client, named } = mockClient([deliveryRow('dlv_1')]);
    renderAt('/deliveries', client);

    fireEvent.click(screen.getByRole('checkbox', { name: 'Succeeded' }));
    fireEvent.change(screen.getByLabelText('Event types'), { target: { value: 'order.paid, order.refunded' } });
    fireEvent.change(screen.getByLabelText('Metadata key'), { target: { value: 'tenant' } });
    fireEvent.change(screen.getByLabelText('Metadata value'), { target: { value: 'acme' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));

    const last = named('Deliveries').at(-1);
    expect(last?.variables?.where).toEqual({
      statusIn: ['SUCCEEDED'],
      eventTypeIn: ['order.paid', 'order.refunded'],
      metadata: [{ key: 'tenant', value: 'acme' }],
    });
    // The new form reads the URL it wrote.
    expect(screen.getByRole('checkbox', { name: 'Succeeded' })).toBeChecked();
    expect(screen.getByLabelText('Event types')).toHaveValue('order.paid, order.refunded');
  });
});

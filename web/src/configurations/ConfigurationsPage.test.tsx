import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { Provider, type Client } from 'urql';
import { fromValue } from 'wonka';
import { ConfigurationsPage } from './ConfigurationsPage';

// The GraphQL client is mocked: this test is about rendering what the API answers.
function clientAnswering(data: unknown): Client {
  return { executeQuery: () => fromValue({ data }) } as unknown as Client;
}

describe('ConfigurationsPage', () => {
  it('lists each configuration with its name, URL, status and event types', () => {
    const client = clientAnswering({
      configurations: {
        totalCount: 2,
        pageInfo: { hasNextPage: false, endCursor: null },
        edges: [
          { node: { id: 'cfg_1', name: 'Orders', url: 'https://shop.example/hooks', status: 'ACTIVE', eventTypes: ['order.paid', 'order.refunded'] } },
          { node: { id: 'cfg_2', name: 'Invoices', url: 'https://billing.example/in', status: 'INACTIVE', eventTypes: ['invoice.created'] } },
        ],
      },
    });
    render(
      <Provider value={client}>
        <ConfigurationsPage />
      </Provider>,
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const first = within(rows[0]);
    expect(first.getByText('Orders')).toBeInTheDocument();
    expect(first.getByText('https://shop.example/hooks')).toBeInTheDocument();
    expect(first.getByText('Active')).toBeInTheDocument();
    expect(first.getByText('order.paid, order.refunded')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Inactive')).toBeInTheDocument();
  });

  it('says what a configuration is when there are none', () => {
    const client = clientAnswering({
      configurations: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
    });
    render(
      <Provider value={client}>
        <ConfigurationsPage />
      </Provider>,
    );
    expect(screen.getByText(/No configurations yet/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});

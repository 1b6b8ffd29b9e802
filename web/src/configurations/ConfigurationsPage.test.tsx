import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider, type Client } from 'urql';
import { MemoryRouter } from 'react-router';
import { ConfigurationsPage } from './ConfigurationsPage';
import { fakeClient } from '../test/fakeClient';
import { i18n } from '../i18n';

const manager = ['READ', 'MANAGE_CONFIGURATIONS'];

function config(id: string, name: string, over: Record<string, unknown> = {}) {
  return {
    id,
    name,
    url: `https://${id}.example/hooks`,
    status: 'ACTIVE',
    eventTypes: ['order.paid', 'order.refunded'],
    disabledReason: null,
    deliveryStats: { successRate: 0.975 },
    ...over,
  };
}

function page(nodes: ReturnType<typeof config>[], hasNextPage = false, totalCount = nodes.length) {
  return {
    configurations: {
      totalCount,
      pageInfo: { hasNextPage, endCursor: hasNextPage ? 'cursor_1' : null },
      edges: nodes.map((node) => ({ node })),
    },
  };
}

const orders = config('cfg_1', 'Orders');
const invoices = config('cfg_2', 'Invoices', { status: 'INACTIVE', eventTypes: ['invoice.created'], deliveryStats: { successRate: null } });

function renderPage(client: Client) {
  render(
    <Provider value={client}>
      <MemoryRouter initialEntries={['/configurations']}>
        <ConfigurationsPage />
      </MemoryRouter>
    </Provider>,
  );
}

const bodyRows = () => screen.getAllByRole('row').slice(1);

// jsdom is slow on a busy machine: room beyond the 5 s default.
describe('ConfigurationsPage', { timeout: 20000 }, () => {
  it('lists each configuration with a link, its status, URL, event types and the success rate of the last 24 h', () => {
    const { client, queries } = fakeClient({ Configurations: page([orders, invoices]) }, manager);
    renderPage(client);

    expect(queries.find((q) => q.name === 'Configurations')?.variables).toEqual({ first: 50, after: null });
    const rows = bodyRows();
    expect(rows).toHaveLength(2);
    const first = within(rows[0]);
    expect(first.getByRole('link', { name: 'Orders' })).toHaveAttribute('href', '/configurations/cfg_1');
    expect(first.getByText('https://cfg_1.example/hooks')).toBeInTheDocument();
    expect(first.getByText('Active')).toBeInTheDocument();
    expect(first.getByText('order.paid, order.refunded')).toBeInTheDocument();
    expect(first.getByText('97.5%')).toBeInTheDocument();
    const second = within(rows[1]);
    expect(second.getByText('Inactive')).toBeInTheDocument();
    // No delivery ended: a dash, and words for screen readers.
    expect(second.getByText('—')).toBeInTheDocument();
    expect(second.getByText('No delivery ended in the last 24 h')).toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Status',
      'URL',
      'Event types',
      'Success (last 24 h)',
      'Actions',
    ]);
    expect(first.getByRole('button', { name: 'Deactivate Orders' })).toBeInTheDocument();
    expect(within(rows[1]).getByRole('button', { name: 'Activate Invoices' })).toBeInTheDocument();
    expect(first.getByRole('link', { name: 'Edit Orders' })).toHaveAttribute('href', '/configurations/cfg_1/edit');
    expect(first.getByRole('link', { name: 'Send test event Orders' })).toHaveAttribute('href', '/configurations/cfg_1?test=1');
  });

  it('invites to create the first configuration when there are none', () => {
    const { client } = fakeClient({ Configurations: page([]) }, manager);
    renderPage(client);
    expect(screen.getByRole('heading', { name: 'No configurations yet' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New configuration' })).toHaveAttribute('href', '/configurations/new');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('offers no actions to a read-only session', () => {
    const { client } = fakeClient({ Configurations: page([orders, invoices]) }, ['READ']);
    renderPage(client);
    expect(bodyRows()).toHaveLength(2);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /New configuration|Edit|Send test event/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
  });

  it('has no create button for a read-only session when the list is empty', () => {
    const { client } = fakeClient({ Configurations: page([]) }, ['READ']);
    renderPage(client);
    expect(screen.getByText('Someone who may manage configurations can create one.')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /New configuration/ })).not.toBeInTheDocument();
  });

  it('deactivates only after the warning that missed events are not replayed is confirmed', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      Configurations: page([orders]),
      DeactivateConfiguration: { deactivateConfiguration: { id: 'cfg_1', status: 'INACTIVE', disabledReason: null } },
    }, manager);
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'Deactivate Orders' }));
    const dialog = screen.getByRole('dialog', { name: 'Deactivate Orders?' });
    expect(dialog).toHaveTextContent('no events are sent to https://cfg_1.example/hooks');
    expect(dialog).toHaveTextContent('the events missed meanwhile cannot be replayed when you activate it again');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(mutations).toEqual([]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Deactivate Orders' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' }));
    expect(mutations.map((m) => [m.name, m.variables])).toEqual([['DeactivateConfiguration', { id: 'cfg_1' }]]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // The row shows the new status without a reload, and offers Activate now.
    expect(within(bodyRows()[0]).getByText('Inactive')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Activate Orders' })).toBeInTheDocument();
  });

  it('activates with a ping and shows its answer, then the row is active', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      Configurations: page([invoices]),
      ActivateConfiguration: {
        activateConfiguration: {
          configuration: { id: 'cfg_2', status: 'ACTIVE', disabledReason: null, activatedAt: '2026-12-01T10:00:00Z' },
          attempt: {
            id: 'att_1',
            responseStatus: 200,
            durationMs: 123,
            responseBody: '{"pong":true}',
            responseBodyTruncated: false,
            errorKind: null,
            error: null,
          },
        },
      },
    }, manager);
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'Activate Invoices' }));
    expect(mutations.map((m) => [m.name, m.variables])).toEqual([['ActivateConfiguration', { id: 'cfg_2' }]]);
    const dialog = await screen.findByRole('dialog', { name: 'Activating Invoices' });
    expect(within(dialog).getByText('Invoices is active: the URL answered the ping with a 2xx.')).toBeInTheDocument();
    expect(within(dialog).getByText('200')).toBeInTheDocument();
    expect(within(dialog).getByText('123 ms')).toBeInTheDocument();
    expect(within(dialog).getByText('{"pong":true}')).toBeInTheDocument();
    await user.click(within(dialog).getAllByRole('button', { name: 'Close' })[0]);
    expect(within(bodyRows()[0]).getByText('Active')).toBeInTheDocument();
  });

  it('says why an activation failed: no response, the kind of error and its message', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({
      Configurations: page([invoices]),
      ActivateConfiguration: {
        activateConfiguration: {
          configuration: { id: 'cfg_2', status: 'INACTIVE', disabledReason: null, activatedAt: null },
          attempt: {
            id: 'att_1',
            responseStatus: null,
            durationMs: 30000,
            responseBody: '',
            responseBodyTruncated: false,
            errorKind: 'timeout',
            error: 'no response within 30 s',
          },
        },
      },
    }, manager);
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'Activate Invoices' }));
    const dialog = await screen.findByRole('dialog', { name: 'Activating Invoices' });
    expect(dialog).toHaveTextContent('Invoices was not activated');
    expect(within(dialog).getByText('No response')).toBeInTheDocument();
    expect(within(dialog).getByText('30 s')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('Timed out: no response within 30 s');
    expect(within(bodyRows()[0]).getByText('Inactive')).toBeInTheDocument();
  });

  it('deletes after a confirmation naming the configuration, and the row goes', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      Configurations: page([orders, invoices]),
      DeleteConfiguration: { deleteConfiguration: 'cfg_1' },
    }, manager);
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'Delete Orders' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Orders?' });
    expect(dialog).toHaveTextContent('The configuration “Orders” is deleted');
    expect(mutations).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Delete configuration' }));

    expect(mutations).toHaveLength(1);
    expect(mutations[0].variables).toEqual({ id: 'cfg_1' });
    // Queries listing configurations are fetched again.
    expect(mutations[0].additionalTypenames).toEqual(['Configuration']);
    expect(bodyRows()).toHaveLength(1);
    expect(screen.queryByText('Orders')).not.toBeInTheDocument();
  });

  it('loads the next page below the rows shown', async () => {
    const user = userEvent.setup();
    const { client, queries } = fakeClient({
      Configurations: (v) => (v.after ? page([invoices], false, 2) : page([orders], true, 2)),
    }, manager);
    renderPage(client);
    expect(screen.getByText('Showing 1 of 2.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(queries.filter((q) => q.name === 'Configurations').at(-1)?.variables).toEqual({ first: 50, after: 'cursor_1' });
    expect(bodyRows().map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual(['Orders', 'Invoices']);
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('speaks Brazilian Portuguese', async () => {
    await i18n.changeLanguage('pt-BR');
    const { client } = fakeClient({ Configurations: page([orders, invoices]) }, manager);
    renderPage(client);
    expect(screen.getByRole('heading', { name: 'Configurações' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Nova configuração' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Sucesso (últimas 24 h)' })).toBeInTheDocument();
    expect(within(bodyRows()[0]).getByText('Ativa')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Ativar Invoices' })).toBeInTheDocument();
    expect(within(bodyRows()[0]).getByText('97,5%')).toBeInTheDocument();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Desativar Orders' }));
    expect(screen.getByRole('dialog', { name: 'Desativar Orders?' })).toHaveTextContent(
      'os eventos perdidos nesse período não poderão ser reenviados',
    );
  });
});

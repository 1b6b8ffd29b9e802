import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { MemoryRouter } from 'react-router';
import { DeliveriesPage } from './DeliveriesPage';
import { fakeClient } from '../test/fakeClient';
import { i18n } from '../i18n';

const emptyPage = { deliveries: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } };

function setup(count: number, ...caps: string[]) {
  const fake = fakeClient({
    Deliveries: emptyPage,
    ConfigurationChoices: { configurations: { edges: [] } },
    DeliveriesCount: { deliveries: { totalCount: count } },
    ResendDeliveries: { resendDeliveries: count },
  }, ['READ', ...caps]);
  render(
    <Provider value={fake.client}>
      <MemoryRouter initialEntries={['/deliveries?status=FAILED&eventType=order.paid']}>
        <DeliveriesPage />
      </MemoryRouter>
    </Provider>,
  );
  return fake;
}

describe('Resend all matching', () => {
  it('counts what the filters match, asks with that number and resends only after confirming', async () => {
    const user = userEvent.setup();
    const fake = setup(3, 'RESEND');

    await user.click(screen.getByRole('button', { name: 'Resend all matching' }));

    const dialog = await screen.findByRole('dialog', { name: 'Resend deliveries' });
    expect(within(dialog).getByText('Resend 3 deliveries?')).toBeInTheDocument();
    const where = { statusIn: ['FAILED'], eventTypeIn: ['order.paid'] };
    expect(fake.named('DeliveriesCount').at(-1)).toEqual({ name: 'DeliveriesCount', variables: { where }, requestPolicy: 'network-only' });
    expect(fake.mutations).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'Resend' }));

    expect(fake.mutations).toEqual([{ name: 'ResendDeliveries', variables: { where } }]);
    expect(await screen.findByText('3 deliveries queued for resending.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('sends nothing when cancelled', async () => {
    const user = userEvent.setup();
    const fake = setup(1, 'RESEND');
    await user.click(screen.getByRole('button', { name: 'Resend all matching' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Resend 1 delivery?')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.mutations).toEqual([]);
  });

  it('explains a resend of nothing instead of sending it', async () => {
    const user = userEvent.setup();
    const fake = setup(0, 'RESEND');
    await user.click(screen.getByRole('button', { name: 'Resend all matching' }));
    expect(await screen.findByText(/No delivery matches the current filters/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.mutations).toEqual([]);
  });

  it('is not offered without RESEND', () => {
    setup(3);
    expect(screen.getByRole('heading', { name: 'Deliveries' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Resend all matching' })).not.toBeInTheDocument();
  });

  it('speaks Portuguese', async () => {
    await i18n.changeLanguage('pt-BR');
    const user = userEvent.setup();
    setup(2, 'RESEND');
    expect(screen.getByRole('heading', { name: 'Histórico de Envios' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Falhou' })).toBeChecked();
    expect(screen.getByLabelText('Chave do metadado')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reenviar todos os filtrados' }));
    expect(await screen.findByText('Reenviar 2 envios?')).toBeInTheDocument();
  });
});

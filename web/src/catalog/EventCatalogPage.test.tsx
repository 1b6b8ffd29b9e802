import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { EventCatalogPage } from './EventCatalogPage';
import { fakeClient } from '../test/fakeClient';
import { groupTypes, matches, sampleBody } from './catalog';
import { i18n } from '../i18n';

function type(name: string, over: Record<string, unknown> = {}) {
  return { id: `etp_${name}`, name, description: '', application: null, sample: null, archived: false, ...over };
}

const catalog = [
  type('nutror.lesson_started', { application: 'nutror', description: 'A student opened a lesson.' }),
  // No application: grouped by the prefix before the first dot.
  type('nutror.lesson_finished', { description: 'A student watched a lesson to the end.' }),
  type('QUESTION_ANSWERED', { description: 'A tutor answered a question.' }),
  type('invoice_paid', {
    application: 'billing',
    description: 'Notificação de pagamento da fatura.',
    sample: { invoiceId: 'inv_42', amount: { value: 1990, currency: 'BRL' } },
  }),
  type('billing.invoice_voided', { application: 'billing', description: 'No longer sent.', archived: true }),
];

function mockClient(types = catalog) {
  return fakeClient({ EventTypes: { eventTypes: { totalCount: types.length, edges: types.map((node) => ({ node })) } } }).client;
}

function renderPage() {
  render(
    <Provider value={mockClient()}>
      <EventCatalogPage />
    </Provider>,
  );
}

const groupHeadings = () => screen.queryAllByRole('heading', { level: 2 }).map((h) => h.textContent);

// A shared, busy CI machine: user-event steps can take seconds there.
describe('EventCatalogPage', { timeout: 20_000 }, () => {
  it('groups types by application or name prefix and hides archived ones', () => {
    renderPage();
    expect(groupHeadings()).toEqual(['billing (1)', 'nutror (2)', 'Other (1)']);
    const nutror = screen.getByRole('region', { name: 'nutror (2)' });
    expect(within(nutror).getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      'nutror.lesson_finished',
      'nutror.lesson_started',
    ]);
    expect(within(nutror).getByText('A student opened a lesson.')).toBeInTheDocument();
    expect(screen.queryByText('billing.invoice_voided')).not.toBeInTheDocument();
    expect(screen.getByText('4 event types')).toHaveAttribute('role', 'status');
  });

  it('filters by name and description as you type, and shows archived types on request', async () => {
    const user = userEvent.setup();
    renderPage();
    const search = screen.getByRole('searchbox', { name: 'Search event types' });

    await user.click(search);
    await user.paste('LESSON');
    await waitFor(() => expect(groupHeadings()).toEqual(['nutror (2)']));

    await user.clear(search);
    await user.click(search);
    await user.paste('tutor');
    await waitFor(() => expect(groupHeadings()).toEqual(['Other (1)']));
    expect(screen.getByText('QUESTION_ANSWERED')).toBeInTheDocument();

    // Accents and case do not matter.
    await user.clear(search);
    await user.click(search);
    await user.paste('notificacao');
    await waitFor(() => expect(groupHeadings()).toEqual(['billing (1)']));

    await user.clear(search);
    await user.click(search);
    await user.paste('nothing like this');
    await waitFor(() => expect(groupHeadings()).toEqual([]));
    expect(screen.getByText('No event type matches your search.')).toHaveAttribute('role', 'status');

    await user.clear(search);
    await user.click(screen.getByRole('checkbox', { name: 'Show archived types (1)' }));
    await waitFor(() => expect(groupHeadings()).toEqual(['billing (2)', 'nutror (2)', 'Other (1)']));
    const voided = screen.getByRole('heading', { level: 3, name: /billing\.invoice_voided/ });
    expect(voided).toHaveTextContent('Archived');
  });

  it('shows a copyable sample payload in Ferry’s wire format, with the type’s sample data when it has one', async () => {
    const user = userEvent.setup();
    renderPage();
    const item = screen.getByRole('heading', { level: 3, name: 'QUESTION_ANSWERED' }).closest('li') as HTMLElement;
    await user.click(within(item).getByText('Sample payload'));
    const sample = within(item).getByLabelText('Sample payload of QUESTION_ANSWERED');
    const body = JSON.parse(sample.textContent ?? '');
    expect(Object.keys(body)).toEqual(['id', 'event', 'data', 'sentDate']);
    expect(body.event).toBe('QUESTION_ANSWERED');
    expect(body.id).toMatch(/^evt_/);
    expect(body.data).toEqual({});
    expect(body.sentDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(sample.textContent).toBe(JSON.stringify(body, null, 2));

    await user.click(within(item).getByRole('button', { name: 'Copy sample of QUESTION_ANSWERED' }));
    expect(await navigator.clipboard.readText()).toBe(sample.textContent);

    // A type whose catalog entry has sample data shows it as the body's data.
    const paid = screen.getByRole('heading', { level: 3, name: 'invoice_paid' }).closest('li') as HTMLElement;
    await user.click(within(paid).getByText('Sample payload'));
    const paidBody = JSON.parse(within(paid).getByLabelText('Sample payload of invoice_paid').textContent ?? '');
    expect(paidBody).toMatchObject({ event: 'invoice_paid', data: { invoiceId: 'inv_42', amount: { value: 1990, currency: 'BRL' } } });
  });

  it('speaks Brazilian Portuguese', async () => {
    await act(() => i18n.changeLanguage('pt-BR'));
    renderPage();
    expect(screen.getByRole('heading', { level: 1, name: 'Catálogo de eventos' })).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Buscar tipos de evento' })).toBeInTheDocument();
    expect(groupHeadings()).toContain('Outros (1)');
    expect(screen.getByRole('checkbox', { name: 'Mostrar tipos arquivados (1)' })).not.toBeChecked();
  });
});

describe('catalog helpers', () => {
  it('uses the sample data the catalog gives, and every search word must match', () => {
    const t = type('a.b', { description: 'Pedido pago' });
    expect(matches(t, 'pedido PAGO')).toBe(true);
    expect(matches(t, 'pedido cancelado')).toBe(false);
    expect(groupTypes([type('x.y', { application: '  ' })], '', false)[0].key).toBe('x');
    expect(JSON.parse(sampleBody('a.b', { orderId: 42 }))).toMatchObject({ event: 'a.b', data: { orderId: 42 } });
  });
});

import { describe, expect, it } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { VerifyingPage } from './VerifyingPage';
import { ferryHeaders, nodeVerifier, pythonVerifier } from './snippets';
import { i18n } from '../i18n';

function renderPage() {
  render(
    <MemoryRouter>
      <VerifyingPage />
    </MemoryRouter>,
  );
}

// A shared, busy CI machine: user-event steps can take seconds there.
describe('VerifyingPage', { timeout: 20_000 }, () => {
  it('switches code tabs with the arrow keys, Home and End', async () => {
    const user = userEvent.setup();
    renderPage();
    const tablist = screen.getByRole('tablist', { name: 'Code' });
    const [go, node, python] = within(tablist).getAllByRole('tab');
    expect(go).toHaveAttribute('aria-selected', 'true');
    expect(node).toHaveAttribute('tabindex', '-1');
    expect(screen.getByRole('tabpanel', { name: 'Go' })).toHaveTextContent('webhook.NewVerifier(os.Getenv("FERRY_WEBHOOK_SECRET"))');

    // Tab reaches the selected tab only; arrows move from there.
    go.focus();
    await user.keyboard('{ArrowRight}');
    expect(node).toHaveFocus();
    expect(node).toHaveAttribute('aria-selected', 'true');
    expect(go).toHaveAttribute('aria-selected', 'false');
    const panel = screen.getByRole('tabpanel', { name: 'Node.js' });
    expect(panel.querySelector('code')?.textContent).toBe(nodeVerifier);
    expect(screen.queryByRole('tabpanel', { name: 'Go' })).not.toBeInTheDocument();

    await user.keyboard('{ArrowRight}');
    expect(python).toHaveFocus();
    expect(screen.getByRole('tabpanel', { name: 'Python' }).querySelector('code')?.textContent).toBe(pythonVerifier);
    await user.keyboard('{ArrowRight}');
    expect(go).toHaveFocus();
    await user.keyboard('{ArrowLeft}');
    expect(python).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{Home}');
    expect(go).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{End}');
    expect(python).toHaveAttribute('aria-selected', 'true');

    await user.click(node);
    expect(node).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('button', { name: 'Copy: Express handler' })).toBeInTheDocument();
  });

  it('lists every header Ferry sends and says to deduplicate and answer quickly', () => {
    renderPage();
    for (const h of ferryHeaders) expect(screen.getByRole('rowheader', { name: h })).toBeInTheDocument();
    const signed = screen.getByRole('rowheader', { name: 'webhook-signature' }).closest('tr') as HTMLElement;
    expect(within(signed).getByText('Yes')).toBeInTheDocument();
    const unsigned = screen.getByRole('rowheader', { name: 'X-Ferry-Event-Id' }).closest('tr') as HTMLElement;
    expect(within(unsigned).getByText('No')).toBeInTheDocument();
    expect(screen.getByText('Deduplicate on the event id.')).toBeInTheDocument();
    expect(screen.getByText('Answer 2xx quickly.')).toBeInTheDocument();
  });

  it('speaks Brazilian Portuguese', async () => {
    await act(() => i18n.changeLanguage('pt-BR'));
    renderPage();
    expect(screen.getByRole('heading', { level: 1, name: 'Verificando requisições' })).toBeInTheDocument();
    expect(screen.getByRole('tablist', { name: 'Código' })).toBeInTheDocument();
    expect(screen.getByText('Descarte duplicados pelo id do evento.')).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Cabeçalho' })).toBeInTheDocument();
  });
});

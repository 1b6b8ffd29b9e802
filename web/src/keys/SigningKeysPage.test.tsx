import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CombinedError, Provider, type Client } from 'urql';
import { SigningKeysPage } from './SigningKeysPage';
import { fakeClient, type Answers } from '../test/fakeClient';
import { formatDateTime } from '../ui/format';
import { i18n } from '../i18n';

const hour = 3600_000;

function key(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    name: `Key ${id}`,
    hint: id.slice(-4),
    createdAt: '2026-11-01T10:00:00Z',
    rotatedAt: null,
    revokedAt: null,
    previousExpiresAt: null,
    xSignatureSwitchesAt: null,
    ...over,
  };
}

function mockClient({
  keys,
  capabilities = ['READ', 'MANAGE_KEYS'],
  mutationAnswers = {},
}: {
  keys: ReturnType<typeof key>[];
  capabilities?: string[];
  mutationAnswers?: Answers;
}) {
  return fakeClient(
    {
      SigningKeys: { signingKeys: { totalCount: keys.length, edges: keys.map((node) => ({ node })) } },
      SigningKeyUsage: {
        configurations: {
          totalCount: 2,
          edges: [
            { node: { id: 'cfg_1', name: 'Orders endpoint', signingKeyID: 'key_0001' } },
            { node: { id: 'cfg_2', name: 'Invoices endpoint', signingKeyID: 'key_0001' } },
          ],
        },
      },
      ...mutationAnswers,
    },
    capabilities,
  );
}

function renderPage(client: Client) {
  render(
    <Provider value={client}>
      <SigningKeysPage />
    </Provider>,
  );
}

function rowOf(name: string) {
  return screen.getByRole('rowheader', { name }).closest('tr') as HTMLElement;
}

// A shared, busy CI machine: user-event steps can take seconds there.
describe('SigningKeysPage', { timeout: 20_000 }, () => {
  it('lists each key with its hint, creation, status and the configurations using it', () => {
    const until = new Date(Date.now() + 5 * hour).toISOString();
    const { client } = mockClient({
      keys: [
        key('key_0001'),
        key('key_0002', { rotatedAt: '2026-11-02T10:00:00Z', previousExpiresAt: until, xSignatureSwitchesAt: until }),
        key('key_0003', { revokedAt: '2026-11-03T10:00:00Z' }),
      ],
    });
    renderPage(client);

    const first = within(rowOf('Key key_0001'));
    expect(first.getByLabelText('Secret ending in 0001')).toHaveTextContent('…0001');
    expect(first.getByText(formatDateTime('2026-11-01T10:00:00Z'))).toBeInTheDocument();
    expect(first.getByText('Active')).toBeInTheDocument();
    expect(first.getByText('Orders endpoint')).toBeInTheDocument();
    expect(first.getByText('Invoices endpoint')).toBeInTheDocument();

    expect(within(rowOf('Key key_0002')).getByText(`Rotating until ${formatDateTime(until)}`)).toBeInTheDocument();
    expect(within(rowOf('Key key_0002')).getByText('No configuration')).toBeInTheDocument();

    const revoked = within(rowOf('Key key_0003'));
    expect(revoked.getByText('Revoked', { exact: false })).toBeInTheDocument();
    // A revoked key can be neither rotated nor revoked again.
    expect(revoked.queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows a new secret once and forgets it when the dialog closes', async () => {
    const user = userEvent.setup();
    const secret = 'whsec_c2VjcmV0LXNob3duLW9uY2Utb25seS0xMjM0NTY3OA==';
    const { client, mutations } = mockClient({
      keys: [],
      mutationAnswers: { CreateSigningKey: { createSigningKey: { secret, signingKey: key('key_0009', { name: 'Billing' }) } } },
    });
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'New key' }));
    await user.click(screen.getByLabelText('Name'));
    await user.paste('  Billing ');
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    expect(mutations.map((m) => m.variables)).toEqual([{ input: { name: 'Billing' } }]);
    const dialog = await screen.findByRole('dialog', { name: 'Key created' });
    expect(within(dialog).getByLabelText('Secret of “Billing”')).toHaveValue(secret);
    expect(within(dialog).getByText(/will not be shown again/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByDisplayValue(secret)).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(secret);

    // Opening the form again starts afresh and reveals nothing.
    await user.click(screen.getByRole('button', { name: 'New key' }));
    expect(screen.getByLabelText('Name')).toHaveValue('');
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('shows a field error from the API next to the name', async () => {
    const user = userEvent.setup();
    const invalid = new CombinedError({
      graphQLErrors: [{ message: 'name: must be at most 200 characters', extensions: { code: 'BAD_USER_INPUT', field: 'input.name' } }],
    });
    const { client } = mockClient({ keys: [], mutationAnswers: { CreateSigningKey: invalid } });
    renderPage(client);
    await user.click(screen.getByRole('button', { name: 'New key' }));
    await user.type(screen.getByLabelText('Name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    const input = screen.getByLabelText('Name');
    await waitFor(() => expect(input).toHaveAttribute('aria-invalid', 'true'));
    expect(input).toHaveAccessibleDescription(expect.stringContaining('name: must be at most 200 characters'));
  });

  it('sends no empty name and says plainly when the key quota is reached', async () => {
    const user = userEvent.setup();
    const quota = new CombinedError({
      graphQLErrors: [{ message: 'quota exceeded: an account may have at most 3 signing keys', extensions: { code: 'QUOTA_EXCEEDED' } }],
    });
    const second = mockClient({ keys: [], mutationAnswers: { CreateSigningKey: quota } });
    renderPage(second.client);
    await user.click(screen.getByRole('button', { name: 'New key' }));
    const dialog = screen.getByRole('dialog', { name: 'New signing key' });
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(second.mutations).toHaveLength(0);
    expect(within(dialog).getByText('Give the key a name of 1 to 200 characters.')).toBeInTheDocument();

    await user.click(within(dialog).getByLabelText('Name'));
    await user.paste('One too many');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Your account has reached its limit of signing keys.');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('at most 3 signing keys');
  });

  it('rotates after confirming and tells when the previous secret stops being used', async () => {
    const user = userEvent.setup();
    const until = new Date(Date.now() + 24 * hour).toISOString();
    const secret = 'whsec_bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbi0xMjM0NTY=';
    const { client, mutations } = mockClient({
      keys: [key('key_0001')],
      mutationAnswers: {
        RotateSigningKey: {
          rotateSigningKey: {
            secret,
            signingKey: key('key_0001', { rotatedAt: '2026-11-04T10:00:00Z', previousExpiresAt: until, xSignatureSwitchesAt: until }),
          },
        },
      },
    });
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'Rotate Key key_0001' }));
    const confirm = screen.getByRole('dialog', { name: 'Rotate “Key key_0001”?' });
    expect(within(confirm).getByText(/For the next 24 hours the previous secret keeps signing too/)).toBeInTheDocument();
    expect(within(confirm).getByText('These 2 configurations use it:')).toBeInTheDocument();
    expect(mutations).toHaveLength(0);

    await user.click(within(confirm).getByRole('button', { name: 'Rotate key' }));
    expect(mutations.map((m) => m.variables)).toEqual([{ id: 'key_0001' }]);
    const shown = await screen.findByRole('dialog', { name: 'Key rotated' });
    expect(within(shown).getByLabelText('Secret of “Key key_0001”')).toHaveValue(secret);
    expect(within(shown).getByText(`The previous secret stops being used on ${formatDateTime(until)}.`, { exact: false })).toBeInTheDocument();
    expect(within(shown).getByText(`X-Signature switches to the new secret on ${formatDateTime(until)}.`)).toBeInTheDocument();

    await user.click(within(shown).getByRole('button', { name: 'Close' }));
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('revokes only after the confirmation, which says what revoking does', async () => {
    const user = userEvent.setup();
    const { client, mutations } = mockClient({
      keys: [key('key_0001')],
      mutationAnswers: { RevokeSigningKey: { revokeSigningKey: key('key_0001', { revokedAt: '2026-11-04T10:00:00Z' }) } },
    });
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'Revoke Key key_0001' }));
    let dialog = screen.getByRole('dialog', { name: 'Revoke “Key key_0001”?' });
    expect(within(dialog).getByText(/waiting deliveries, and those of new events, are cancelled/)).toBeInTheDocument();
    expect(within(dialog).getByText('Orders endpoint')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(mutations).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Revoke Key key_0001' }));
    dialog = screen.getByRole('dialog', { name: 'Revoke “Key key_0001”?' });
    expect(mutations).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    expect(mutations.map((m) => [m.name, m.variables])).toEqual([['RevokeSigningKey', { id: 'key_0001' }]]);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('says so when no configuration uses the key being rotated or revoked', async () => {
    const user = userEvent.setup();
    const { client } = mockClient({ keys: [key('key_0001'), key('key_0002')] });
    renderPage(client);

    await user.click(screen.getByRole('button', { name: 'Revoke Key key_0002' }));
    let dialog = screen.getByRole('dialog', { name: 'Revoke “Key key_0002”?' });
    expect(within(dialog).getByText('No configuration uses this key.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Rotate Key key_0002' }));
    dialog = screen.getByRole('dialog', { name: 'Rotate “Key key_0002”?' });
    expect(within(dialog).getByText('No configuration uses this key.')).toBeInTheDocument();
  });

  it('offers no create, rotate or revoke to a read-only session', () => {
    const { client } = mockClient({ keys: [key('key_0001')], capabilities: ['READ'] });
    renderPage(client);
    expect(screen.getByRole('rowheader', { name: 'Key key_0001' })).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
  });

  it('speaks Brazilian Portuguese', async () => {
    await act(() => i18n.changeLanguage('pt-BR'));
    const { client } = mockClient({ keys: [key('key_0001')] });
    renderPage(client);
    expect(screen.getByRole('heading', { name: 'Chaves de assinatura' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Nova chave' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Usada por' })).toBeInTheDocument();
    expect(within(rowOf('Key key_0001')).getByText('Ativa')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Revogar Key key_0001' })).toBeInTheDocument();
  });
});

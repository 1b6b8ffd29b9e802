import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'urql';
import { SignIn } from './SignIn';
import { AccountPicker } from './AccountPicker';
import { fakeClient } from '../test/fakeClient';

function answerFetch(body: unknown) {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify(body), { status: 200 }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe('SignIn', () => {
  it('asks Ferry who the token is and hands it on with its role', async () => {
    const fetch = answerFetch({ data: { viewer: { role: 'ADMIN' } } });
    const onSignedIn = vi.fn();
    render(<SignIn onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByLabelText('Token'), '  admin-secret ');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith('admin-secret', 'ADMIN'));
    expect(new Headers(fetch.mock.calls[0][1].headers).get('Authorization')).toBe('Bearer admin-secret');
  });

  it('says next to the field when Ferry refuses the token, and keeps nothing', async () => {
    answerFetch({ errors: [{ message: 'invalid token', extensions: { code: 'UNAUTHENTICATED' } }] });
    const onSignedIn = vi.fn();
    render(<SignIn onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByLabelText('Token'), 'ftk_wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const input = screen.getByLabelText('Token');
    await waitFor(() => expect(input).toHaveAttribute('aria-invalid', 'true'));
    expect(input).toHaveAccessibleDescription(/does not accept this token/);
    expect(onSignedIn).not.toHaveBeenCalled();
  });
});

describe('AccountPicker', () => {
  it('lists accounts, searches by name and opens a console session with every capability for the one chosen', async () => {
    const { client, queries, mutations } = fakeClient({
      PickAccounts: {
        accounts: {
          totalCount: 1,
          pageInfo: { hasNextPage: false, endCursor: null },
          edges: [{ node: { id: 'acc_1', name: 'Stift', createdAt: '2026-12-01T10:00:00Z' } }],
        },
      },
      OpenAccount: { createConsoleSession: { token: 'fcs_new', consoleSession: { id: 'cs_1', expiresAt: '2026-12-01T11:00:00Z' } } },
    });
    const onOpened = vi.fn();
    render(
      <Provider value={client}>
        <AccountPicker onOpened={onOpened} onSignOut={() => {}} />
      </Provider>,
    );
    await userEvent.type(screen.getByLabelText('Search accounts by name'), 'sti');
    await waitFor(() => expect(queries.at(-1)?.variables).toMatchObject({ where: { nameContainsFold: 'sti' } }));
    await userEvent.click(screen.getByRole('button', { name: 'Open Stift' }));
    await waitFor(() => expect(onOpened).toHaveBeenCalledWith('fcs_new'));
    expect(mutations[0].variables).toEqual({
      input: { accountID: 'acc_1', capabilities: ['READ', 'MANAGE_CONFIGURATIONS', 'MANAGE_KEYS', 'RESEND'] },
    });
  });
});

import { useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { OpenAccountMutation, PickAccountsQuery } from './operations';
import { errorMessage } from '../ui/errors';
import { formatDateTime } from '../ui/format';
import type { ConsoleCapability } from '../gql/graphql';

const pageSize = 20;
const everything: ConsoleCapability[] = ['READ', 'MANAGE_CONFIGURATIONS', 'MANAGE_KEYS', 'RESEND'];

// The admin token's way in: support staff choose an account, and the console
// opens on a console session for it with every capability.
export function AccountPicker({ onOpened, onSignOut }: { onOpened: (sessionToken: string) => void; onSignOut: () => void }) {
  const { t } = useTranslation('app');
  const [search, setSearch] = useState('');
  const searchId = useId();
  const where = search.trim() ? { nameContainsFold: search.trim() } : undefined;
  const [{ data, fetching, error }] = useQuery({ query: PickAccountsQuery, variables: { first: pageSize, where } });
  const [opening, open] = useMutation(OpenAccountMutation);
  const accounts = data?.accounts.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];

  async function choose(accountID: string) {
    const res = await open({ input: { accountID, capabilities: everything } });
    const token = res.data?.createConsoleSession.token;
    if (token) onOpened(token);
  }

  return (
    <main className="picker">
      <div className="page-header">
        <h1>{t('picker.title')}</h1>
        <button type="button" className="secondary" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </div>
      <p className="muted">{t('picker.intro')}</p>
      <div className="field">
        <label htmlFor={searchId}>{t('picker.search')}</label>
        <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {fetching && !data && <p className="muted">{t('common:loading')}</p>}
      {error && <p role="alert">{errorMessage(t, error)}</p>}
      {opening.error && <p role="alert">{errorMessage(t, opening.error)}</p>}
      {data && accounts.length === 0 && <p className="empty">{t('picker.none')}</p>}
      {accounts.length > 0 && (
        <ul className="picker-list">
          {accounts.map((a) => (
            <li key={a.id}>
              <button type="button" className="secondary" disabled={opening.fetching} onClick={() => choose(a.id)}>
                {t('picker.open', { name: a.name })}
              </button>
              <span className="muted mono">{a.id}</span>
              <span className="muted">{t('picker.created', { when: formatDateTime(a.createdAt) })}</span>
            </li>
          ))}
        </ul>
      )}
      {data && data.accounts.totalCount > accounts.length && (
        <p className="muted">{t('picker.more', { shown: accounts.length, total: data.accounts.totalCount })}</p>
      )}
    </main>
  );
}

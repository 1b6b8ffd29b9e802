import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

type Role = 'ADMIN' | 'ACCOUNT';

// Asks Ferry who a typed token is before keeping it: a wrong token is said
// next to the field instead of opening an empty console.
async function whoIs(token: string): Promise<{ role: Role } | { error: 'invalid' | 'unreachable' }> {
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    const body = await res.json();
    const role = body?.data?.viewer?.role;
    if (role === 'ADMIN' || role === 'ACCOUNT') return { role };
    return { error: body?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' ? 'invalid' : 'unreachable' };
  } catch {
    return { error: 'unreachable' };
  }
}

export function SignIn({ onSignedIn }: { onSignedIn: (token: string, role: Role) => void }) {
  const { t } = useTranslation('app');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const errorId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = token.trim();
    if (!value) {
      setError(t('signIn.required'));
      return;
    }
    setBusy(true);
    const who = await whoIs(value);
    setBusy(false);
    if ('role' in who) onSignedIn(value, who.role);
    else setError(who.error === 'invalid' ? t('signIn.invalid') : t('common:errors.network'));
  }

  return (
    <main className="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p className="muted">{t('signIn.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={inputId}>{t('signIn.token')}</label>
          <input
            id={inputId}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => {
              setToken(e.target.value);
              setError(null);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
          />
          {error && (
            <p id={errorId} className="field-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? t('common:loading') : t('signIn.submit')}
        </button>
      </form>
      <p className="muted">{t('signIn.embedded')}</p>
    </main>
  );
}

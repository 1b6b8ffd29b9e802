import { NavLink, Outlet } from 'react-router';
import { useQuery } from 'urql';
import { useEffect } from 'react';
import { ViewerQuery } from './operations';
import { rememberReturnURL } from './session';

const capabilityLabels: Record<string, string> = {
  READ: 'Read',
  MANAGE_CONFIGURATIONS: 'Manage configurations',
  MANAGE_KEYS: 'Manage keys',
  RESEND: 'Resend',
};

export function Layout() {
  const [{ data, fetching, error }] = useQuery({ query: ViewerQuery });
  const viewer = data?.viewer;

  useEffect(() => rememberReturnURL(viewer?.returnURL), [viewer?.returnURL]);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Ferry</span>
        {viewer && (
          <>
            <span className="account">{viewer.account?.name ?? 'Administrator'}</span>
            <ul className="capabilities" aria-label="What this session may do">
              {viewer.capabilities.map((c) => (
                <li key={c} className="badge">{capabilityLabels[c] ?? c}</li>
              ))}
            </ul>
          </>
        )}
        {fetching && !viewer && <span className="muted">Loading…</span>}
        {error && !viewer && <span role="alert">Could not load the session.</span>}
      </header>
      <nav className="sidebar" aria-label="Console">
        <NavLink to="/configurations">Configurations</NavLink>
        <NavLink to="/deliveries">Deliveries</NavLink>
      </nav>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}

import { NavLink, Outlet } from 'react-router';
import { useQuery } from 'urql';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ViewerQuery } from './operations';
import { rememberReturnURL } from './session';
import { applyTheme, storedTheme, type Theme } from './theme';
import { languages, setLanguage } from '../i18n';
import { useAuth } from './auth';
import { applyBranding } from './branding';

export function Layout() {
  const { t, i18n } = useTranslation('app');
  const [{ data, fetching, error }] = useQuery({ query: ViewerQuery });
  const viewer = data?.viewer;
  const [theme, setTheme] = useState<Theme>(() => storedTheme());
  const auth = useAuth();

  useEffect(() => rememberReturnURL(viewer?.returnURL), [viewer?.returnURL]);
  const brandName = viewer?.branding?.name ?? 'Ferry';
  useEffect(() => applyBranding(viewer?.branding?.primaryColor), [viewer?.branding?.primaryColor]);
  useEffect(() => {
    document.title = t('documentTitle', { name: brandName });
  }, [brandName, t]);

  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">
          {viewer?.branding?.logoURL && <img className="brand-logo" src={viewer.branding.logoURL} alt="" />}
          {brandName}
        </span>
        {viewer && (
          <>
            <span className="account">{viewer.account?.name ?? t('administrator')}</span>
            <ul className="capabilities" aria-label={t('capabilitiesLabel')}>
              {viewer.capabilities.map((c) => (
                <li key={c} className="badge">
                  {t(`capability.${c}`, c)}
                </li>
              ))}
            </ul>
          </>
        )}
        {fetching && !viewer && <span className="muted">{t('common:loading')}</span>}
        {error && !viewer && <span role="alert">{t('sessionLoadFailed')}</span>}
        <span className="topbar-controls">
          <label>
            <span className="visually-hidden">{t('language')}</span>
            <select aria-label={t('language')} value={i18n.language} onChange={(e) => setLanguage(e.target.value)}>
              {languages.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="visually-hidden">{t('theme.label')}</span>
            <select
              aria-label={t('theme.label')}
              value={theme}
              onChange={(e) => {
                const next = e.target.value as Theme;
                applyTheme(next);
                setTheme(next);
              }}
            >
              <option value="system">{t('theme.system')}</option>
              <option value="light">{t('theme.light')}</option>
              <option value="dark">{t('theme.dark')}</option>
            </select>
          </label>
          {auth.via === 'admin' && (
            <button type="button" className="secondary" onClick={auth.switchAccount}>
              {t('switchAccount')}
            </button>
          )}
          {auth.via !== 'session' && (
            <button type="button" className="secondary" onClick={auth.signOut}>
              {t('signOut')}
            </button>
          )}
        </span>
      </header>
      <nav className="sidebar" aria-label={t('nav.label')}>
        <NavLink to="/configurations">{t('nav.configurations')}</NavLink>
        <NavLink to="/deliveries">{t('nav.deliveries')}</NavLink>
        <NavLink to="/signing-keys">{t('nav.keys')}</NavLink>
        <NavLink to="/event-types">{t('nav.catalog')}</NavLink>
        <NavLink to="/verifying">{t('nav.verifying')}</NavLink>
      </nav>
      <main className="content" id="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

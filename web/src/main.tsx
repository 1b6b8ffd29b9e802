import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { takeDisplayPreferences, takeSessionToken } from './app/session';
import { applyTheme, storedTheme } from './app/theme';
import { initI18n, supportedLanguage } from './i18n';
import './styles.css';

const prefs = takeDisplayPreferences();
initI18n(prefs.lang ? supportedLanguage(prefs.lang) : undefined);
applyTheme(prefs.theme === 'light' || prefs.theme === 'dark' || prefs.theme === 'system' ? prefs.theme : storedTheme());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App token={takeSessionToken()} />
  </StrictMode>,
);

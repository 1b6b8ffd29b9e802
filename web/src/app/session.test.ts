import { describe, expect, it, vi } from 'vitest';
import { endSession, rememberReturnURL, takeDisplayPreferences, takeSessionToken } from './session';
import { applyTheme, storedTheme } from './theme';
import { i18n, setLanguage } from '../i18n';

function fakeHistory() {
  return { state: null, replaceState: vi.fn() };
}

describe('takeSessionToken', () => {
  it('moves the token from the fragment to sessionStorage and out of the address bar', () => {
    const storage = window.sessionStorage;
    storage.clear();
    const history = fakeHistory();
    const token = takeSessionToken({ hash: '#session=fcs_abc', pathname: '/console/', search: '?x=1' }, storage, history);
    expect(token).toBe('fcs_abc');
    expect(storage.getItem('ferry.session')).toBe('fcs_abc');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/console/?x=1');
  });

  it('keeps the stored token on a reload without a fragment', () => {
    const storage = window.sessionStorage;
    storage.clear();
    storage.setItem('ferry.session', 'fcs_kept');
    const history = fakeHistory();
    expect(takeSessionToken({ hash: '', pathname: '/console/configurations', search: '' }, storage, history)).toBe('fcs_kept');
    expect(history.replaceState).not.toHaveBeenCalled();
  });

  it('ending the session forgets the token and answers the returnURL', () => {
    const storage = window.sessionStorage;
    storage.clear();
    takeSessionToken({ hash: '#session=fcs_x', pathname: '/console/', search: '' }, storage, fakeHistory());
    rememberReturnURL('https://operator.example/back', storage);
    expect(endSession(storage)).toBe('https://operator.example/back');
    expect(takeSessionToken({ hash: '', pathname: '/console/', search: '' }, storage, fakeHistory())).toBeNull();
  });
});

describe('display preferences', () => {
  it('takes lang and theme from the fragment and leaves the session for takeSessionToken', () => {
    const history = fakeHistory();
    const prefs = takeDisplayPreferences({ hash: '#session=fcs_x&lang=pt-BR&theme=dark', pathname: '/console/', search: '' }, history);
    expect(prefs).toEqual({ lang: 'pt-BR', theme: 'dark' });
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/console/#session=fcs_x');
  });

  it('a chosen theme is stored and set on <html>; system forgets it', () => {
    const storage = window.localStorage;
    const root = document.createElement('html');
    applyTheme('dark', storage, root);
    expect(root.dataset.theme).toBe('dark');
    expect(storedTheme(storage)).toBe('dark');
    applyTheme('system', storage, root);
    expect(root.dataset.theme).toBeUndefined();
    expect(storedTheme(storage)).toBe('system');
  });

  it('any Portuguese becomes pt-BR, and <html lang> follows', async () => {
    setLanguage('pt-PT');
    await new Promise((r) => setTimeout(r, 0));
    expect(i18n.language).toBe('pt-BR');
    expect(document.documentElement.lang).toBe('pt-BR');
    expect(i18n.t('app:nav.deliveries')).toBe('Histórico de Envios');
  });
});

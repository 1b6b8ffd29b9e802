// The console's session token arrives in the URL fragment (#session=fcs_…),
// which browsers never send to a server. It is moved to sessionStorage, so it
// lives as long as the tab, and removed from the address bar so it is not
// bookmarked, shared or left in the history.

const tokenKey = 'ferry.session';
const returnKey = 'ferry.returnURL';

export function takeSessionToken(
  loc: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location,
  storage: Storage = window.sessionStorage,
  history: Pick<History, 'replaceState' | 'state'> = window.history,
): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromURL = params.get('session');
  if (fromURL) {
    storage.setItem(tokenKey, fromURL);
    storage.removeItem(returnKey);
    params.delete('session');
    const rest = params.toString();
    history.replaceState(history.state, '', loc.pathname + loc.search + (rest ? `#${rest}` : ''));
    return fromURL;
  }
  return storage.getItem(tokenKey);
}

// The returnURL is kept apart from the token: once the session has ended the
// API no longer says where to go, so it must be remembered while it still does.
export function rememberReturnURL(url: string | null | undefined, storage: Storage = window.sessionStorage) {
  if (url) storage.setItem(returnKey, url);
}

export function endSession(storage: Storage = window.sessionStorage): string | null {
  const url = storage.getItem(returnKey);
  storage.removeItem(tokenKey);
  return url;
}

// An embedding operator may choose the console's language and theme in the
// same fragment (#session=…&lang=pt-BR&theme=dark); they are remembered like a
// choice the customer made, and removed from the address bar.
export function takeDisplayPreferences(
  loc: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location,
  history: Pick<History, 'replaceState' | 'state'> = window.history,
): { lang: string | null; theme: string | null } {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const lang = params.get('lang');
  const theme = params.get('theme');
  if (lang === null && theme === null) return { lang, theme };
  params.delete('lang');
  params.delete('theme');
  const rest = params.toString();
  history.replaceState(history.state, '', loc.pathname + loc.search + (rest ? `#${rest}` : ''));
  return { lang, theme };
}

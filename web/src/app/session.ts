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
    storage.removeItem('ferry.via');
    storage.removeItem('ferry.admin');
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

// The admin token signs in to the account picker; it is kept for the tab so
// support staff can switch accounts, while the console itself runs on a
// console session minted for the chosen account (so the API enforces what a
// customer's session may do, for staff too).
const adminKey = 'ferry.admin';

export function storeToken(token: string, storage: Storage = window.sessionStorage) {
  storage.setItem(tokenKey, token);
  storage.removeItem(returnKey);
}

export function adminToken(storage: Storage = window.sessionStorage): string | null {
  return storage.getItem(adminKey);
}

export function storeAdminToken(token: string | null, storage: Storage = window.sessionStorage) {
  if (token) storage.setItem(adminKey, token);
  else storage.removeItem(adminKey);
}

export function signOut(storage: Storage = window.sessionStorage) {
  storage.removeItem(tokenKey);
  storage.removeItem(adminKey);
  storage.removeItem(returnKey);
  storage.removeItem('ferry.via');
}

export function forgetSessionToken(storage: Storage = window.sessionStorage) {
  storage.removeItem(tokenKey);
}

// How this tab signed in: a console session URL (the operator's embed), a
// token typed into the sign-in form, or the admin token's account picker.
export type SignedInVia = 'session' | 'token' | 'admin';
const viaKey = 'ferry.via';

export function signedInVia(storage: Storage = window.sessionStorage): SignedInVia {
  if (storage.getItem(adminKey)) return 'admin';
  return storage.getItem(viaKey) === 'token' ? 'token' : 'session';
}

export function rememberSignedInVia(via: SignedInVia, storage: Storage = window.sessionStorage) {
  if (via === 'token') storage.setItem(viaKey, via);
  else storage.removeItem(viaKey);
}

// A returnURL remembered in this tab means a console session was open here and
// has ended: say so (and go back) rather than offering a sign-in form.
export function hasRememberedReturn(storage: Storage = window.sessionStorage): boolean {
  return storage.getItem(returnKey) !== null;
}

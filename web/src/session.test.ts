import { describe, expect, it, vi } from 'vitest';
import { endSession, rememberReturnURL, takeSessionToken } from './session';

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

import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { SessionEnded } from './SessionEnded';
import { rememberReturnURL, takeSessionToken } from './session';

const here = { hash: '', pathname: '/console/', search: '' };
const history = () => ({ state: null, replaceState: vi.fn() });

describe('SessionEnded', () => {
  it('sends the customer to the returnURL and forgets the token', () => {
    sessionStorage.clear();
    takeSessionToken({ ...here, hash: '#session=fcs_gone' }, sessionStorage, history());
    rememberReturnURL('https://operator.example/settings');
    const go = vi.fn();
    render(<SessionEnded go={go} />);
    expect(go).toHaveBeenCalledWith('https://operator.example/settings');
    expect(screen.getByRole('link', { name: 'Continue' })).toHaveAttribute('href', 'https://operator.example/settings');
    expect(takeSessionToken(here, sessionStorage, history())).toBeNull();
  });

  it('says the session ended when there is nowhere to go back to', () => {
    sessionStorage.clear();
    const go = vi.fn();
    render(<SessionEnded go={go} />);
    expect(go).not.toHaveBeenCalled();
    expect(screen.getByRole('heading', { name: 'Your session has ended' })).toBeInTheDocument();
  });
});

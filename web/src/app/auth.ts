import { createContext, useContext } from 'react';
import type { SignedInVia } from './session';

// What the top bar offers besides the screens: staff switch accounts, people
// who typed a token sign out; an embedded session offers neither.
export type ConsoleAuth = { via: SignedInVia; switchAccount: () => void; signOut: () => void };

export const AuthContext = createContext<ConsoleAuth>({ via: 'session', switchAccount: () => {}, signOut: () => {} });

export function useAuth(): ConsoleAuth {
  return useContext(AuthContext);
}

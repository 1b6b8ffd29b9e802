import { useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { Navigate, RouterProvider, createBrowserRouter, type RouteObject } from 'react-router';
import { useTranslation } from 'react-i18next';
import { makeClient } from './client';
import { Layout } from './Layout';
import { SessionEnded } from './SessionEnded';
import { SignIn } from './SignIn';
import { AccountPicker } from './AccountPicker';
import { AuthContext, type ConsoleAuth } from './auth';
import {
  adminToken,
  forgetSessionToken,
  hasRememberedReturn,
  rememberSignedInVia,
  signOut,
  signedInVia,
  storeAdminToken,
  storeToken,
  type SignedInVia,
} from './session';
import { routes as configurationRoutes } from '../configurations/routes';
import { routes as deliveryRoutes } from '../deliveries/routes';
import { routes as keyRoutes } from '../keys/routes';
import { routes as catalogRoutes } from '../catalog/routes';
import { routes as verifyRoutes } from '../verify/routes';

function NotFound() {
  const { t } = useTranslation('app');
  return <h1>{t('notFound')}</h1>;
}

// Every screen's routes, under the layout; each feature folder owns its own.
export const consoleRoutes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/configurations" replace /> },
      ...configurationRoutes,
      ...deliveryRoutes,
      ...keyRoutes,
      ...catalogRoutes,
      ...verifyRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function App({ token: initialToken }: { token: string | null }) {
  const [token, setToken] = useState(initialToken);
  const [admin, setAdmin] = useState(() => adminToken());
  const [via, setVia] = useState<SignedInVia>(() => signedInVia());
  const [ended, setEnded] = useState(false);
  // A new client per token: the old one's websocket and cache belong to the old session.
  const client = useMemo(() => (token ? makeClient(token, () => setEnded(true)) : null), [token]);
  const adminClient = useMemo(() => (admin ? makeClient(admin, () => leave()) : null), [admin]);
  const router = useMemo(() => createBrowserRouter(consoleRoutes, { basename: '/console' }), []);
  const [hadSession] = useState(() => hasRememberedReturn());

  function leave() {
    signOut();
    setAdmin(null);
    setToken(null);
    setVia('session');
    setEnded(false);
  }

  const auth: ConsoleAuth = {
    via,
    switchAccount: () => {
      forgetSessionToken();
      setToken(null);
    },
    signOut: leave,
  };

  // Staff whose account session ran out go back to the picker, not away.
  useEffect(() => {
    if (ended && admin) {
      forgetSessionToken();
      setEnded(false);
      setToken(null);
    }
  }, [ended, admin]);
  if (ended) return admin ? null : <SessionEnded />;

  if (!client && adminClient) {
    return (
      <Provider value={adminClient}>
        <AccountPicker
          onSignOut={leave}
          onOpened={(sessionToken) => {
            storeToken(sessionToken);
            setToken(sessionToken);
          }}
        />
      </Provider>
    );
  }
  if (!client) {
    if (hadSession) return <SessionEnded />;
    return (
      <SignIn
        onSignedIn={(typed, role) => {
          if (role === 'ADMIN') {
            storeAdminToken(typed);
            setAdmin(typed);
            setVia('admin');
          } else {
            storeToken(typed);
            rememberSignedInVia('token');
            setVia('token');
            setToken(typed);
          }
        }}
      />
    );
  }
  return (
    <AuthContext.Provider value={auth}>
      <Provider value={client}>
        <RouterProvider router={router} />
      </Provider>
    </AuthContext.Provider>
  );
}

import { useMemo, useState } from 'react';
import { Provider } from 'urql';
import { Navigate, RouterProvider, createBrowserRouter, type RouteObject } from 'react-router';
import { useTranslation } from 'react-i18next';
import { makeClient } from './client';
import { Layout } from './Layout';
import { SessionEnded } from './SessionEnded';
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

export function App({ token }: { token: string | null }) {
  const [ended, setEnded] = useState(false);
  const client = useMemo(() => (token ? makeClient(token, () => setEnded(true)) : null), [token]);
  const router = useMemo(() => createBrowserRouter(consoleRoutes, { basename: '/console' }), []);

  if (!client || ended) return <SessionEnded />;
  return (
    <Provider value={client}>
      <RouterProvider router={router} />
    </Provider>
  );
}

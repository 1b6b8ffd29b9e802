import { useMemo, useState } from 'react';
import { Provider } from 'urql';
import { Navigate, RouterProvider, createBrowserRouter } from 'react-router';
import { makeClient } from './client';
import { Layout } from './Layout';
import { ConfigurationsPage } from './ConfigurationsPage';
import { DeliveriesPage } from './DeliveriesPage';
import { SessionEnded } from './SessionEnded';

function NotFound() {
  return <h1>Page not found</h1>;
}

export function App({ token }: { token: string | null }) {
  const [ended, setEnded] = useState(false);
  const client = useMemo(() => (token ? makeClient(token, () => setEnded(true)) : null), [token]);
  const router = useMemo(
    () =>
      createBrowserRouter(
        [
          {
            element: <Layout />,
            children: [
              { index: true, element: <Navigate to="/configurations" replace /> },
              { path: 'configurations', element: <ConfigurationsPage /> },
              { path: 'deliveries', element: <DeliveriesPage /> },
              { path: '*', element: <NotFound /> },
            ],
          },
        ],
        { basename: '/console' },
      ),
    [],
  );

  if (!client || ended) return <SessionEnded />;
  return (
    <Provider value={client}>
      <RouterProvider router={router} />
    </Provider>
  );
}

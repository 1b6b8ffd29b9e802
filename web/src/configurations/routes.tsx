import type { RouteObject } from 'react-router';
import { ConfigurationsPage } from './ConfigurationsPage';
import { EditConfigurationPage, NewConfigurationPage } from './ConfigurationFormPage';
import { ConfigurationDetailPage } from './ConfigurationDetailPage';

export const routes: RouteObject[] = [
  { path: 'configurations', element: <ConfigurationsPage /> },
  { path: 'configurations/new', element: <NewConfigurationPage /> },
  { path: 'configurations/:id', element: <ConfigurationDetailPage /> },
  { path: 'configurations/:id/edit', element: <EditConfigurationPage /> },
];

import type { RouteObject } from 'react-router';
import { ConfigurationsPage } from './ConfigurationsPage';
import { EditConfigurationPage, NewConfigurationPage } from './ConfigurationFormPage';

// configurations/:id (the detail page) is added by its own screen.
export const routes: RouteObject[] = [
  { path: 'configurations', element: <ConfigurationsPage /> },
  { path: 'configurations/new', element: <NewConfigurationPage /> },
  { path: 'configurations/:id/edit', element: <EditConfigurationPage /> },
];

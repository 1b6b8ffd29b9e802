import type { RouteObject } from 'react-router';
import { ConfigurationsPage } from './ConfigurationsPage';

export const routes: RouteObject[] = [{ path: 'configurations', element: <ConfigurationsPage /> }];

import type { RouteObject } from 'react-router';
import { ConfigurationDetailPage } from './ConfigurationDetailPage';

// Wired into configurations/routes.tsx by the lead.
export const detailRoutes: RouteObject[] = [{ path: 'configurations/:id', element: <ConfigurationDetailPage /> }];

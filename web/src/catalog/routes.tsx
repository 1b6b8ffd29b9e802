import type { RouteObject } from 'react-router';
import { EventCatalogPage } from './EventCatalogPage';

export const routes: RouteObject[] = [{ path: 'event-types', element: <EventCatalogPage /> }];

import type { RouteObject } from 'react-router';
import { DeliveriesPage } from './DeliveriesPage';

export const routes: RouteObject[] = [{ path: 'deliveries', element: <DeliveriesPage /> }];

import type { RouteObject } from 'react-router';
import { DeliveriesPage } from './DeliveriesPage';
import { DeliveryDetailPage } from './DeliveryDetailPage';

export const routes: RouteObject[] = [
  { path: 'deliveries', element: <DeliveriesPage /> },
  { path: 'deliveries/:id', element: <DeliveryDetailPage /> },
];

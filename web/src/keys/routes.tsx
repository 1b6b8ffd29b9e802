import type { RouteObject } from 'react-router';
import { SigningKeysPage } from './SigningKeysPage';

export const routes: RouteObject[] = [{ path: 'signing-keys', element: <SigningKeysPage /> }];

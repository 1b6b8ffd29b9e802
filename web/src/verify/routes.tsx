import type { RouteObject } from 'react-router';
import { VerifyingPage } from './VerifyingPage';

export const routes: RouteObject[] = [{ path: 'verifying', element: <VerifyingPage /> }];

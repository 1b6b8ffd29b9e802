// Test helper: a GraphQL client that answers each operation by its name from
// a table the test can change, records what was asked, and pushes live
// updates through a subject standing in for the websocket.
import { act } from '@testing-library/react';
import { getOperationName, type Client, type GraphQLRequest, type OperationContext } from 'urql';
import { fromValue, makeSubject, pipe, subscribe } from 'wonka';

export type Recorded = { name: string; variables: Record<string, unknown>; requestPolicy?: string };

export function fakeClient(answers: Record<string, unknown | ((variables: Record<string, unknown>) => unknown)>) {
  const queries: Recorded[] = [];
  const mutations: Recorded[] = [];
  const subscriptions: Record<string, unknown>[] = [];
  const live = makeSubject<{ data: unknown }>();
  const answer = (req: GraphQLRequest) => {
    const name = getOperationName(req.query) ?? '';
    const a = answers[name];
    const data = typeof a === 'function' ? (a as (v: Record<string, unknown>) => unknown)(req.variables ?? {}) : a;
    return { name, data };
  };
  const client = {
    executeQuery: (req: GraphQLRequest, opts?: Partial<OperationContext>) => {
      const { name, data } = answer(req);
      queries.push({ name, variables: req.variables ?? {}, requestPolicy: opts?.requestPolicy });
      return fromValue({ data });
    },
    query: (query: GraphQLRequest['query'], variables: Record<string, unknown>, opts?: Partial<OperationContext>) => {
      const { name, data } = answer({ query, variables } as GraphQLRequest);
      queries.push({ name, variables, requestPolicy: opts?.requestPolicy });
      return { toPromise: () => Promise.resolve({ data }) };
    },
    executeMutation: (req: GraphQLRequest) => {
      const { name, data } = answer(req);
      mutations.push({ name, variables: req.variables ?? {} });
      return fromValue({ data });
    },
    subscription: (_query: unknown, variables: Record<string, unknown>) => {
      subscriptions.push(variables);
      return { subscribe: (cb: (r: { data: unknown }) => void) => pipe(live.source, subscribe(cb)) };
    },
  } as unknown as Client;
  return {
    client,
    answers,
    queries,
    mutations,
    subscriptions,
    named: (name: string) => queries.filter((q) => q.name === name),
    push: (d: unknown) => act(() => live.next({ data: { deliveryUpdated: d } })),
  };
}

export function viewer(...capabilities: string[]) {
  return {
    viewer: {
      role: 'ACCOUNT',
      capabilities: ['READ', ...capabilities],
      returnURL: null,
      expiresAt: null,
      account: { id: 'acc_1', name: 'Acme' },
    },
  };
}

// Test helper for every component test: a GraphQL client that answers each
// operation by its name from a table the test may change, records what the
// screen asked for, and pushes live delivery updates through a subject
// standing in for the websocket.
import { act } from '@testing-library/react';
import { CombinedError, getOperationName, type Client, type GraphQLRequest, type OperationContext } from 'urql';
import { fromValue, makeSubject, pipe, subscribe } from 'wonka';

type Variables = Record<string, unknown>;
// An operation's data, or a CombinedError to fail it; a function answers by the variables.
export type Answer = object;
export type Answers = Record<string, Answer | ((variables: Variables) => Answer)>;

export type Call = { name: string; variables: Variables; requestPolicy?: string; additionalTypenames?: string[] };

export function viewer(capabilities: string[], over: Record<string, unknown> = {}) {
  return {
    viewer: {
      role: 'ACCOUNT',
      capabilities,
      returnURL: null,
      expiresAt: null,
      account: { id: 'acc_1', name: 'Acme' },
      ...over,
    },
  };
}

// The session may only READ unless the test names more capabilities
// (or answers Viewer itself).
export function fakeClient(answers: Answers, capabilities: string[] = ['READ']) {
  const queries: Call[] = [];
  const mutations: Call[] = [];
  const subscriptions: Variables[] = [];
  const live = makeSubject<{ data: unknown }>();

  const call = (req: GraphQLRequest, context?: Partial<OperationContext>): Call => ({
    name: getOperationName(req.query) ?? '',
    variables: (req.variables ?? {}) as Variables,
    requestPolicy: context?.requestPolicy,
    additionalTypenames: context?.additionalTypenames,
  });
  const result = (req: GraphQLRequest, name: string) => {
    const a = name in answers ? answers[name] : name === 'Viewer' ? viewer(capabilities) : undefined;
    if (a === undefined) throw new Error(`no answer for ${name}`);
    const value = typeof a === 'function' ? a((req.variables ?? {}) as Variables) : a;
    return value instanceof CombinedError ? { operation: req, error: value } : { operation: req, data: value };
  };
  const query = (req: GraphQLRequest, context?: Partial<OperationContext>) => {
    const c = call(req, context);
    queries.push(c);
    return result(req, c.name);
  };

  const client = {
    executeQuery: (req: GraphQLRequest, context?: Partial<OperationContext>) => fromValue(query(req, context)),
    query: (q: GraphQLRequest['query'], variables: Variables, context?: Partial<OperationContext>) => {
      const answer = query({ query: q, variables } as GraphQLRequest, context);
      return { toPromise: () => Promise.resolve(answer) };
    },
    executeMutation: (req: GraphQLRequest, context?: Partial<OperationContext>) => {
      const c = call(req, context);
      mutations.push(c);
      return fromValue(result(req, c.name));
    },
    subscription: (_query: unknown, variables: Variables) => {
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
    // A deliveryUpdated event, as the subscription would push it.
    push: (delivery: unknown) => act(() => live.next({ data: { deliveryUpdated: delivery } })),
  };
}

export function badUserInput(field: string, message: string): CombinedError {
  return new CombinedError({ graphQLErrors: [{ message, extensions: { code: 'BAD_USER_INPUT', field } }] });
}

export function apiError(code: string, message: string): CombinedError {
  return new CombinedError({ graphQLErrors: [{ message, extensions: { code } }] });
}

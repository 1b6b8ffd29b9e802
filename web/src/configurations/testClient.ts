import { CombinedError, getOperationName, type Client, type GraphQLRequest, type OperationContext } from 'urql';
import { fromValue } from 'wonka';
import type { ConsoleCapability } from '../gql/graphql';

type Answer = { data?: unknown; error?: CombinedError };
type Responder = (variables: Record<string, unknown>) => Answer;

export type Call = { name: string; variables: Record<string, unknown>; context?: Partial<OperationContext> };

// A stand-in for the GraphQL client: it answers each operation by name and
// records what the screen sent, so tests check requests as well as rendering.
export function fakeClient(
  answers: Record<string, Answer | Responder>,
  capabilities: ConsoleCapability[] = ['READ', 'MANAGE_CONFIGURATIONS'],
) {
  const queries: Call[] = [];
  const mutations: Call[] = [];
  const all: Record<string, Answer | Responder> = {
    Viewer: {
      data: {
        viewer: {
          role: 'CONSOLE',
          capabilities,
          returnURL: null,
          expiresAt: '2026-12-31T00:00:00Z',
          account: { id: 'acc_1', name: 'Acme' },
        },
      },
    },
    ...answers,
  };
  const answer = (req: GraphQLRequest): Answer => {
    const name = getOperationName(req.query) ?? '';
    const a = all[name];
    if (!a) throw new Error(`no answer for ${name}`);
    return typeof a === 'function' ? a(req.variables as Record<string, unknown>) : a;
  };
  const client = {
    executeQuery: (req: GraphQLRequest, context?: Partial<OperationContext>) => {
      queries.push({ name: getOperationName(req.query) ?? '', variables: req.variables as Record<string, unknown>, context });
      return fromValue(answer(req));
    },
    executeMutation: (req: GraphQLRequest, context?: Partial<OperationContext>) => {
      mutations.push({ name: getOperationName(req.query) ?? '', variables: req.variables as Record<string, unknown>, context });
      return fromValue(answer(req));
    },
  } as unknown as Client;
  return { client, queries, mutations };
}

export function badUserInput(field: string, message: string): CombinedError {
  return new CombinedError({ graphQLErrors: [{ message, extensions: { code: 'BAD_USER_INPUT', field } }] });
}

export function apiError(code: string, message: string): CombinedError {
  return new CombinedError({ graphQLErrors: [{ message, extensions: { code } }] });
}

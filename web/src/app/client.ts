import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWSClient } from 'graphql-ws';

// Close codes Ferry's websocket uses when the session is refused or expires.
const unauthenticatedCloseCodes = new Set([4401, 4403]);

export function makeClient(token: string, onUnauthenticated: () => void): Client {
  const authorization = `Bearer ${token}`;
  const wsURL = new URL('/graphql', window.location.href);
  wsURL.protocol = wsURL.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = createWSClient({
    url: wsURL.toString(),
    lazy: true,
    // Browsers cannot set headers on a websocket: the token goes in connection_init.
    connectionParams: { Authorization: authorization },
    shouldRetry: (e) => !(e && typeof e === 'object' && 'code' in e && unauthenticatedCloseCodes.has((e as CloseEvent).code)),
    on: {
      closed: (e) => {
        if (e && typeof e === 'object' && 'code' in e && unauthenticatedCloseCodes.has((e as CloseEvent).code)) {
          onUnauthenticated();
        }
      },
    },
  });

  return new Client({
    url: '/graphql',
    fetchOptions: () => ({ headers: { Authorization: authorization } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
            onUnauthenticated();
          }
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}

import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { createClient, type Client } from 'graphql-ws';

// What the headers editor starts with: the one header Ferry reads.
export const DEFAULT_HEADERS = '{\n  "Authorization": "Bearer "\n}';

// connectionParams are what a websocket signs in with: the Authorization
// typed in the headers editor (whatever its case), and nothing else, so no
// other header the user tried leaks into connection_init. A bare "Bearer "
// counts as none, which the API refuses with a clear close code.
export function connectionParamsFromHeaders(headers: unknown): Record<string, string> {
  if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' || typeof value !== 'string') continue;
    const authorization = value.trim();
    if (authorization === '' || /^bearer$/i.test(authorization)) return {};
    return { Authorization: authorization };
  }
  return {};
}

// subscriptionURL is the API's websocket on the page's own host.
export function subscriptionURL(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
}

type MakeClient = (url: string, connectionParams: Record<string, string>) => Client;

const lazyClient: MakeClient = (url, connectionParams) =>
  createClient({ url, connectionParams, lazy: true, retryAttempts: 0 });

// createPlaygroundFetcher sends queries and mutations over HTTP with the
// editor's headers, and subscriptions over one graphql-ws client per
// Authorization: a new token opens a new socket, and a lazy client closes
// its socket once its last subscription ends.
export function createPlaygroundFetcher(
  location: { protocol: string; host: string },
  makeClient: MakeClient = lazyClient,
): Fetcher {
  const url = subscriptionURL(location);
  let current: { key: string; fetcher: Fetcher } | undefined;
  return (params, opts) => {
    const connectionParams = connectionParamsFromHeaders(opts?.headers);
    const key = JSON.stringify(connectionParams);
    if (current?.key !== key) {
      const wsClient = makeClient(url, connectionParams);
      current = { key, fetcher: createGraphiQLFetcher({ url: '/graphql', wsClient }) };
    }
    return current.fetcher(params, opts);
  };
}

import { describe, expect, it, vi } from 'vitest';
import type { Client } from 'graphql-ws';
import { connectionParamsFromHeaders, createPlaygroundFetcher, DEFAULT_HEADERS, subscriptionURL } from './fetcher';

describe('connectionParamsFromHeaders', () => {
  it('carries the Authorization typed in the headers editor', () => {
    expect(connectionParamsFromHeaders({ Authorization: 'Bearer fa_abc' })).toEqual({ Authorization: 'Bearer fa_abc' });
  });

  it('finds it whatever its case and sends it as Authorization only', () => {
    expect(connectionParamsFromHeaders({ authorization: ' Bearer fa_abc ', 'X-Other': 'secret' })).toEqual({
      Authorization: 'Bearer fa_abc',
    });
  });

  it('sends nothing for the untouched default, an empty value or no headers', () => {
    expect(connectionParamsFromHeaders(JSON.parse(DEFAULT_HEADERS))).toEqual({});
    expect(connectionParamsFromHeaders({ Authorization: '' })).toEqual({});
    expect(connectionParamsFromHeaders({ Authorization: 42 })).toEqual({});
    expect(connectionParamsFromHeaders(undefined)).toEqual({});
    expect(connectionParamsFromHeaders(['Authorization'])).toEqual({});
  });
});

describe('subscriptionURL', () => {
  it('is the page host’s /graphql over ws, or wss behind https', () => {
    expect(subscriptionURL({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/graphql');
    expect(subscriptionURL({ protocol: 'https:', host: 'ferry.example.com' })).toBe('wss://ferry.example.com/graphql');
  });
});

async function collect(result: unknown): Promise<unknown[]> {
  const events = [];
  for await (const event of (await result) as AsyncIterable<unknown>) events.push(event);
  return events;
}

function fakeClient(): Client {
  return {
    subscribe: vi.fn((_payload, sink) => {
      // A socket answers later, never inside subscribe.
      setTimeout(() => {
        sink.next({ data: { deliveryUpdated: { id: 'dlv_1' } } });
        sink.complete();
      }, 0);
      return () => {};
    }),
    iterate: vi.fn(),
    on: vi.fn(),
    terminate: vi.fn(),
    dispose: vi.fn(),
  } as unknown as Client;
}

describe('createPlaygroundFetcher', () => {
  const subscription = 'subscription { deliveryUpdated { id } }';

  it('runs a subscription on a websocket signed in with the editor’s Authorization', async () => {
    const clients: { url: string; params: Record<string, string>; client: Client }[] = [];
    const fetcher = createPlaygroundFetcher({ protocol: 'http:', host: 'localhost:8080' }, (url, params) => {
      const client = fakeClient();
      clients.push({ url, params, client });
      return client;
    });
    const { parse } = await import('graphql');
    const events = await collect(
      fetcher(
        { query: subscription, operationName: null },
        { headers: { Authorization: 'Bearer fa_one' }, documentAST: parse(subscription) },
      ),
    );
    expect(events).toEqual([{ data: { deliveryUpdated: { id: 'dlv_1' } } }]);
    expect(clients).toHaveLength(1);
    expect(clients[0].url).toBe('ws://localhost:8080/graphql');
    expect(clients[0].params).toEqual({ Authorization: 'Bearer fa_one' });
    expect(clients[0].client.subscribe).toHaveBeenCalledOnce();

    // The same token reuses the client; another opens a new one.
    await fetcher({ query: subscription, operationName: null }, { headers: { Authorization: 'Bearer fa_one' }, documentAST: parse(subscription) });
    expect(clients).toHaveLength(1);
    await fetcher({ query: subscription, operationName: null }, { headers: { Authorization: 'Bearer fa_two' }, documentAST: parse(subscription) });
    expect(clients.map((c) => c.params)).toEqual([{ Authorization: 'Bearer fa_one' }, { Authorization: 'Bearer fa_two' }]);
  });

  it('sends queries over HTTP to /graphql with the editor’s headers', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ data: { __typename: 'Query' } }), {
      headers: { 'content-type': 'application/json' },
    }));
    vi.stubGlobal('fetch', fetchMock);
    try {
      const fetcher = createPlaygroundFetcher({ protocol: 'http:', host: 'localhost:8080' }, () => fakeClient());
      const { parse } = await import('graphql');
      const query = '{ __typename }';
      const events = await collect(
        fetcher({ query, operationName: null }, { headers: { Authorization: 'Bearer fa_one' }, documentAST: parse(query) }),
      );
      expect(events).toEqual([{ data: { __typename: 'Query' } }]);
      const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
      expect(url).toBe('/graphql');
      expect((init.headers as Record<string, string>).Authorization).toBe('Bearer fa_one');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

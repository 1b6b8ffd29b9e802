// What the browser tests share: the GraphQL calls that set up an account's
// data through the real API, a webhook receiver in the test process, the
// browser, and the accessibility and screenshot checks.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page, type WebSocket } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';

export const ferryURL = inject('ferryURL');
export const adminToken = inject('adminToken');

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type GraphQLError = { message: string; extensions?: { code?: string; field?: string } };
export type GraphQLResult<T> = { data?: T; errors?: GraphQLError[] };

// gqlRaw returns errors as they came, for tests about refusals.
export async function gqlRaw<T = Record<string, unknown>>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<T>> {
  const res = await fetch(`${ferryURL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResult<T>;
}

export async function gql<T = Record<string, any>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = await gqlRaw<T>(token, query, variables);
  if (body.errors?.length || !body.data) {
    throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}\n${query}`);
  }
  return body.data;
}

// --- the receiver -----------------------------------------------------------

export type Received = { method: string; path: string; headers: IncomingMessage['headers']; body: string };

export type Receiver = {
  url: string;
  requests: Received[];
  // The status webhook calls get; an event whose data has "fail": true gets 500 whatever this is.
  status: number;
  // Overrides status for requests whose path starts with a key, so one test's
  // endpoint can fail without touching the others sharing the receiver.
  statusByPath: Map<string, number>;
  close: () => Promise<void>;
};

// startReceiver answers webhooks (recording them) and serves a page at
// /returned, the operator's app a console session sends the customer back to.
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', requests: [], status: 200, statusByPath: new Map(), close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'GET' && req.url?.startsWith('/returned')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><html lang="en"><title>Operator</title><h1>Back in the operator app</h1></html>');
        return;
      }
      receiver.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      let status = receiver.status;
      for (const [prefix, s] of receiver.statusByPath) if (req.url?.startsWith(prefix)) status = s;
      try {
        if ((JSON.parse(body) as { data?: { fail?: boolean } }).data?.fail === true) status = 500;
      } catch {
        // not JSON: a verification call
      }
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.close = () =>
    new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return receiver;
}

// --- an account and its data --------------------------------------------------

// requestsTo lists what the receiver got on one path (e.g. an account's /hooks/<id>).
export function requestsTo(receiver: Receiver, prefix: string): Received[] {
  return receiver.requests.filter((r) => r.path.startsWith(prefix));
}

export type Account = {
  id: string;
  name: string;
  token: string;
  signingKeyID: string;
  configurationID: string;
  configurationName: string;
  // Where its configuration sends: <receiver>/hooks/<account id>.
  hookPath: string;
};

// newAccount makes an account of the test's own, with a signing key and an
// ACTIVE configuration that sends ORDER_PAID and ORDER_REFUNDED to the
// receiver. One long retry delay keeps a failed delivery RETRYING for the test.
// opts.name replaces the unique name made from label (e.g. for screenshots).
export async function newAccount(receiver: Receiver, label: string, opts: { name?: string } = {}): Promise<Account> {
  const name = opts.name ?? `${label} ${randomUUID().slice(0, 8)}`;
  const { createAccount } = await gql(adminToken, 'mutation($in: CreateAccountInput!) { createAccount(input: $in) { account { id name } token } }', {
    in: { name },
  });
  const token: string = createAccount.token;
  const accountID: string = createAccount.account.id;
  const { createSigningKey } = await gql(token, 'mutation($in: CreateSigningKeyInput!) { createSigningKey(input: $in) { signingKey { id } } }', {
    in: { name: 'main' },
  });
  const configurationName = `Orders to ${label}`;
  const hookPath = `/hooks/${accountID}`;
  const signingKeyID: string = createSigningKey.signingKey.id;
  const configurationID = await createConfiguration(token, {
    name: configurationName,
    url: `${receiver.url}${hookPath}`,
    signingKeyID,
  });
  return { id: accountID, name, token, signingKeyID, configurationID, configurationName, hookPath };
}

// createConfiguration makes a configuration through the API (Ferry verifies
// its URL, which must answer 2xx), ACTIVE unless told otherwise.
export async function createConfiguration(
  token: string,
  c: { name: string; url: string; signingKeyID: string; eventTypes?: string[]; retrySchedule?: number[]; active?: boolean },
): Promise<string> {
  const { createConfiguration } = await gql(token, 'mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }', {
    in: {
      name: c.name,
      url: c.url,
      signingKeyID: c.signingKeyID,
      eventTypes: c.eventTypes ?? ['ORDER_PAID', 'ORDER_REFUNDED'],
      retrySchedule: c.retrySchedule ?? [3600],
      timeoutSeconds: 5,
    },
  });
  const id: string = createConfiguration.id;
  if (c.active === false) return id;
  const { activateConfiguration } = await gql(token, 'mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }', {
    id,
  });
  if (activateConfiguration.configuration.status !== 'ACTIVE') throw new Error(`configuration ${c.name} did not activate`);
  return id;
}

export async function publish(
  account: Account,
  metadata: Record<string, string> = {},
  data: Record<string, unknown> = { order: randomUUID() },
  type = 'ORDER_PAID',
): Promise<string> {
  const { publishEvent } = await gql(account.token, 'mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }', {
    in: { type, data, metadata },
  });
  return publishEvent.id as string;
}

export async function deliveryStatus(account: Account, eventID: string): Promise<string | undefined> {
  const { deliveries } = await gql(account.token, 'query($id: ID!) { deliveries(first: 5, where: {eventID: $id}) { edges { node { status } } } }', {
    id: eventID,
  });
  return deliveries.edges[0]?.node.status;
}

// deliveryOf is the id of the (first) delivery of an event.
export async function deliveryOf(account: Account, eventID: string): Promise<string> {
  const { deliveries } = await gql(account.token, 'query($id: ID!) { deliveries(first: 1, where: {eventID: $id}) { edges { node { id } } } }', {
    id: eventID,
  });
  return deliveries.edges[0].node.id as string;
}

// settled waits until the event's delivery reaches want (e.g. SUCCEEDED, or
// RETRYING for a failed first attempt).
export async function settled(account: Account, eventID: string, want: string) {
  await expect.poll(() => deliveryStatus(account, eventID), { timeout: 15_000, interval: 100 }).toBe(want);
}

export type Capability = 'READ' | 'MANAGE_CONFIGURATIONS' | 'MANAGE_KEYS' | 'RESEND';
export const allCapabilities: Capability[] = ['READ', 'MANAGE_CONFIGURATIONS', 'MANAGE_KEYS', 'RESEND'];

export type Session = { id: string; token: string; url: string };

export async function consoleSession(
  account: Account,
  opts: {
    capabilities?: Capability[];
    ttlSeconds?: number;
    returnURL?: string;
    branding?: { name?: string; logoURL?: string; primaryColor?: string };
  } = {},
): Promise<Session> {
  const { createConsoleSession } = await gql(
    adminToken,
    'mutation($in: CreateConsoleSessionInput!) { createConsoleSession(input: $in) { consoleSession { id } token url } }',
    {
      in: {
        accountID: account.id,
        capabilities: opts.capabilities ?? allCapabilities,
        ttlSeconds: opts.ttlSeconds ?? 3600,
        returnURL: opts.returnURL,
        branding: opts.branding,
      },
    },
  );
  return { id: createConsoleSession.consoleSession.id, token: createConsoleSession.token, url: createConsoleSession.url };
}

// sessionURL opens the console at path (e.g. "deliveries") signed in with the
// session; extra fragment parameters (lang, theme) go after the token.
export function sessionURL(session: Session, path = '', fragment: Record<string, string> = {}): string {
  const u = new URL(session.url);
  u.pathname = `/console/${path}`;
  const hash = new URLSearchParams(u.hash.replace(/^#/, ''));
  for (const [k, v] of Object.entries(fragment)) hash.set(k, v);
  u.hash = hash.toString();
  return u.toString();
}

// --- the browser -----------------------------------------------------------------

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium keeps calling Google's services; only loopback here.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  // Locator actions and waits fail after 10 s rather than the test's whole budget.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page };
}

// deliveryRow is the row of an event's delivery in a deliveries table.
export const deliveryRow = (p: Page, eventID: string) => p.getByRole('row').filter({ hasText: eventID });

// watchSubscription resolves once the page has sent a subscribe message over
// its websocket (named operationName, when given). The server may still be
// registering it: tests prove it live with a first event before timing one.
export function watchSubscription(page: Page, operationName?: string): Promise<void> {
  return new Promise((ok) => {
    page.on('websocket', (ws: WebSocket) => {
      ws.on('framesent', (f) => {
        const p = String(f.payload);
        if (p.includes('"subscribe"') && (!operationName || p.includes(operationName))) ok();
      });
    });
  });
}

// --- accessibility and screenshots ----------------------------------------------------

// seriousViolations runs axe on the page and returns its serious and critical
// findings, each with the elements at fault, ready to print.
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n` + v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n'));
}


// screenshot saves a full-page PNG for the README to docs/screenshots/<name>.png.
// fullPage: false keeps a long page to the window, and its file small.
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  const dir = join(repoRoot, 'docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: opts.fullPage ?? true, animations: 'disabled' });
}

// failureShot keeps what the page looked like when a test failed, in e2e/.out.
export async function failureShot(page: Page | undefined, name: string) {
  if (!page || page.isClosed()) return;
  const dir = join(repoRoot, 'web/e2e/.out');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`), fullPage: true }).catch(() => {});
}

// browserPerFile gives a test file one Chromium and one receiver, and each
// test a fresh page from open(), closed after it (photographed if it failed).
export function browserPerFile() {
  const f = {
    browser: undefined as unknown as Browser,
    receiver: undefined as unknown as Receiver,
    context: undefined as BrowserContext | undefined,
    page: undefined as Page | undefined,
    async open(viewport?: { width: number; height: number }): Promise<Page> {
      const opened = await newPage(f.browser, viewport);
      f.context = opened.context;
      f.page = opened.page;
      return opened.page;
    },
  };
  beforeAll(async () => {
    [f.browser, f.receiver] = await Promise.all([launch(), startReceiver()]);
  });
  afterAll(async () => {
    await f.browser?.close();
    await f.receiver?.close();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await failureShot(f.page, ctx.task.name);
    await f.context?.close();
    f.context = f.page = undefined;
  });
  return f;
}

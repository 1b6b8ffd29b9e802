// The customer console in a real browser against a real Ferry: sign-in by
// session URL, live delivery history, filters in the URL, capabilities,
// session end, Portuguese, branding, accessibility and small screens.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  adminToken,
  browserPerFile,
  consoleSession,
  deliveryOf,
  deliveryRow,
  ferryURL,
  gql,
  gqlRaw,
  newAccount,
  publish,
  seriousViolations,
  sessionURL,
  settled,
  watchSubscription,
  type Account,
  type Session,
} from './harness';

const files = browserPerFile();

// untilLive publishes until one event shows up on the open deliveries page,
// which then has a working subscription (rows on screen before it came from
// the query). Each try waits 3 s, so a lost subscription fails the test.
async function untilLive(p: Page, account: Account) {
  for (let i = 0; i < 3; i++) {
    const id = await publish(account, { warmup: String(i) });
    try {
      await deliveryRow(p, id).waitFor({ timeout: 3_000 });
      return;
    } catch {
      // the server may not have registered the subscription yet: try again
    }
  }
  throw new Error('no published event appeared on the deliveries page without a reload');
}

describe('console', () => {
  it('opens from a session URL, shows the account and its configurations, and drops the token from the address bar', async () => {
    const account = await newAccount(files.receiver, 'Sign-in');
    const session = await consoleSession(account, { capabilities: ['READ'] });
    expect(session.url).toMatch(/\/console\/#session=fcs_/);

    const p = await files.open();
    await p.goto(session.url);
    await p.getByText(account.name, { exact: true }).waitFor();
    await p.getByRole('cell', { name: account.configurationName, exact: true }).waitFor();
    expect(new URL(p.url()).pathname).toBe('/console/configurations');
    expect(p.url()).not.toContain('session=');
    expect(p.url()).not.toContain(session.token);
    expect(await p.evaluate(() => window.location.hash)).toBe('');
    // Nor is it left in the history for the back button to bring back.
    expect(await p.evaluate(() => history.length)).toBe(2);
  });

  it('shows a published delivery without a reload within 1 s', async () => {
    const account = await newAccount(files.receiver, 'Live');
    const session = await consoleSession(account);
    const p = await files.open();
    const subscribed = watchSubscription(p, 'DeliveryUpdated');
    await p.goto(sessionURL(session, 'deliveries'));
    await p.getByText(account.name, { exact: true }).waitFor();
    await subscribed;
    await untilLive(p, account);

    const navigations: string[] = [];
    p.on('framenavigated', (f) => {
      if (f === p.mainFrame()) navigations.push(f.url());
    });
    const started = performance.now();
    const eventID = await publish(account, { order: 'live-1' });
    await deliveryRow(p, eventID).waitFor({ timeout: 5_000 });
    const elapsed = performance.now() - started;
    console.log(`e2e: publish to row on screen: ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(1000);
    expect(navigations).toEqual([]);

    // The same row then follows the delivery to its outcome, still live.
    await deliveryRow(p, eventID).getByText('Succeeded').waitFor();
  });

  it('filters by metadata and status through the form, keeps the filters in the URL, and shows the same rows after a reload', async () => {
    const account = await newAccount(files.receiver, 'Filters');
    const ok1 = await publish(account, { customer: 'c1' });
    const failed1 = await publish(account, { customer: 'c1' }, { fail: true });
    const ok2 = await publish(account, { customer: 'c2' });
    await settled(account, ok1, 'SUCCEEDED');
    await settled(account, failed1, 'RETRYING');
    await settled(account, ok2, 'SUCCEEDED');

    const session = await consoleSession(account, { capabilities: ['READ'] });
    const p = await files.open();
    await p.goto(sessionURL(session, 'deliveries'));
    for (const id of [ok1, failed1, ok2]) await deliveryRow(p, id).waitFor();

    const form = p.getByRole('form', { name: /filter/i });
    await form.getByLabel(/metadata key/i).fill('customer');
    await form.getByLabel(/metadata value/i).fill('c1');
    await form.getByRole('checkbox', { name: /succeeded/i }).check();
    await form.getByRole('button', { name: /apply/i }).click();

    await p.waitForURL((u) => u.searchParams.get('metaValue') === 'c1');
    const params = new URL(p.url()).searchParams;
    expect(params.getAll('status')).toEqual(['SUCCEEDED']);
    expect(params.get('metaKey')).toBe('customer');
    expect(params.get('metaValue')).toBe('c1');

    const shown = async () => {
      await deliveryRow(p, ok1).waitFor();
      return { failed1: await deliveryRow(p, failed1).count(), ok2: await deliveryRow(p, ok2).count(), rows: await p.locator('tbody tr').count() };
    };
    await expect.poll(shown).toEqual({ failed1: 0, ok2: 0, rows: 1 });

    await p.reload();
    expect(new URL(p.url()).search).toBe(`?${params.toString()}`);
    await expect.poll(shown).toEqual({ failed1: 0, ok2: 0, rows: 1 });
    // The form shows the filters it was reloaded with.
    await expect.poll(() => form.getByLabel(/metadata value/i).inputValue()).toBe('c1');
    expect(await form.getByRole('checkbox', { name: /succeeded/i }).isChecked()).toBe(true);
  });

  it('a read-only session offers none of the changes a full session has, and the API refuses its mutations', async () => {
    const account = await newAccount(files.receiver, 'Read-only');
    const eventID = await publish(account, { customer: 'ro' });
    await settled(account, eventID, 'SUCCEEDED');
    const deliveryID = await deliveryOf(account, eventID);
    const cfg = account.configurationName;

    // Each screen, what shows it has loaded, and the changes it offers a session that may do everything.
    const screens: { path: string; ready: (p: Page) => Locator; changes: string[] }[] = [
      {
        path: 'configurations',
        ready: (p) => p.getByRole('cell', { name: cfg, exact: true }),
        changes: ['New configuration', `Deactivate ${cfg}`, `Edit ${cfg}`, `Send test event ${cfg}`, `Delete ${cfg}`],
      },
      {
        path: `configurations/${account.configurationID}`,
        ready: (p) => p.getByRole('heading', { level: 1, name: cfg }),
        changes: ['Edit', 'Send test event'],
      },
      { path: 'deliveries', ready: (p) => deliveryRow(p, eventID), changes: ['Resend all matching'] },
      { path: `deliveries/${deliveryID}`, ready: (p) => p.getByRole('heading', { name: 'Attempt 1' }), changes: ['Resend'] },
      { path: 'signing-keys', ready: (p) => p.getByRole('rowheader', { name: 'main' }), changes: ['New key', 'Rotate main', 'Revoke main'] },
    ];
    // Any button or link whose name starts like a change, should a new one appear.
    const changeLike = /^(new|create|add|edit|save|delete|remove|activate|deactivate|rotate|revoke|resend|send test)\b/i;

    const offered = async (session: Session) => {
      const p = await files.open();
      const found: Record<string, string[]> = {};
      for (const screen of screens) {
        await p.goto(sessionURL(session, screen.path));
        // The capabilities are loaded once the top bar lists them.
        await p.getByRole('list', { name: 'What this session may do' }).waitFor();
        await screen.ready(p).waitFor();
        const main = p.getByRole('main');
        const named: string[] = [];
        for (const name of screen.changes) {
          if (await main.getByRole('button', { name, exact: true }).or(main.getByRole('link', { name, exact: true })).count()) named.push(name);
        }
        const like = main.getByRole('button', { name: changeLike }).or(main.getByRole('link', { name: changeLike }));
        // More than the named ones: list them all, so the difference shows.
        if ((await like.count()) > named.length) named.push(...(await like.allInnerTexts()).map((t) => `(unexpected) ${t.trim()}`));
        found[screen.path] = named;
      }
      await files.context!.close();
      return found;
    };

    const full = await offered(await consoleSession(account));
    expect(full).toEqual(Object.fromEntries(screens.map((s) => [s.path, s.changes])));
    const session = await consoleSession(account, { capabilities: ['READ'] });
    const readOnly = await offered(session);
    expect(readOnly).toEqual(Object.fromEntries(screens.map((s) => [s.path, []])));

    // The session itself is valid: reads work...
    const viewer = await gql(session.token, '{ viewer { capabilities account { id } } }');
    expect(viewer.viewer).toEqual({ capabilities: ['READ'], account: { id: account.id } });
    // ...and every change is refused.
    const refusals = {
      createSigningKey: await gqlRaw(session.token, 'mutation { createSigningKey(input: {name: "x"}) { secret } }'),
      deactivateConfiguration: await gqlRaw(session.token, 'mutation($id: ID!) { deactivateConfiguration(id: $id) { status } }', {
        id: account.configurationID,
      }),
      resendDelivery: await gqlRaw(session.token, 'mutation($id: ID!) { resendDelivery(id: $id) { id } }', { id: 'dlv_00000000000000000000000000' }),
    };
    for (const [name, r] of Object.entries(refusals)) {
      expect({ name, code: r.errors?.[0]?.extensions?.code }).toEqual({ name, code: 'FORBIDDEN' });
    }
    const { node } = await gql(account.token, 'query($id: ID!) { node(id: $id) { ... on Configuration { status } } }', {
      id: account.configurationID,
    });
    expect(node.status).toBe('ACTIVE');

    // A session allowed to manage keys is not refused: the refusal is the capability's.
    const keys = await consoleSession(account, { capabilities: ['READ', 'MANAGE_KEYS'] });
    const created = await gqlRaw(keys.token, 'mutation { createSigningKey(input: {name: "allowed"}) { signingKey { id } } }');
    expect(created.errors).toBeUndefined();
  });

  it('sends the customer to returnURL when the session is revoked while the console is open', async () => {
    const account = await newAccount(files.receiver, 'Expiry');
    const returnURL = `${files.receiver.url}/returned?from=ferry`;
    const session = await consoleSession(account, { returnURL });
    const p = await files.open();
    const subscribed = watchSubscription(p, 'DeliveryUpdated');
    await p.goto(sessionURL(session, 'deliveries'));
    await p.getByText(account.name, { exact: true }).waitFor();
    await subscribed;

    await gql(adminToken, 'mutation($id: ID!) { revokeConsoleSession(id: $id) { id } }', { id: session.id });
    await p.waitForURL(returnURL, { timeout: 10_000 });
    await p.getByRole('heading', { name: 'Back in the operator app' }).waitFor();

    // Back in the console, nothing signs in any more.
    await p.goto(`${ferryURL}/console/configurations`);
    await p.waitForURL(returnURL, { timeout: 10_000 });
  });

  it('speaks Brazilian Portuguese from #lang=pt-BR and from the language menu', async () => {
    const account = await newAccount(files.receiver, 'Idioma');
    const p = await files.open();
    await p.goto(sessionURL(await consoleSession(account), 'deliveries', { lang: 'pt-BR' }));
    const nav = p.getByRole('navigation');
    await nav.getByRole('link', { name: 'Histórico de Envios' }).waitFor();
    await nav.getByRole('link', { name: 'Configurações' }).waitFor();
    expect(await p.evaluate(() => document.documentElement.lang)).toBe('pt-BR');
    expect(p.url()).not.toContain('lang=');

    // A new browser, English by default, switched from the top bar.
    await files.context!.close();
    const q = await files.open();
    await q.goto(sessionURL(await consoleSession(account), 'configurations'));
    await q.getByRole('navigation').getByRole('link', { name: 'Deliveries' }).waitFor();
    await q.getByLabel('Language').selectOption('pt-BR');
    await q.getByRole('navigation').getByRole('link', { name: 'Histórico de Envios' }).waitFor();
    await q.getByRole('navigation').getByRole('link', { name: 'Configurações' }).waitFor();
    // The choice is remembered across a reload.
    await q.reload();
    await q.getByRole('navigation').getByRole('link', { name: 'Configurações' }).waitFor();
    expect(await q.evaluate(() => document.documentElement.lang)).toBe('pt-BR');
  });

  it('wears the operator’s branding from the session: its name in the top bar and its colour on primary buttons', async () => {
    const account = await newAccount(files.receiver, 'Branded');
    const primaryStyle = (p: Page) =>
      p
        .getByRole('main')
        .getByRole('button', { name: 'New key' })
        .evaluate((el) => {
          const s = getComputedStyle(el);
          return { background: s.backgroundColor, text: s.color };
        });

    const branded = await consoleSession(account, { branding: { name: 'Acme Hooks', primaryColor: '#0a7d32' } });
    const p = await files.open();
    await p.goto(sessionURL(branded, 'signing-keys', { theme: 'light' }));
    const brand = p.getByRole('banner').locator('.brand');
    await brand.getByText('Acme Hooks', { exact: true }).waitFor();
    expect(await brand.innerText()).toBe('Acme Hooks');
    // White text: it contrasts more with this green than black does.
    await expect.poll(() => primaryStyle(p)).toEqual({ background: 'rgb(10, 125, 50)', text: 'rgb(255, 255, 255)' });
    expect(await p.title()).toBe('Acme Hooks · Webhooks');

    // Without branding, the same account's console is Ferry's own.
    await files.context!.close();
    const q = await files.open();
    await q.goto(sessionURL(await consoleSession(account), 'signing-keys', { theme: 'light' }));
    await q.getByRole('list', { name: 'What this session may do' }).waitFor();
    expect(await q.getByRole('banner').locator('.brand').innerText()).toBe('Ferry');
    expect(await primaryStyle(q)).toEqual({ background: 'rgb(36, 87, 214)', text: 'rgb(255, 255, 255)' });
  });

  it('keeps the top bar one row high on a page shorter than the window', async () => {
    const account = await newAccount(files.receiver, 'Short page');
    const p = await files.open();
    await p.goto(sessionURL(await consoleSession(account), 'signing-keys'));
    await p.getByRole('list', { name: 'What this session may do' }).waitFor();
    await p.getByRole('rowheader', { name: 'main' }).waitFor();
    expect(await p.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(800);
    const bar = await p.getByRole('banner').boundingBox();
    // One row of controls with its padding is about 60 px; the grid used to stretch it to share the window's height.
    expect(bar?.height).toBeLessThan(80);
  });

  describe('accessibility', () => {
    const pages = ['configurations', 'deliveries', 'signing-keys', 'event-types', 'verifying'];

    it.each(['en', 'pt-BR'])('has no serious or critical axe violations on any console page (%s)', async (lang) => {
      const account = await newAccount(files.receiver, 'A11y');
      const eventID = await publish(account, { customer: 'a11y' });
      await settled(account, eventID, 'SUCCEEDED');
      const session = await consoleSession(account);
      const p = await files.open();
      await p.goto(sessionURL(session, 'configurations', { lang }));
      await p.getByText(account.name, { exact: true }).waitFor();

      const found: string[] = [];
      for (const path of pages) {
        await p.locator(`nav a[href="/console/${path}"]`).click();
        await p.waitForURL(`**/console/${path}`);
        await p.getByRole('heading', { level: 1 }).waitFor();
        if (path === 'configurations') await p.getByRole('cell', { name: account.configurationName, exact: true }).waitFor();
        if (path === 'deliveries') await deliveryRow(p, eventID).waitFor();
        // Let a page still loading its data settle before judging it.
        await p.waitForLoadState('networkidle').catch(() => {});
        for (const v of await seriousViolations(p)) found.push(`/console/${path}: ${v}`);
      }
      if (found.length) console.error(found.join('\n'));
      expect(found).toEqual([]);
    });

    it('has no serious or critical axe violations on the session-ended page', async () => {
      const p = await files.open();
      await p.goto(`${ferryURL}/console/`);
      await p.getByRole('heading', { level: 1 }).waitFor();
      const found = await seriousViolations(p);
      if (found.length) console.error(found.join('\n'));
      expect(found).toEqual([]);
    });
  });

  it('fits a 375 px wide screen: no console page scrolls sideways', async () => {
    const account = await newAccount(files.receiver, 'Phone');
    const eventID = await publish(account, { customer: 'phone' });
    await settled(account, eventID, 'SUCCEEDED');
    const p = await files.open({ width: 375, height: 800 });
    await p.goto(sessionURL(await consoleSession(account), 'configurations'));
    await p.getByText(account.name, { exact: true }).waitFor();

    const wide: string[] = [];
    for (const path of ['configurations', 'deliveries', 'signing-keys', 'event-types', 'verifying']) {
      await p.locator(`nav a[href="/console/${path}"]`).click();
      await p.waitForURL(`**/console/${path}`);
      await p.getByRole('heading', { level: 1 }).waitFor();
      if (path === 'configurations') await p.getByRole('cell', { name: account.configurationName, exact: true }).waitFor();
      if (path === 'deliveries') await deliveryRow(p, eventID).waitFor();
      await p.waitForLoadState('networkidle').catch(() => {});
      // Wide tables may scroll inside their own box; the page itself must not.
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      if (width > 375) wide.push(`/console/${path} is ${width} px wide`);
    }
    expect(wide).toEqual([]);
  });
});

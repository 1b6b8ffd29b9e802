// The console's screens doing their work in a real browser against a real
// Ferry: the configuration form with Verify URL, activation from the list,
// resending one delivery and all matching ones, signing keys, the test event
// dialog, and signing in with a token. Each test owns its account.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  adminToken,
  browserPerFile,
  consoleSession,
  createConfiguration,
  deliveryOf,
  deliveryRow,
  ferryURL,
  gql,
  newAccount,
  publish,
  requestsTo,
  sessionURL,
  settled,
  watchSubscription,
  type Received,
} from './harness';

const files = browserPerFile();

// mainNavigations records the page's own navigations (reloads included), so a
// test can show that what changed came without one.
function mainNavigations(p: Page): string[] {
  const seen: string[] = [];
  p.on('framenavigated', (f) => {
    if (f === p.mainFrame()) seen.push(f.url());
  });
  return seen;
}

const header = (r: Received, name: string) => String(r.headers[name] ?? '');
const eventOf = (r: Received): { id?: string; event?: string; data?: Record<string, unknown> } => {
  try {
    return JSON.parse(r.body);
  } catch {
    return {};
  }
};

describe('console screens', () => {
  it('creates a configuration through the form: Save waits for a URL answering 2xx, then opens its detail', async () => {
    const account = await newAccount(files.receiver, 'Form');
    const path = `/new-endpoint/${account.id}`;
    files.receiver.statusByPath.set(path, 500);
    const p = await files.open();
    await p.goto(sessionURL(await consoleSession(account), 'configurations'));
    await p.getByRole('link', { name: 'New configuration' }).click();
    await p.waitForURL('**/console/configurations/new');

    await p.getByLabel('Configuration name').fill('Invoices to billing');
    // The account's only key is chosen for it.
    await expect.poll(() => p.getByLabel('Signing key').inputValue()).toBe(account.signingKeyID);
    await p.getByLabel('URL to send the data to').fill(`${files.receiver.url}${path}`);
    await p.getByRole('checkbox', { name: 'ORDER_PAID' }).check();
    const save = p.getByRole('button', { name: 'Create configuration' });
    expect(await save.isDisabled()).toBe(true);

    const verify = p.getByRole('button', { name: 'Verify URL' });
    const verification = p.locator('.cfg-verification');
    await verify.click();
    await verification.getByText('The URL did not answer with a 2xx.').waitFor();
    expect(await verification.locator('dd').first().innerText()).toBe('500');
    expect(await verification.locator('pre').innerText()).toBe('nope');
    expect(await save.isDisabled()).toBe(true);
    expect(requestsTo(files.receiver, path)).toHaveLength(1);

    files.receiver.statusByPath.set(path, 200);
    await verify.click();
    await verification.getByText(/^The URL answered 200 in /).waitFor();
    await expect.poll(() => save.isEnabled()).toBe(true);
    expect(requestsTo(files.receiver, path)).toHaveLength(2);

    await save.click();
    await p.waitForURL(/\/console\/configurations\/cfg_[0-9A-Za-z]+$/);
    await p.getByRole('heading', { level: 1, name: 'Invoices to billing' }).waitFor();
    const id = new URL(p.url()).pathname.split('/').pop();
    await p.getByText(`${files.receiver.url}${path}`, { exact: true }).waitFor();

    const { node } = await gql(account.token, 'query($id: ID!) { node(id: $id) { ... on Configuration { name url status eventTypes signingKeyID } } }', {
      id,
    });
    expect(node).toEqual({
      name: 'Invoices to billing',
      url: `${files.receiver.url}${path}`,
      status: 'INACTIVE',
      eventTypes: ['ORDER_PAID'],
      signingKeyID: account.signingKeyID,
    });
  });

  it('activates a configuration from the list: the ping’s answer shows in the dialog and the row turns Active without a reload', async () => {
    const account = await newAccount(files.receiver, 'Activate');
    const path = `/inactive/${account.id}`;
    const name = 'Refunds to support';
    await createConfiguration(account.token, { name, url: `${files.receiver.url}${path}`, signingKeyID: account.signingKeyID, active: false });

    const p = await files.open();
    await p.goto(sessionURL(await consoleSession(account), 'configurations'));
    const row = p.getByRole('row').filter({ has: p.getByRole('link', { name, exact: true }) });
    await row.getByText('Inactive', { exact: true }).waitFor();
    const navigations = mainNavigations(p);

    await row.getByRole('button', { name: `Activate ${name}` }).click();
    const dialog = p.getByRole('dialog', { name: `Activating ${name}` });
    await dialog.getByText(`${name} is active: the URL answered the ping with a 2xx.`).waitFor();
    const answer = dialog.locator('dl.cfg-answer');
    expect(await answer.locator('dt').allInnerTexts()).toEqual(['Status code', 'Duration', 'Response']);
    expect(await answer.locator('dd').first().innerText()).toBe('200');
    expect(await answer.locator('pre').innerText()).toBe('ok');
    await dialog.locator('.cfg-dialog-actions').getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Deactivate ${name}` }).waitFor();
    expect(navigations).toEqual([]);
    // The files.receiver got the ping itself.
    const pings = requestsTo(files.receiver, path).filter((r) => eventOf(r).event === 'ping');
    expect(pings).toHaveLength(1);
  });

  it('resends a delivery from its detail: the MANUAL attempt appears on the timeline without a reload', async () => {
    const account = await newAccount(files.receiver, 'Resend');
    const eventID = await publish(account, { customer: 'r-1' });
    await settled(account, eventID, 'SUCCEEDED');
    const deliveryID = await deliveryOf(account, eventID);

    const p = await files.open();
    const subscribed = watchSubscription(p, 'DeliveryUpdated');
    await p.goto(sessionURL(await consoleSession(account), `deliveries/${deliveryID}`));
    const timeline = p.getByRole('list', { name: 'Attempts' });
    const attempt = (n: number) => timeline.locator('li').filter({ has: p.getByRole('heading', { name: `Attempt ${n}`, exact: true }) });
    await attempt(1).getByText('Automatic', { exact: true }).waitFor();
    await subscribed;
    const navigations = mainNavigations(p);

    await p.getByRole('button', { name: 'Resend', exact: true }).click();
    await p.getByText('Resent: the new attempt appears below.').waitFor();
    await attempt(2).getByText('Manual resend', { exact: true }).waitFor();
    expect(await attempt(2).locator('.attempt-facts .status').innerText()).toBe('200');
    expect(await timeline.locator('li').count()).toBe(2);
    expect(navigations).toEqual([]);

    // The files.receiver got the same body again, as attempt 2.
    const got = requestsTo(files.receiver, account.hookPath).filter((r) => header(r, 'x-ferry-event-id') === eventID);
    expect(got.map((r) => header(r, 'x-ferry-attempt'))).toEqual(['1', '2']);
    expect(got[1].body).toBe(got[0].body);
  });

  it('resends all deliveries matching the filters after confirming their exact count', async () => {
    const account = await newAccount(files.receiver, 'Bulk');
    const chosen = [
      await publish(account, { batch: 'b1' }),
      await publish(account, { batch: 'b1' }),
      await publish(account, { batch: 'b1' }, { fail: true }),
    ];
    const others = [await publish(account, { batch: 'b2' }), await publish(account, { batch: 'b2' })];
    for (const id of [...chosen.slice(0, 2), ...others]) await settled(account, id, 'SUCCEEDED');
    await settled(account, chosen[2], 'RETRYING');

    const p = await files.open();
    await p.goto(sessionURL(await consoleSession(account), 'deliveries'));
    for (const id of [...chosen, ...others]) await deliveryRow(p, id).waitFor();
    const form = p.getByRole('form', { name: 'Filter deliveries' });
    await form.getByLabel('Metadata key').fill('batch');
    await form.getByLabel('Metadata value').fill('b1');
    await form.getByRole('button', { name: 'Apply' }).click();
    await p.waitForURL((u) => u.searchParams.get('metaValue') === 'b1');
    await expect.poll(() => p.locator('tbody tr').count()).toBe(3);

    await p.getByRole('button', { name: 'Resend all matching' }).click();
    const dialog = p.getByRole('dialog', { name: 'Resend deliveries' });
    await dialog.getByText('Resend 3 deliveries?', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Resend', exact: true }).click();
    await p.getByText('3 deliveries queued for resending.').waitFor();

    // Each chosen delivery is sent once more, as a MANUAL attempt 2; the others are not.
    type Row = { eventID: string; attemptCount: number; attempts: { number: number; trigger: string }[] };
    const history = async () => {
      const { deliveries } = await gql(account.token, '{ deliveries(first: 10) { edges { node { eventID attemptCount attempts { number trigger } } } } }');
      const byEvent = new Map<string, Row>(deliveries.edges.map((e: { node: Row }) => [e.node.eventID, e.node]));
      return [...chosen, ...others].map((id) => byEvent.get(id)?.attempts.map((a) => `${a.number} ${a.trigger}`));
    };
    const once = ['1 AUTOMATIC'];
    const twice = ['1 AUTOMATIC', '2 MANUAL'];
    await expect.poll(history, { timeout: 15_000, interval: 100 }).toEqual([twice, twice, twice, once, once]);
    const attemptsOf = (id: string) => requestsTo(files.receiver, account.hookPath).filter((r) => header(r, 'x-ferry-event-id') === id).length;
    expect([...chosen, ...others].map(attemptsOf)).toEqual([2, 2, 2, 1, 1]);
  });

  it('creates a signing key whose secret, shown once, signs deliveries; rotates it showing the overlap’s end; revokes it', async () => {
    const account = await newAccount(files.receiver, 'Keys');
    const p = await files.open();
    await p.goto(sessionURL(await consoleSession(account), 'signing-keys'));
    await p.getByRole('rowheader', { name: 'main', exact: true }).waitFor();

    await p.getByRole('button', { name: 'New key' }).click();
    const create = p.getByRole('dialog', { name: 'New signing key' });
    await create.getByLabel('Name').fill('Billing');
    await create.getByRole('button', { name: 'Create key' }).click();
    const created = p.getByRole('dialog', { name: 'Key created' });
    const secret = await created.getByLabel('Secret of “Billing”').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const row = p.getByRole('row').filter({ has: p.getByRole('rowheader', { name: 'Billing', exact: true }) });
    await row.getByText(`…${secret.slice(-4)}`, { exact: true }).waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
    await created.getByRole('button', { name: 'I have copied it' }).click();
    await created.waitFor({ state: 'hidden' });
    // Closed, the secret is nowhere on the page any more.
    expect(await p.content()).not.toContain(secret.slice('whsec_'.length));

    // A delivery signed with the key verifies with the secret shown.
    const { signingKeys } = await gql(account.token, '{ signingKeys(first: 10) { edges { node { id name } } } }');
    const keyID: string = signingKeys.edges.find((e: { node: { name: string } }) => e.node.name === 'Billing').node.id;
    const path = `/billing/${account.id}`;
    await createConfiguration(account.token, { name: 'Billing hooks', url: `${files.receiver.url}${path}`, signingKeyID: keyID });
    const eventID = await publish(account, { customer: 'signed' });
    await expect.poll(() => requestsTo(files.receiver, path).filter((r) => header(r, 'x-ferry-event-id') === eventID).length, { timeout: 15_000 }).toBe(1);
    const signed = requestsTo(files.receiver, path).find((r) => header(r, 'x-ferry-event-id') === eventID)!;
    const keyBytes = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(header(signed, 'x-signature')).toBe(createHmac('sha256', keyBytes).update(signed.body).digest('hex'));
    const standard = createHmac('sha256', keyBytes).update(`${eventID}.${header(signed, 'webhook-timestamp')}.${signed.body}`).digest('base64');
    expect(header(signed, 'webhook-signature').split(' ')).toContain(`v1,${standard}`);

    // Rotate: a new secret, and when the previous one stops signing. The page,
    // loaded again, knows the configuration made meanwhile uses the key.
    await p.reload();
    await row.getByText('Billing hooks', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Rotate Billing' }).click();
    const rotate = p.getByRole('dialog', { name: 'Rotate “Billing”?' });
    await rotate.getByText('Billing hooks', { exact: true }).waitFor();
    await rotate.getByRole('button', { name: 'Rotate key' }).click();
    const rotated = p.getByRole('dialog', { name: 'Key rotated' });
    const next = await rotated.getByLabel('Secret of “Billing”').inputValue();
    expect(next).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(next).not.toBe(secret);
    const { node: key } = await gql(account.token, 'query($id: ID!) { node(id: $id) { ... on SigningKey { previousExpiresAt xSignatureSwitchesAt } } }', {
      id: keyID,
    });
    const until: string = key.xSignatureSwitchesAt ?? key.previousExpiresAt;
    const hoursAhead = (new Date(until).getTime() - Date.now()) / 3_600_000;
    expect(hoursAhead).toBeGreaterThan(23);
    expect(hoursAhead).toBeLessThan(25);
    // The browser runs in en-US and UTC (newPage).
    const shown = new Intl.DateTimeFormat('en-US', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'UTC' }).format(new Date(until));
    await rotated.getByText(`The previous secret stops being used on ${shown}.`, { exact: false }).waitFor();
    await rotated.getByRole('button', { name: 'I have copied it' }).click();
    await row.getByText(`Rotating until ${shown}`, { exact: true }).waitFor();

    // Revoke: permanent, and the row says so.
    await row.getByRole('button', { name: 'Revoke Billing' }).click();
    const revoke = p.getByRole('dialog', { name: 'Revoke “Billing”?' });
    await revoke.getByText('This cannot be undone.').waitFor();
    await revoke.getByRole('button', { name: 'Revoke key' }).click();
    await revoke.waitFor({ state: 'hidden' });
    await row.locator('.status-revoked').getByText(/^Revoked/).waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    const { node: revoked } = await gql(account.token, 'query($id: ID!) { node(id: $id) { ... on SigningKey { revokedAt } } }', { id: keyID });
    expect(revoked.revokedAt).toBeTruthy();
  });

  it('sends a test event from the configuration’s detail and shows the request sent and the response', async () => {
    const account = await newAccount(files.receiver, 'Test event');
    const p = await files.open();
    await p.goto(sessionURL(await consoleSession(account), `configurations/${account.configurationID}`));
    await p.getByRole('heading', { level: 1, name: account.configurationName }).waitFor();
    await p.getByRole('button', { name: 'Send test event' }).click();
    const dialog = p.getByRole('dialog', { name: 'Send test event' });
    await expect.poll(() => dialog.getByLabel('Event type').inputValue()).toBe('ORDER_PAID');
    await dialog.getByLabel('Event data (JSON)').fill(JSON.stringify({ order: 'test-77', total: 12.5 }));
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();

    await dialog.getByText(/^The endpoint answered 200 in /).waitFor();
    await dialog.getByText(`POST ${files.receiver.url}${account.hookPath}`, { exact: true }).waitFor();
    const sent = JSON.parse(await dialog.getByLabel('Request body').innerText());
    expect(sent).toMatchObject({ event: 'ORDER_PAID', data: { order: 'test-77', total: 12.5 } });
    expect(await dialog.getByLabel('Response body').innerText()).toBe('ok');
    const requestHeaders = dialog.getByRole('table', { name: 'Request headers' });
    await requestHeaders.getByRole('rowheader', { name: 'X-Signature' }).waitFor();

    // The files.receiver got exactly that body.
    const got = requestsTo(files.receiver, account.hookPath).filter((r) => eventOf(r).id === sent.id);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0].body)).toEqual(sent);
  });

  it('signs in with an account token typed in the sign-in form', async () => {
    const account = await newAccount(files.receiver, 'Token sign-in');
    const p = await files.open();
    await p.goto(`${ferryURL}/console/`);
    await p.getByRole('heading', { level: 1, name: 'Sign in to the Ferry console' }).waitFor();
    await p.getByLabel('Token').fill('not-a-token');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByText('Ferry does not accept this token: it may be mistyped or revoked.').waitFor();

    await p.getByLabel('Token').fill(account.token);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('banner').getByText(account.name, { exact: true }).waitFor();
    await p.getByRole('cell', { name: account.configurationName, exact: true }).waitFor();
    await p.getByRole('banner').getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('signs in with the admin token, picks an account and opens the console as that account', async () => {
    const account = await newAccount(files.receiver, 'Picked');
    const p = await files.open();
    await p.goto(`${ferryURL}/console/`);
    await p.getByLabel('Token').fill(adminToken);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { level: 1, name: 'Choose an account' }).waitFor();
    await p.getByLabel('Search accounts by name').fill(account.name);
    await p.getByRole('button', { name: `Open ${account.name}`, exact: true }).click();

    await p.getByRole('banner').getByText(account.name, { exact: true }).waitFor();
    await p.getByRole('cell', { name: account.configurationName, exact: true }).waitFor();
    await p.getByRole('banner').getByRole('button', { name: 'Switch account' }).waitFor();
    // Opened with every capability: its buttons are there.
    expect(await p.getByRole('list', { name: 'What this session may do' }).getByRole('listitem').count()).toBe(4);
    await p.getByRole('button', { name: `Activate ${account.configurationName}` }).or(p.getByRole('button', { name: `Deactivate ${account.configurationName}` })).waitFor();
  });
});

// The README's pictures of the console (docs/screenshots/*.png), taken only
// on demand: npm run screenshots. One account with a few
// configurations and about thirty deliveries, some to receivers that fail.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  adminToken,
  browserPerFile,
  consoleSession,
  createConfiguration,
  deliveryRow,
  gql,
  newAccount,
  publish,
  screenshot,
  sessionURL,
  type Account,
} from './harness';

const files = browserPerFile();

// waitQuiet lets the page finish loading its data (and fonts) before a picture.
async function waitQuiet(p: Page) {
  await p.waitForLoadState('networkidle').catch(() => {});
  await p.evaluate(() => document.fonts.ready.then(() => undefined));
}

async function pending(account: Account): Promise<number> {
  const { deliveries } = await gql(account.token, '{ deliveries(first: 1, where: {statusIn: [PENDING]}) { totalCount } }');
  return deliveries.totalCount as number;
}

type Data = { account: Account; failingDeliveryID: string; firstEventID: string };

// realisticData makes the account the pictures show.
async function realisticData(): Promise<Data> {
  for (const [name, description, sample] of [
    ['nutror.lesson_started', 'A student opened a lesson for the first time.', { studentId: 'stu_812', lessonId: 'les_44', courseId: 'crs_7' }],
    ['nutror.course_completed', 'A student finished every lesson of a course.', { studentId: 'stu_812', courseId: 'crs_7', certificate: true }],
  ] as const) {
    await gql(adminToken, 'mutation($in: CreateEventTypeInput!) { createEventType(input: $in) { id } }', {
      in: { name, description, application: 'nutror', sample },
    });
  }

  const account = await newAccount(files.receiver, 'Acme Store', { name: 'Acme Store' });
  const { createSigningKey } = await gql(account.token, 'mutation { createSigningKey(input: {name: "ERP integration"}) { signingKey { id } } }');
  const erpKey: string = createSigningKey.signingKey.id;
  await createConfiguration(account.token, {
    name: 'Billing system',
    url: `${files.receiver.url}/billing/${account.id}`,
    signingKeyID: account.signingKeyID,
    eventTypes: ['ORDER_PAID'],
  });
  // Receivers that answered when verified and fail from then on: one with
  // retries left (its deliveries stay retrying), one without (they fail).
  const warehousePath = `/warehouse/${account.id}`;
  await createConfiguration(account.token, {
    name: 'Warehouse',
    url: `${files.receiver.url}${warehousePath}`,
    signingKeyID: erpKey,
    eventTypes: ['ORDER_PAID'],
  });
  files.receiver.statusByPath.set(warehousePath, 500);
  const erpPath = `/erp/${account.id}`;
  await createConfiguration(account.token, {
    name: 'Legacy ERP',
    url: `${files.receiver.url}${erpPath}`,
    signingKeyID: erpKey,
    eventTypes: ['ORDER_REFUNDED'],
    retrySchedule: [],
  });
  files.receiver.statusByPath.set(erpPath, 503);
  await createConfiguration(account.token, {
    name: 'Course analytics',
    url: `${files.receiver.url}/analytics/${account.id}`,
    signingKeyID: account.signingKeyID,
    eventTypes: ['nutror.lesson_started', 'nutror.course_completed'],
    active: false,
  });
  await gql(account.token, 'mutation($id: ID!) { rotateSigningKey(id: $id) { secret } }', { id: erpKey });

  // 8 orders paid (to Orders, Billing, Warehouse) and 3 refunded (to Orders, ERP): 30 deliveries.
  const firstEventID = await publish(account, { customer: 'c-1042', channel: 'web' }, { orderId: 'ord_1042', amount: 129.9, currency: 'BRL' });
  for (let i = 0; i < 7; i++) {
    const n = 1043 + i;
    await publish(account, { customer: `c-${n}`, channel: i % 2 ? 'app' : 'web' }, { orderId: `ord_${n}`, amount: 49.9 + i * 10, currency: 'BRL' });
  }
  for (let i = 0; i < 3; i++) {
    await publish(account, { customer: `c-${1060 + i}` }, { orderId: `ord_${1030 + i}`, reason: 'customer request' }, 'ORDER_REFUNDED');
  }
  await expect.poll(() => pending(account), { timeout: 30_000, interval: 200 }).toBe(0);

  const { deliveries } = await gql(account.token, '{ deliveries(first: 1, where: {statusIn: [RETRYING]}) { edges { node { id } } } }');
  return { account, failingDeliveryID: deliveries.edges[0].node.id, firstEventID };
}

describe('screenshots', () => {
  it('saves screenshots of the main screens', async () => {
    const { account, failingDeliveryID, firstEventID } = await realisticData();
    const session = await consoleSession(account);

    const p = await files.open();
    await p.goto(sessionURL(session, 'configurations', { theme: 'light' }));
    await p.getByRole('cell', { name: 'Legacy ERP', exact: true }).waitFor();
    await waitQuiet(p);
    await screenshot(p, 'configurations');

    // The form after a successful Verify URL.
    await p.getByRole('link', { name: 'New configuration' }).click();
    await p.getByLabel('Configuration name').fill('Shipping partner');
    await p.getByLabel('Signing key').selectOption(account.signingKeyID);
    await p.getByLabel('URL to send the data to').fill(`${files.receiver.url}/shipping/${account.id}`);
    await p.getByRole('checkbox', { name: 'ORDER_PAID' }).check();
    await p.getByRole('button', { name: 'Verify URL' }).click();
    await p.locator('.cfg-verification').getByText(/^The URL answered 200 in /).waitFor();
    await waitQuiet(p);
    await p.evaluate(() => window.scrollTo(0, 0));
    await screenshot(p, 'configuration-new', { fullPage: false });

    // A configuration's detail with its health chart.
    await p.locator('nav a[href="/console/configurations"]').click();
    await p.getByRole('link', { name: account.configurationName, exact: true }).click();
    await p.getByRole('heading', { level: 1, name: account.configurationName }).waitFor();
    await p.locator('.health-chart .recharts-surface').first().waitFor();
    await p.getByRole('table', { name: 'Recent deliveries' }).waitFor();
    await waitQuiet(p);
    await screenshot(p, 'configuration-detail');

    await p.locator('nav a[href="/console/deliveries"]').click();
    await deliveryRow(p, firstEventID).first().waitFor();
    await waitQuiet(p);
    await screenshot(p, 'deliveries', { fullPage: false });

    await p.goto(sessionURL(session, `deliveries/${failingDeliveryID}`, { theme: 'light' }));
    await p.getByRole('heading', { name: 'Attempt 1' }).waitFor();
    await waitQuiet(p);
    await screenshot(p, 'delivery-detail');

    for (const path of ['signing-keys', 'event-types', 'verifying']) {
      await p.locator(`nav a[href="/console/${path}"]`).click();
      await p.waitForURL(`**/console/${path}`);
      await p.getByRole('heading', { level: 1 }).waitFor();
      if (path === 'signing-keys') await p.getByRole('rowheader', { name: 'ERP integration' }).waitFor();
      if (path === 'event-types') await p.getByText('nutror.course_completed').first().waitFor();
      await waitQuiet(p);
      await screenshot(p, path, { fullPage: false });
    }

    await p.getByLabel('Language').selectOption('pt-BR');
    await p.locator('nav a[href="/console/configurations"]').click();
    await p.getByRole('heading', { level: 1, name: 'Configurações' }).waitFor();
    await p.getByRole('cell', { name: 'Legacy ERP', exact: true }).waitFor();
    await waitQuiet(p);
    await screenshot(p, 'configurations-pt-BR');
    await files.context!.close();

    const m = await files.open({ width: 375, height: 800 });
    await m.goto(sessionURL(await consoleSession(account), 'configurations', { theme: 'light' }));
    await m.getByRole('cell', { name: 'Legacy ERP', exact: true }).waitFor();
    await waitQuiet(m);
    await screenshot(m, 'configurations-375');
    await files.context!.close();

    const d = await files.open();
    await d.goto(sessionURL(await consoleSession(account), `configurations/${account.configurationID}`, { theme: 'dark' }));
    await d.locator('.health-chart .recharts-surface').first().waitFor();
    expect(await d.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await waitQuiet(d);
    await screenshot(d, 'configuration-detail-dark');
  });
});

// The GraphQL playground at / (GraphiQL, served by Ferry): a token typed in
// its Headers tab signs in the websocket, and a subscription streams the
// account's deliveries as they are published.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  browserPerFile,
  deliveryOf,
  ferryURL,
  newAccount,
  publish,
  watchSubscription,
} from './harness';

const files = browserPerFile();

// GraphiQL 4's editors are CodeMirror 5: each one's wrapper element holds its
// instance, whose setValue fires the change events GraphiQL listens to.
async function setEditor(p: Page, selector: string, text: string) {
  const editor = p.locator(selector);
  await editor.waitFor();
  await editor.evaluate((el, value) => {
    (el as HTMLElement & { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(value);
  }, text);
}

const responseText = (p: Page) =>
  p.locator('.graphiql-response .CodeMirror').evaluate((el) => (el as HTMLElement & { CodeMirror: { getValue(): string } }).CodeMirror.getValue());

describe('playground', () => {
  it('runs a subscription signed in with the Authorization typed in the Headers tab and shows a published delivery', async () => {
    const account = await newAccount(files.receiver, 'Playground');
    const p = await files.open();
    const subscribed = watchSubscription(p);
    await p.goto(`${ferryURL}/`);

    await p.getByRole('region', { name: 'Headers' }).waitFor();
    const headers = 'section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
    await p.locator('.graphiql-query-editor .CodeMirror').waitFor();
    // A person types the token here: the editor must have room on screen.
    const height = (await p.locator(headers).boundingBox())?.height ?? 0;
    expect(height, 'the Headers editor is on screen (the playground fills the window)').toBeGreaterThan(20);
    await setEditor(p, headers, JSON.stringify({ Authorization: `Bearer ${account.token}` }));
    await setEditor(p, '.graphiql-query-editor .CodeMirror', 'subscription Watch { deliveryUpdated { id status } }');
    // GraphiQL reads the operation's name 100 ms after an edit (debounced);
    // running before then would ask for the default query's operation.
    await p.getByRole('tab', { name: 'Watch' }).waitFor();
    await p.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
    await subscribed;
    // Running, it offers to stop: the server accepted the subscription.
    await p.getByRole('button', { name: 'Stop query (Ctrl-Enter)' }).waitFor();

    // The server may take a moment to register the subscription after the
    // client sent it: a few publishes, each given 3 s, prove it streams.
    let shown = '';
    for (let i = 0; i < 3 && !shown; i++) {
      const deliveryID = await deliveryOf(account, await publish(account, { try: String(i) }));
      try {
        await expect.poll(() => responseText(p), { timeout: 3_000, interval: 50 }).toContain(deliveryID);
        shown = deliveryID;
      } catch {
        // not registered yet: publish again
      }
    }
    expect(shown).toMatch(/^dlv_/);
    const result = JSON.parse(await responseText(p)) as { data: { deliveryUpdated: { id: string; status: string } } };
    expect(result.data.deliveryUpdated.id).toMatch(/^dlv_/);
    expect(['PENDING', 'SUCCEEDED']).toContain(result.data.deliveryUpdated.status);

  });

  it('shows the API refusing a subscription without a token', async () => {
    const p = await files.open();
    await p.goto(`${ferryURL}/`);
    await setEditor(p, '.graphiql-query-editor .CodeMirror', 'subscription Anonymous { deliveryUpdated { id status } }');
    await p.getByRole('tab', { name: 'Anonymous' }).waitFor();
    await p.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
    // The default headers carry a bare "Bearer ": the socket is closed 4401.
    await expect.poll(() => responseText(p), { timeout: 10_000, interval: 100 }).toMatch(/Socket closed with event 4401/);
  });
});

import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider, type Client } from 'urql';
import { MemoryRouter, Route, Routes, useParams } from 'react-router';
import { EditConfigurationPage, NewConfigurationPage } from './ConfigurationFormPage';
import { apiError, badUserInput, fakeClient } from '../test/fakeClient';
import { retryPresets } from './configurationForm';
import { i18n } from '../i18n';

const manager = ['READ', 'MANAGE_CONFIGURATIONS'];

const choices = {
  signingKeys: { edges: [{ node: { id: 'key_1', name: 'Production', hint: 'a1b2' } }] },
  eventTypes: {
    edges: [
      { node: { id: 'etp_1', name: 'order.paid', description: 'An order was paid.', application: null } },
      { node: { id: 'etp_2', name: 'order.refunded', description: 'An order was refunded.', application: null } },
      { node: { id: 'etp_3', name: 'nutror.lesson_started', description: '', application: 'nutror' } },
      { node: { id: 'etp_4', name: 'QUESTION_ANSWERED', description: 'A question was answered.', application: 'stift' } },
      { node: { id: 'etp_5', name: 'PING', description: '', application: null } },
    ],
  },
};

const verified = (ok = true) => ({
  verifyURL: ok
    ? { ok: true, statusCode: 204, durationMs: 45, error: null, responseBody: 'hello from the hook' }
    : { ok: false, statusCode: null, durationMs: 5000, error: 'connect: connection refused', responseBody: null },
});

const saved = (id: string) => ({ id, name: 'x', url: 'x', signingKeyID: 'key_1', eventTypes: [], maxParallel: 10, timeoutSeconds: 30, retrySchedule: [], headers: {}, status: 'INACTIVE' });

const existing = {
  __typename: 'Configuration',
  id: 'cfg_1',
  name: 'Orders',
  url: 'https://shop.example/hooks',
  signingKeyID: 'key_1',
  eventTypes: ['order.paid'],
  maxParallel: 5,
  timeoutSeconds: 20,
  retrySchedule: [1, 2, 4],
  headers: { Authorization: '••••c3t0', 'X-Tenant': '••••acme' },
  status: 'ACTIVE',
};

function Detail() {
  return <p>Detail of {useParams().id}</p>;
}

function renderAt(url: string, client: Client) {
  render(
    <Provider value={client}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/configurations/new" element={<NewConfigurationPage />} />
          <Route path="/configurations/:id/edit" element={<EditConfigurationPage />} />
          <Route path="/configurations/:id" element={<Detail />} />
        </Routes>
      </MemoryRouter>
    </Provider>,
  );
}

// Pasting types the whole value at once: each keystroke re-renders the form.
async function fill(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, text: string) {
  await user.click(input);
  await user.paste(text);
}

async function fillNew(user: ReturnType<typeof userEvent.setup>) {
  await fill(user, screen.getByLabelText('Configuration name'), 'Orders');
  await fill(user, screen.getByLabelText('URL to send the data to'), 'https://shop.example/hooks');
  await user.click(screen.getByRole('checkbox', { name: /order\.paid/ }));
}

// By text: role queries over the whole form are slow in jsdom.
const save = () => screen.getByText('Create configuration', { selector: 'button' });

// Forms in jsdom are slow on a busy machine: room beyond the 5 s default.
describe('ConfigurationFormPage', { timeout: 20000 }, () => {
  it('enables saving only once Verify URL succeeded for the URL typed, and again after it changes', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({ ConfigurationFormChoices: choices, VerifyURL: verified() }, manager);
    renderAt('/configurations/new', client);
    await fillNew(user);
    expect(save()).toBeDisabled();
    expect(save()).toHaveAccessibleDescription('Verify the URL to enable saving.');

    await user.click(screen.getByRole('button', { name: 'Verify URL' }));
    expect(mutations.map((m) => [m.name, m.variables])).toEqual([['VerifyURL', { url: 'https://shop.example/hooks' }]]);
    expect(screen.getByText('The URL answered 204 in 45 ms.')).toBeInTheDocument();
    expect(screen.getByText('hello from the hook')).toBeInTheDocument();
    expect(save()).toBeEnabled();

    await fill(user, screen.getByLabelText('URL to send the data to'), '/v2');
    expect(save()).toBeDisabled();
    expect(screen.queryByText('The URL answered 204 in 45 ms.')).not.toBeInTheDocument();
  });

  it('shows why a URL failed verification and keeps saving disabled', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({ ConfigurationFormChoices: choices, VerifyURL: verified(false) }, manager);
    renderAt('/configurations/new', client);
    await fillNew(user);
    await user.click(screen.getByRole('button', { name: 'Verify URL' }));
    expect(screen.getByText('The URL did not answer with a 2xx.')).toBeInTheDocument();
    expect(screen.getByText('connect: connection refused')).toBeInTheDocument();
    expect(screen.getByLabelText('URL to send the data to')).toHaveAttribute('aria-invalid', 'true');
    expect(save()).toBeDisabled();
  });

  it('creates with the defaults and no headers, then opens the configuration', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      ConfigurationFormChoices: choices,
      VerifyURL: verified(),
      CreateConfiguration: { createConfiguration: saved('cfg_9') },
    }, manager);
    renderAt('/configurations/new', client);
    await fillNew(user);
    await user.click(screen.getByRole('button', { name: 'Verify URL' }));
    await user.click(save());

    const create = mutations.find((m) => m.name === 'CreateConfiguration');
    expect(create?.variables).toEqual({
      input: {
        name: 'Orders',
        url: 'https://shop.example/hooks',
        // The only key is chosen for the user.
        signingKeyID: 'key_1',
        eventTypes: ['order.paid'],
        maxParallel: 10,
        timeoutSeconds: 30,
        retrySchedule: [...retryPresets.ferry],
      },
    });
    expect(await screen.findByText('Detail of cfg_9')).toBeInTheDocument();
  });

  it('shows a BAD_USER_INPUT error next to the field it names', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({
      ConfigurationFormChoices: choices,
      VerifyURL: verified(),
      CreateConfiguration: badUserInput('input.retrySchedule', 'retrySchedule: each delay must be 1-86400 seconds'),
    }, manager);
    renderAt('/configurations/new', client);
    await fillNew(user);
    await user.click(screen.getByRole('button', { name: 'Verify URL' }));
    await user.click(save());

    const retry = screen.getByLabelText('Delays between attempts, in seconds, comma-separated');
    expect(retry).toHaveAttribute('aria-invalid', 'true');
    expect(retry).toHaveAccessibleDescription(expect.stringContaining('retrySchedule: each delay must be 1-86400 seconds'));
    expect(screen.getByLabelText('URL to send the data to')).toHaveAttribute('aria-invalid', 'false');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows other errors in an alert', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({
      ConfigurationFormChoices: choices,
      VerifyURL: verified(),
      CreateConfiguration: apiError('QUOTA_EXCEEDED', 'at most 20 configurations'),
    }, manager);
    renderAt('/configurations/new', client);
    await fillNew(user);
    await user.click(screen.getByRole('button', { name: 'Verify URL' }));
    await user.click(save());
    expect(screen.getByRole('alert')).toHaveTextContent('Limit reached: at most 20 configurations');
  });

  it('checks the form before sending: a name, an event type, a readable schedule', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({ ConfigurationFormChoices: choices, VerifyURL: verified() }, manager);
    renderAt('/configurations/new', client);
    await fill(user, screen.getByLabelText('URL to send the data to'), 'https://shop.example/hooks');
    await user.click(screen.getByRole('button', { name: 'Verify URL' }));
    const retry = screen.getByLabelText('Delays between attempts, in seconds, comma-separated');
    await user.clear(retry);
    await fill(user, retry, '5, soon');
    await user.click(save());

    expect(mutations.map((m) => m.name)).toEqual(['VerifyURL']);
    expect(screen.getByLabelText('Configuration name')).toHaveAccessibleDescription(expect.stringContaining('Required.'));
    expect(screen.getByText('Choose at least one event type.')).toBeInTheDocument();
    expect(retry).toHaveAccessibleDescription(expect.stringContaining('Write whole numbers of seconds separated by commas.'));
  });

  it('fills the schedule from the presets and recognises a typed one', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({ ConfigurationFormChoices: choices }, manager);
    renderAt('/configurations/new', client);
    const retry = screen.getByLabelText('Delays between attempts, in seconds, comma-separated');
    expect(retry).toHaveValue('5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200, 86400');
    expect(screen.getByRole('radio', { name: /Ferry’s default/ })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: /1, 2 and 4 seconds/ }));
    expect(retry).toHaveValue('1, 2, 4');
    expect(screen.getByText(/3 retries, over about 7 s\./)).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: /every 30 seconds/ }));
    expect(retry).toHaveValue('1, 1, 1, 30, 30, 30');

    await user.clear(retry);
    await fill(user, retry, '10, 60');
    expect(screen.getByRole('radio', { name: 'Custom' })).toBeChecked();
    await user.clear(retry);
    await fill(user, retry, '1,2,4');
    expect(screen.getByRole('radio', { name: /1, 2 and 4 seconds/ })).toBeChecked();
  });

  it('groups the event types by prefix, else application, and selects a whole group', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({ ConfigurationFormChoices: choices }, manager);
    renderAt('/configurations/new', client);
    const fieldset = screen.getByRole('group', { name: 'Which events do you want to receive?' });
    const groups = within(fieldset).getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(groups).toEqual(['nutror', 'order', 'stift', 'Other']);
    const order = within(fieldset).getByRole('region', { name: 'order' });
    expect(within(order).getAllByRole('checkbox').map((c) => c.getAttribute('value'))).toEqual(['order.paid', 'order.refunded']);
    expect(within(within(fieldset).getByRole('region', { name: 'Other' })).getByRole('checkbox', { name: /PING/ })).toBeInTheDocument();

    await user.click(within(order).getByRole('button', { name: 'Select all in order' }));
    expect(within(order).getByRole('checkbox', { name: /order\.paid/ })).toBeChecked();
    expect(within(order).getByRole('checkbox', { name: /order\.refunded/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /QUESTION_ANSWERED/ })).not.toBeChecked();
    expect(within(fieldset).getByText('2 selected')).toBeInTheDocument();

    await user.click(within(order).getByRole('button', { name: 'Clear all in order' }));
    expect(within(order).getByRole('checkbox', { name: /order\.paid/ })).not.toBeChecked();
  });

  it('edits without verifying an unchanged URL and without sending the redacted headers', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      ConfigurationForEdit: { node: existing },
      ConfigurationFormChoices: choices,
      UpdateConfiguration: { updateConfiguration: saved('cfg_1') },
    }, manager);
    renderAt('/configurations/cfg_1/edit', client);
    expect(screen.getByRole('heading', { name: 'Edit Orders' })).toBeInTheDocument();
    expect(screen.getByLabelText('Delays between attempts, in seconds, comma-separated')).toHaveValue('1, 2, 4');
    const values = screen.getAllByLabelText('Value');
    expect(values.map((v) => v.getAttribute('placeholder'))).toEqual(['unchanged (••••c3t0)', 'unchanged (••••acme)']);
    expect(values.map((v) => (v as HTMLInputElement).value)).toEqual(['', '']);

    await user.clear(screen.getByLabelText('Configuration name'));
    await fill(user, screen.getByLabelText('Configuration name'), 'Orders v2');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    const update = mutations.find((m) => m.name === 'UpdateConfiguration');
    expect(update?.variables).toEqual({
      id: 'cfg_1',
      input: {
        name: 'Orders v2',
        signingKeyID: 'key_1',
        eventTypes: ['order.paid'],
        maxParallel: 5,
        timeoutSeconds: 20,
        retrySchedule: [1, 2, 4],
      },
    });
    expect(await screen.findByText('Detail of cfg_1')).toBeInTheDocument();
  });

  it('sends the whole header map when one changed, the untouched ones in their redacted form', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      ConfigurationForEdit: { node: existing },
      ConfigurationFormChoices: choices,
      UpdateConfiguration: { updateConfiguration: saved('cfg_1') },
    }, manager);
    renderAt('/configurations/cfg_1/edit', client);
    await fill(user, screen.getAllByLabelText('Value')[1], 'globex');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await fill(user, screen.getAllByLabelText('Header name')[2], 'X-Source');
    await fill(user, screen.getAllByLabelText('Value')[2], 'ferry');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    const update = mutations.find((m) => m.name === 'UpdateConfiguration');
    expect((update?.variables.input as { headers: unknown }).headers).toEqual({
      Authorization: '••••c3t0',
      'X-Tenant': 'globex',
      'X-Source': 'ferry',
    });
  });

  it('sends an empty map when every header was removed, and asks a renamed header for its value', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      ConfigurationForEdit: { node: existing },
      ConfigurationFormChoices: choices,
      UpdateConfiguration: { updateConfiguration: saved('cfg_1') },
    }, manager);
    renderAt('/configurations/cfg_1/edit', client);
    const name = screen.getAllByLabelText('Header name')[0];
    await user.clear(name);
    await fill(user, name, 'Proxy-Authorization');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(mutations.filter((m) => m.name === 'UpdateConfiguration')).toEqual([]);
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription('Type the value again: a renamed header does not keep its value.');

    await user.click(screen.getByRole('button', { name: 'Remove header Proxy-Authorization' }));
    await user.click(screen.getByRole('button', { name: 'Remove header X-Tenant' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const update = mutations.find((m) => m.name === 'UpdateConfiguration');
    expect((update?.variables.input as { headers: unknown }).headers).toEqual({});
  });

  it('verifies a changed URL on edit before saving it', async () => {
    const user = userEvent.setup();
    const { client, mutations } = fakeClient({
      ConfigurationForEdit: { node: existing },
      ConfigurationFormChoices: choices,
      VerifyURL: verified(),
      UpdateConfiguration: { updateConfiguration: saved('cfg_1') },
    }, manager);
    renderAt('/configurations/cfg_1/edit', client);
    const url = screen.getByLabelText('URL to send the data to');
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeEnabled();
    await user.clear(url);
    await fill(user, url, 'https://shop.example/v2');
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Verify URL' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect((mutations.find((m) => m.name === 'UpdateConfiguration')?.variables.input as { url: string }).url).toBe(
      'https://shop.example/v2',
    );
  });

  it('tells a read-only session it may not create configurations', () => {
    const { client } = fakeClient({ ConfigurationFormChoices: choices }, ['READ']);
    renderAt('/configurations/new', client);
    expect(screen.getByRole('alert')).toHaveTextContent('This session may not do that.');
    expect(screen.queryByRole('button', { name: 'Create configuration' })).not.toBeInTheDocument();
  });

  it('speaks Brazilian Portuguese', async () => {
    await i18n.changeLanguage('pt-BR');
    const { client } = fakeClient({ ConfigurationFormChoices: choices }, manager);
    renderAt('/configurations/new', client);
    expect(screen.getByRole('heading', { name: 'Nova configuração' })).toBeInTheDocument();
    expect(screen.getByLabelText('Nome da configuração')).toBeInTheDocument();
    expect(screen.getByLabelText('Chave de acesso')).toBeInTheDocument();
    expect(screen.getByLabelText('URL para envio dos dados')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Verificar URL' })).toBeInTheDocument();
    expect(screen.getByLabelText('Máximo de eventos enviados em paralelo para a URL')).toHaveAccessibleDescription(
      expect.stringContaining('você receberá todos os eventos'),
    );
    expect(screen.getByRole('group', { name: 'Quais eventos você deseja receber?' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Criar configuração' })).toBeDisabled();
  });
});

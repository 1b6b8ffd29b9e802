import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { SendTestEventMutation, TestEventTypesQuery } from './detail.operations';
import type { TestEventTypesQuery as TestEventTypesResult } from '../gql/graphql';
import { Dialog } from '../ui/Dialog';
import { errorMessage, fieldErrors } from '../ui/errors';
import { formatDuration } from '../ui/format';
import { AttemptExchange } from '../deliveries/AttemptExchange';
import './detail.css';

type EventTypeChoice = NonNullable<NonNullable<NonNullable<TestEventTypesResult['eventTypes']['edges']>[number]>['node']>;

// The JSON the textarea starts with for a type: its sample from the catalog.
function sampleText(type: EventTypeChoice | undefined): string {
  return JSON.stringify(type?.sample ?? {}, null, 2);
}

// The event data must be a JSON object; anything else is refused here,
// before a request is made, with the reason next to the field.
export function parseEventData(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: 'syntax' | 'notObject'; message?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'syntax', message: (e as Error).message };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'notObject' };
  return { ok: true, value: value as Record<string, unknown> };
}

export function TestEventDialog({
  configurationID,
  open,
  onClose,
  defaultEventType,
}: {
  configurationID: string;
  open: boolean;
  onClose: () => void;
  defaultEventType?: string;
}) {
  const { t } = useTranslation('configurationDetail');
  return (
    <Dialog open={open} title={t('test.title')} onClose={onClose} wide>
      {open && <TestEventForm configurationID={configurationID} defaultEventType={defaultEventType} />}
    </Dialog>
  );
}

function TestEventForm({ configurationID, defaultEventType }: { configurationID: string; defaultEventType?: string }) {
  const { t } = useTranslation('configurationDetail');
  const typeId = useId();
  const dataId = useId();
  const dataErrorId = useId();
  const dataHintId = useId();
  const [{ data: typesData, fetching: loadingTypes }] = useQuery({ query: TestEventTypesQuery });
  const types = typesData?.eventTypes.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];
  const [eventType, setEventType] = useState('');
  const [text, setText] = useState('{}');
  const [localError, setLocalError] = useState<string | null>(null);
  const [{ data: result, fetching: sending, error }, send] = useMutation(SendTestEventMutation);

  // Once the catalog arrives, start with the configuration's first type and its sample.
  useEffect(() => {
    if (eventType || types.length === 0) return;
    const first = types.find((ty) => ty.name === defaultEventType) ?? types[0];
    setEventType(first.name);
    setText(sampleText(first));
  }, [types, eventType, defaultEventType]);

  const serverErrors = fieldErrors(error);
  const dataError = localError ?? serverErrors.data ?? null;
  const typeError = serverErrors.eventType ?? null;
  const otherError = error && !serverErrors.data && !serverErrors.eventType ? errorMessage(t, error) : null;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = parseEventData(text);
    if (!parsed.ok) {
      setLocalError(parsed.reason === 'syntax' ? t('test.invalidJSON', { message: parsed.message }) : t('test.notObject'));
      return;
    }
    setLocalError(null);
    await send({ input: { configurationID, eventType, data: parsed.value } });
  }

  const attempt = result?.sendTestEvent;
  const accepted = attempt && attempt.responseStatus != null && attempt.responseStatus >= 200 && attempt.responseStatus < 300 && !attempt.error;

  return (
    <>
      <form onSubmit={submit} noValidate className="test-event-form">
        <div className="field">
          <label htmlFor={typeId}>{t('test.eventType')}</label>
          <select
            id={typeId}
            value={eventType}
            aria-invalid={typeError ? true : undefined}
            onChange={(e) => {
              setEventType(e.target.value);
              setText(sampleText(types.find((ty) => ty.name === e.target.value)));
              setLocalError(null);
            }}
          >
            {types.map((ty) => (
              <option key={ty.id} value={ty.name}>
                {ty.application ? `${ty.name} (${ty.application})` : ty.name}
              </option>
            ))}
          </select>
          {typeError && <p className="field-error">{typeError}</p>}
          {!loadingTypes && typesData && types.length === 0 && <p className="field-error">{t('test.noEventTypes')}</p>}
        </div>
        <div className="field">
          <label htmlFor={dataId}>{t('test.data')}</label>
          <textarea
            id={dataId}
            className="mono"
            rows={10}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={dataError ? true : undefined}
            aria-describedby={dataError ? `${dataErrorId} ${dataHintId}` : dataHintId}
          />
          <p className="hint" id={dataHintId}>
            {t('test.dataHint')}
          </p>
          {dataError && (
            <p className="field-error" id={dataErrorId} role="alert">
              {dataError}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" disabled={sending || !eventType}>
            {sending ? t('test.sending') : t('test.send')}
          </button>
        </div>
        {otherError && (
          <p role="alert" className="notice error">
            {otherError}
          </p>
        )}
      </form>
      {attempt && (
        <section aria-labelledby="test-result-title" className="test-result">
          <h3 id="test-result-title">{t('test.result')}</h3>
          <p role="status" className={accepted ? 'notice' : 'notice error'}>
            {accepted
              ? t('test.succeeded', { status: attempt.responseStatus, duration: formatDuration(attempt.durationMs) })
              : t('test.failed')}
          </p>
          <AttemptExchange attempt={attempt} open />
        </section>
      )}
    </>
  );
}

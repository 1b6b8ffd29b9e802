import { useEffect, useId, useMemo, useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Controller, useFieldArray, useForm } from 'react-hook-form';
import {
  ConfigurationForEditQuery,
  ConfigurationFormChoicesQuery,
  CreateConfigurationMutation,
  UpdateConfigurationMutation,
  VerifyURLMutation,
} from './operations';
import {
  baseField,
  formatSchedule,
  groupEventTypes,
  headerRowProblem,
  headerRowsFrom,
  headersChanged,
  headersToSend,
  parseSchedule,
  presetOf,
  retryPresets,
  roughDuration,
  type EventTypeChoice,
  type HeaderRow,
  type RetryPreset,
} from './configurationForm';
import { excerpt } from './ConfigurationActions';
import { useCapabilities } from '../app/capabilities';
import { errorMessage, fieldErrors } from '../ui/errors';
import { formatDuration } from '../ui/format';
import type { ConfigurationForEditQuery as EditData, VerifyUrlMutation } from '../gql/graphql';
import './configurations.css';

type Existing = Extract<NonNullable<EditData['node']>, { url: string }>;

function isConfiguration(node: EditData['node'] | undefined): node is Existing {
  return !!node && 'url' in node && typeof node.url === 'string';
}

type FormValues = {
  name: string;
  signingKeyID: string;
  url: string;
  maxParallel: number;
  timeoutSeconds: number;
  eventTypes: string[];
  retrySchedule: string;
  headers: HeaderRow[];
};

// The fields a BAD_USER_INPUT error can point at; others go in the alert.
const formFields = ['name', 'signingKeyID', 'url', 'maxParallel', 'timeoutSeconds', 'eventTypes', 'retrySchedule', 'headers'] as const;
type FormField = (typeof formFields)[number];

export function NewConfigurationPage() {
  return <ConfigurationFormScreen />;
}

export function EditConfigurationPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('configurations');
  const [{ data, fetching, error }] = useQuery({ query: ConfigurationForEditQuery, variables: { id } });
  const node = data?.node;
  const existing = isConfiguration(node) ? node : null;

  if (fetching && !data) return <p className="muted">{t('common:loading')}</p>;
  if (error && !data) return <p role="alert">{t('form.loadFailed', { message: errorMessage(t, error) })}</p>;
  if (!existing) return <p role="alert">{t('form.notFound')}</p>;
  // A new key per configuration: the form's defaults are read once.
  return <ConfigurationFormScreen key={existing.id} existing={existing} />;
}

function ConfigurationFormScreen({ existing }: { existing?: Existing }) {
  const { t } = useTranslation('configurations');
  const { can, loaded } = useCapabilities();
  const [{ data: choices, error: choicesError }] = useQuery({ query: ConfigurationFormChoicesQuery });
  const title = existing ? t('form.editTitle', { name: existing.name }) : t('form.newTitle');

  return (
    <section aria-labelledby="cfg-form-title" className="cfg-form">
      <p>
        <Link to={existing ? `/configurations/${existing.id}` : '/configurations'}>← {existing?.name ?? t('title')}</Link>
      </p>
      <h1 id="cfg-form-title">{title}</h1>
      {loaded && !can('MANAGE_CONFIGURATIONS') ? (
        <p role="alert">{t('common:errors.forbidden')}</p>
      ) : (
        <>
          {choicesError && !choices && <p role="alert">{errorMessage(t, choicesError)}</p>}
          <ConfigurationForm
            existing={existing}
            keys={choices?.signingKeys.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? []}
            eventTypes={choices?.eventTypes.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? []}
            choicesLoaded={!!choices}
          />
        </>
      )}
    </section>
  );
}

type Verification = { url: string; result?: VerifyUrlMutation['verifyURL']; error?: CombinedError };

function ConfigurationForm({
  existing,
  keys,
  eventTypes,
  choicesLoaded,
}: {
  existing?: Existing;
  keys: { id: string; name: string; hint: string }[];
  eventTypes: EventTypeChoice[];
  choicesLoaded: boolean;
}) {
  const { t } = useTranslation('configurations');
  const navigate = useNavigate();
  const ids = useId();
  const initialHeaders = useMemo(() => headerRowsFrom(existing?.headers), [existing]);
  const {
    register,
    control,
    handleSubmit,
    watch,
    setValue,
    setFocus,
    getValues,
    formState: { errors, isSubmitting },
  } = useForm<FormValues>({
    defaultValues: {
      name: existing?.name ?? '',
      signingKeyID: existing?.signingKeyID ?? (keys.length === 1 ? keys[0].id : ''),
      url: existing?.url ?? '',
      maxParallel: existing?.maxParallel ?? 10,
      timeoutSeconds: existing?.timeoutSeconds ?? 30,
      eventTypes: existing?.eventTypes ?? [],
      retrySchedule: formatSchedule(existing?.retrySchedule ?? retryPresets.ferry),
      headers: initialHeaders,
    },
  });
  const headerRows = useFieldArray({ control, name: 'headers' });
  const [serverErrors, setServerErrors] = useState<Partial<Record<FormField, string>>>({});
  const [otherError, setOtherError] = useState<string | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifying, verifyURL] = useMutation(VerifyURLMutation);
  const [, create] = useMutation(CreateConfigurationMutation);
  const [, update] = useMutation(UpdateConfigurationMutation);

  // The signing-key choices may arrive after the form: a lone key is the obvious pick.
  const loneKey = !existing && keys.length === 1 ? keys[0].id : null;
  useEffect(() => {
    if (loneKey && !getValues('signingKeyID')) setValue('signingKeyID', loneKey);
  }, [loneKey, getValues, setValue]);

  const url = watch('url').trim();
  const current = verification?.url === url ? verification : null;
  // An unchanged URL was verified when it was saved; a new one must answer 2xx first.
  const urlReady = (!!existing && url === existing.url) || !!current?.result?.ok;
  const schedule = watch('retrySchedule');
  const preset = presetOf(schedule);
  const headers = watch('headers');

  const id = (f: string) => `${ids}-${f}`;
  const errorOf = (f: FormField): string | undefined => (errors[f]?.message as string | undefined) || serverErrors[f];
  // aria-describedby: the hint, then the error when there is one.
  const described = (f: FormField, ...more: string[]) =>
    [id(`${f}-hint`), errorOf(f) ? id(`${f}-error`) : '', ...more].filter(Boolean).join(' ');
  const errorText = (f: FormField) =>
    errorOf(f) ? (
      <p className="field-error" id={id(`${f}-error`)}>
        {errorOf(f)}
      </p>
    ) : null;

  async function verify() {
    const target = url;
    setVerification({ url: target });
    const res = await verifyURL({ url: target });
    setVerification({ url: target, result: res.data?.verifyURL, error: res.error });
  }

  async function onSubmit(values: FormValues) {
    setServerErrors({});
    setOtherError(null);
    const parsed = parseSchedule(values.retrySchedule);
    if (!parsed.ok) return;
    const common = {
      name: values.name.trim(),
      signingKeyID: values.signingKeyID,
      eventTypes: values.eventTypes,
      maxParallel: values.maxParallel,
      timeoutSeconds: values.timeoutSeconds,
      retrySchedule: parsed.delays,
    };
    let savedID: string | undefined;
    let error: CombinedError | undefined;
    if (existing) {
      // Headers are sent only when changed: the API replaces the whole map.
      const res = await update({
        id: existing.id,
        input: {
          ...common,
          ...(values.url.trim() !== existing.url ? { url: values.url.trim() } : {}),
          ...(headersChanged(values.headers, initialHeaders) ? { headers: headersToSend(values.headers) } : {}),
        },
      });
      savedID = res.data?.updateConfiguration.id;
      error = res.error;
    } else {
      const sent = headersToSend(values.headers);
      const res = await create(
        { input: { ...common, url: values.url.trim(), ...(Object.keys(sent).length ? { headers: sent } : {}) } },
        { additionalTypenames: ['Configuration'] },
      );
      savedID = res.data?.createConfiguration.id;
      error = res.error;
    }
    if (savedID) {
      navigate(`/configurations/${savedID}`);
      return;
    }
    if (!error) return;
    const byField: Partial<Record<FormField, string>> = {};
    for (const [field, message] of Object.entries(fieldErrors(error))) {
      const f = baseField(field) as FormField;
      if (formFields.includes(f)) byField[f] = byField[f] ? `${byField[f]} ${message}` : message;
    }
    if (Object.keys(byField).length > 0) setServerErrors(byField);
    else setOtherError(errorMessage(t, error));
  }

  const grouped = groupEventTypes(eventTypes);
  const known = new Set(eventTypes.map((e) => e.name));
  const range = (min: number, max: number) => ({
    valueAsNumber: true as const,
    validate: (v: number) => (Number.isInteger(v) && v >= min && v <= max) || t('form.range', { min, max }),
  });

  return (
    <form onSubmit={handleSubmit(onSubmit)} noValidate>
      {otherError && (
        <p role="alert" className="notice error">
          {otherError}
        </p>
      )}

      <div className="field">
        <label htmlFor={id('name')}>{t('form.name.label')}</label>
        <p className="hint" id={id('name-hint')}>
          {t('form.name.hint')}
        </p>
        <input
          id={id('name')}
          autoComplete="off"
          aria-invalid={!!errorOf('name')}
          aria-describedby={described('name')}
          {...register('name', {
            validate: (v) => (v.trim() === '' ? t('form.required') : v.trim().length > 200 ? t('form.tooLong', { max: 200 }) : true),
          })}
        />
        {errorText('name')}
      </div>

      <div className="field">
        <label htmlFor={id('signingKeyID')}>{t('form.signingKey.label')}</label>
        <p className="hint" id={id('signingKeyID-hint')}>
          {choicesLoaded && keys.length === 0 ? t('form.signingKey.none') : t('form.signingKey.hint')}
        </p>
        <select
          id={id('signingKeyID')}
          aria-invalid={!!errorOf('signingKeyID')}
          aria-describedby={described('signingKeyID')}
          {...register('signingKeyID', { required: t('form.required') })}
        >
          <option value="">{t('form.signingKey.choose')}</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {t('form.signingKey.option', { name: k.name, hint: k.hint })}
            </option>
          ))}
          {existing && !keys.some((k) => k.id === existing.signingKeyID) && choicesLoaded && (
            <option value={existing.signingKeyID}>{existing.signingKeyID}</option>
          )}
        </select>
        {errorText('signingKeyID')}
      </div>

      <div className="field">
        <label htmlFor={id('url')}>{t('form.url.label')}</label>
        <p className="hint" id={id('url-hint')}>
          {t('form.url.hint')}
        </p>
        <div className="cfg-url-row">
          <input
            id={id('url')}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://"
            aria-invalid={!!errorOf('url') || (current?.result ? !current.result.ok : false)}
            aria-describedby={described('url', current ? id('url-verification') : '')}
            {...register('url', { validate: (v) => v.trim() !== '' || t('form.required') })}
          />
          <button type="button" className="secondary" disabled={!url || verifying.fetching} onClick={verify}>
            {verifying.fetching && verification?.url === url ? t('form.url.verifying') : t('form.url.verify')}
          </button>
        </div>
        <div id={id('url-verification')} className="cfg-verification" aria-live="polite">
          {current && <VerificationResult verification={current} />}
        </div>
        {errorText('url')}
      </div>

      <div className="field">
        <label htmlFor={id('maxParallel')}>{t('form.maxParallel.label')}</label>
        <p className="hint" id={id('maxParallel-hint')}>
          {t('form.maxParallel.hint')}
        </p>
        <input
          id={id('maxParallel')}
          className="cfg-number"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          aria-invalid={!!errorOf('maxParallel')}
          aria-describedby={described('maxParallel')}
          {...register('maxParallel', range(1, 100))}
        />
        {errorText('maxParallel')}
      </div>

      <Controller
        control={control}
        name="eventTypes"
        rules={{ validate: (v) => v.length > 0 || t('form.eventTypes.required') }}
        render={({ field }) => (
          <fieldset className="field" aria-describedby={described('eventTypes')}>
            <legend>{t('form.eventTypes.legend')}</legend>
            <p className="hint" id={id('eventTypes-hint')}>
              {choicesLoaded && eventTypes.length === 0
                ? t('form.eventTypes.none')
                : t('form.eventTypes.selected', { count: field.value.length })}
            </p>
            <div className="cfg-groups">
              {grouped.map(({ group, types }) => {
                const label = group || t('form.eventTypes.other');
                const names = types.map((e) => e.name);
                const all = names.every((n) => field.value.includes(n));
                return (
                  <section key={group} className="cfg-group" aria-labelledby={id(`group-${group}`)}>
                    <div className="cfg-group-header">
                      <h3 id={id(`group-${group}`)}>{label}</h3>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() =>
                          field.onChange(
                            all ? field.value.filter((n) => !names.includes(n)) : [...new Set([...field.value, ...names])],
                          )
                        }
                      >
                        {t(all ? 'form.eventTypes.clearAll' : 'form.eventTypes.selectAll', { group: label })}
                      </button>
                    </div>
                    {types.map((e) => (
                      <label key={e.name} className="cfg-check">
                        <input
                          type="checkbox"
                          name={field.name}
                          value={e.name}
                          checked={field.value.includes(e.name)}
                          onBlur={field.onBlur}
                          onChange={(ev) =>
                            field.onChange(ev.target.checked ? [...field.value, e.name] : field.value.filter((n) => n !== e.name))
                          }
                        />
                        <span>
                          <span className="mono">{e.name}</span>
                          {e.description && <small>{e.description}</small>}
                        </span>
                      </label>
                    ))}
                  </section>
                );
              })}
            </div>
            {choicesLoaded && field.value.some((n) => !known.has(n)) && (
              <p className="notice warning">
                {t('form.eventTypes.unknown', { names: field.value.filter((n) => !known.has(n)).join(', ') })}
              </p>
            )}
            {errorText('eventTypes')}
          </fieldset>
        )}
      />

      <fieldset className="field">
        <legend>{t('form.retry.legend')}</legend>
        <div className="cfg-presets" role="radiogroup" aria-label={t('form.retry.legend')}>
          {(['ferry', 'stift', 'stigg', 'custom'] as const).map((p) => (
            <label key={p} className="cfg-check">
              <input
                type="radio"
                name={id('preset')}
                value={p}
                checked={preset === p}
                onChange={() => {
                  if (p === 'custom') setFocus('retrySchedule');
                  else setValue('retrySchedule', formatSchedule(retryPresets[p as RetryPreset]), { shouldValidate: true, shouldDirty: true });
                }}
              />
              <span>{t(`form.retry.presets.${p}`)}</span>
            </label>
          ))}
        </div>
        <label htmlFor={id('retrySchedule')}>{t('form.retry.delays')}</label>
        <p className="hint" id={id('retrySchedule-hint')}>
          {t('form.retry.hint')} <ScheduleSummary text={schedule} />
        </p>
        <input
          id={id('retrySchedule')}
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={!!errorOf('retrySchedule')}
          aria-describedby={described('retrySchedule')}
          {...register('retrySchedule', {
            validate: (v) => {
              const p = parseSchedule(v);
              return p.ok || t(`form.retry.${p.problem}`);
            },
          })}
        />
        {errorText('retrySchedule')}
      </fieldset>

      <div className="field">
        <label htmlFor={id('timeoutSeconds')}>{t('form.timeout.label')}</label>
        <p className="hint" id={id('timeoutSeconds-hint')}>
          {t('form.timeout.hint')}
        </p>
        <input
          id={id('timeoutSeconds')}
          className="cfg-number"
          type="number"
          inputMode="numeric"
          min={1}
          max={60}
          aria-invalid={!!errorOf('timeoutSeconds')}
          aria-describedby={described('timeoutSeconds')}
          {...register('timeoutSeconds', range(1, 60))}
        />
        {errorText('timeoutSeconds')}
      </div>

      <fieldset className="field" aria-describedby={described('headers')}>
        <legend>{t('form.headers.legend')}</legend>
        <p className="hint" id={id('headers-hint')}>
          {t('form.headers.hint')} {initialHeaders.length > 0 && t('form.headers.unchangedHint')}
        </p>
        {headerRows.fields.map((row, i) => {
          const rowError = errors.headers?.[i]?.name?.message;
          const rowErrorID = id(`header-${i}-error`);
          return (
            <div key={row.id} className="cfg-header-row">
              <label>
                {t('form.headers.name')}
                <input
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={!!rowError}
                  aria-describedby={rowError ? rowErrorID : undefined}
                  {...register(`headers.${i}.name`, {
                    validate: (_v, all) => {
                      const p = headerRowProblem(all.headers[i]);
                      return p ? t(`form.headers.${p}`) : true;
                    },
                  })}
                />
              </label>
              <label>
                {t('form.headers.value')}
                <input
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={row.redacted ? t('form.headers.unchanged', { hint: row.redacted }) : undefined}
                  aria-invalid={!!rowError}
                  aria-describedby={rowError ? rowErrorID : undefined}
                  {...register(`headers.${i}.value`)}
                />
              </label>
              <button type="button" className="secondary" onClick={() => headerRows.remove(i)}>
                {t('form.headers.remove', { name: headers[i]?.name || i + 1 })}
              </button>
              {rowError && (
                <p className="field-error" id={rowErrorID}>
                  {rowError}
                </p>
              )}
            </div>
          );
        })}
        <div>
          <button type="button" className="secondary" onClick={() => headerRows.append({ name: '', value: '' })}>
            {t('form.headers.add')}
          </button>
        </div>
        {errorText('headers')}
      </fieldset>

      <div className="actions cfg-form-actions">
        <button type="submit" disabled={!urlReady || isSubmitting} aria-describedby={urlReady ? undefined : id('save-hint')}>
          {isSubmitting ? t('form.saving') : existing ? t('form.save') : t('form.create')}
        </button>
        <Link className="button secondary" to={existing ? `/configurations/${existing.id}` : '/configurations'}>
          {t('common:cancel')}
        </Link>
        {!urlReady && (
          <span className="muted" id={id('save-hint')}>
            {t('form.url.needsVerification')}
          </span>
        )}
      </div>
    </form>
  );
}

function VerificationResult({ verification }: { verification: Verification }) {
  const { t } = useTranslation('configurations');
  const { result, error } = verification;
  if (error) return <p role="alert">{t('form.url.failedCall', { message: errorMessage(t, error) })}</p>;
  if (!result) return <p className="muted">{t('form.url.verifying')}</p>;
  return (
    <div className={result.ok ? 'notice' : 'notice error'}>
      <p>
        {result.ok
          ? t('form.url.ok', { status: result.statusCode, duration: formatDuration(result.durationMs) })
          : t('form.url.notOk')}
      </p>
      <dl className="cfg-answer">
        <dt>{t('form.url.status')}</dt>
        <dd>{result.statusCode ?? t('activation.noResponse')}</dd>
        <dt>{t('form.url.time')}</dt>
        <dd>{formatDuration(result.durationMs)}</dd>
        {result.error && (
          <>
            <dt>{t('form.url.error')}</dt>
            <dd>{result.error}</dd>
          </>
        )}
        {result.responseBody && (
          <>
            <dt>{t('form.url.response')}</dt>
            <dd>
              <pre className="code cfg-excerpt">{excerpt(result.responseBody, 1000)}</pre>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

function ScheduleSummary({ text }: { text: string }) {
  const { t } = useTranslation('configurations');
  const parsed = parseSchedule(text);
  if (!parsed.ok) return null;
  if (parsed.delays.length === 0) return <>{t('form.retry.noRetries')}</>;
  const d = roughDuration(parsed.delays.reduce((a, b) => a + b, 0));
  return (
    <>{t('form.retry.summary', { count: parsed.delays.length, duration: t(`units.${d.unit}`, { value: d.value.toLocaleString() }) })}</>
  );
}

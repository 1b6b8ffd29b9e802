import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { useTranslation } from 'react-i18next';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useCapabilities } from '../app/capabilities';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { ConfirmActions } from '../ui/ConfirmDialog';
import { errorCode, errorMessage, fieldErrors } from '../ui/errors';
import { formatDateTime } from '../ui/format';
import type { SigningKeyFieldsFragment as KeyRow } from '../gql/graphql';
import {
  CreateSigningKeyMutation,
  RevokeSigningKeyMutation,
  RotateSigningKeyMutation,
  SigningKeyUsageQuery,
  SigningKeysQuery,
  keysPageSize,
} from './operations';
import { keyState } from './keyStatus';
import './keys.css';

type UsedBy = Record<string, { id: string; name: string }[]>;

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, KeyRow>();

// A secret the server returned once; it lives only while its dialog is open.
type Revealed = { kind: 'created' | 'rotated'; key: KeyRow; secret: string };

export function SigningKeysPage() {
  const { t } = useTranslation('keys');
  const { can } = useCapabilities();
  const canManage = can('MANAGE_KEYS');
  const [{ data, fetching, error }, refetch] = useQuery({ query: SigningKeysQuery, variables: { first: keysPageSize } });
  const [usage] = useQuery({ query: SigningKeyUsageQuery, variables: { first: 500 } });

  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<KeyRow | null>(null);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);

  const rows = useMemo(() => data?.signingKeys.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [], [data]);
  const usedBy = useMemo(() => {
    const out: UsedBy = {};
    for (const e of usage.data?.configurations.edges ?? []) {
      const c = e?.node;
      if (c) (out[c.signingKeyID] ??= []).push({ id: c.id, name: c.name });
    }
    return out;
  }, [usage.data]);
  const usageKnown = !!usage.data;
  // A key no configuration uses has no entry; undefined means not known yet.
  const usersOf = (k: KeyRow | null) => (k && usageKnown ? (usedBy[k.id] ?? []) : undefined);

  const reload = () => refetch({ requestPolicy: 'network-only' });

  return (
    <section aria-labelledby="keys-title" className="keys-page">
      <div className="page-header">
        <h1 id="keys-title">{t('title')}</h1>
        {canManage && (
          <button type="button" onClick={() => setCreating(true)}>
            {t('create.open')}
          </button>
        )}
      </div>
      <p className="muted">{t('intro')}</p>
      {fetching && !data && <p className="muted">{t('common:loading')}</p>}
      {error && !data && <p role="alert">{t('loadFailed', { message: errorMessage(t, error) })}</p>}
      {data && rows.length === 0 && <p className="empty">{t('empty')}</p>}
      {rows.length > 0 && (
        <KeyTable
          rows={rows}
          usedBy={usageKnown ? usedBy : null}
          canManage={canManage}
          onRotate={setRotating}
          onRevoke={setRevoking}
        />
      )}
      {data && data.signingKeys.totalCount > rows.length && (
        <p className="muted">{t('showingFirst', { shown: rows.length, total: data.signingKeys.totalCount })}</p>
      )}

      {canManage && (
        <>
          <CreateKeyDialog
            open={creating && !revealed}
            onClose={() => setCreating(false)}
            onCreated={(key, secret) => {
              setCreating(false);
              setRevealed({ kind: 'created', key, secret });
              reload();
            }}
          />
          <KeyDialog keyRow={rotating} title={(k) => t('rotate.title', { name: k.name })} onClose={() => setRotating(null)}>
            {(k) => (
              <RotateKeyBody
                keyRow={k}
                usedBy={usersOf(k)}
                onClose={() => setRotating(null)}
                onRotated={(key, secret) => {
                  setRotating(null);
                  setRevealed({ kind: 'rotated', key, secret });
                  reload();
                }}
              />
            )}
          </KeyDialog>
          <KeyDialog keyRow={revoking} title={(k) => t('revoke.title', { name: k.name })} onClose={() => setRevoking(null)}>
            {(k) => (
              <RevokeKeyBody
                keyRow={k}
                usedBy={usersOf(k)}
                onClose={() => setRevoking(null)}
                onRevoked={() => {
                  setRevoking(null);
                  reload();
                }}
              />
            )}
          </KeyDialog>
          {/* Closing drops the secret from state: it cannot be shown again. */}
          <SecretDialog revealed={revealed} onClose={() => setRevealed(null)} />
        </>
      )}
    </section>
  );
}

function KeyTable({
  rows,
  usedBy,
  canManage,
  onRotate,
  onRevoke,
}: {
  rows: KeyRow[];
  usedBy: UsedBy | null;
  canManage: boolean;
  onRotate: (k: KeyRow) => void;
  onRevoke: (k: KeyRow) => void;
}) {
  const { t, i18n } = useTranslation('keys');
  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('name', { header: () => t('column.name') }),
        helper.accessor('hint', {
          header: () => t('column.hint'),
          cell: (c) => (
            <span className="mono" aria-label={t('hintLabel', { hint: c.getValue() })}>
              …{c.getValue()}
            </span>
          ),
        }),
        helper.accessor('createdAt', { header: () => t('column.created'), cell: (c) => formatDateTime(c.getValue()) }),
        helper.display({ id: 'status', header: () => t('column.status'), cell: (c) => <KeyStatus keyRow={c.row.original} /> }),
        helper.display({
          id: 'usedBy',
          header: () => t('column.usedBy'),
          cell: (c) => {
            if (!usedBy) return <span className="muted">—</span>;
            const list = usedBy[c.row.original.id] ?? [];
            if (list.length === 0) return <span className="muted">{t('usedByNone')}</span>;
            return (
              <ul className="keys-used-by">
                {list.map((cfg) => (
                  <li key={cfg.id}>{cfg.name}</li>
                ))}
              </ul>
            );
          },
        }),
        ...(canManage
          ? [
              helper.display({
                id: 'actions',
                header: () => t('column.actions'),
                cell: (c) => {
                  const k = c.row.original;
                  if (k.revokedAt) return null;
                  return (
                    <span className="actions">
                      <button type="button" className="secondary" onClick={() => onRotate(k)} aria-label={t('rotate.openFor', { name: k.name })}>
                        {t('rotate.open')}
                      </button>
                      <button type="button" className="secondary danger-text" onClick={() => onRevoke(k)} aria-label={t('revoke.openFor', { name: k.name })}>
                        {t('revoke.open')}
                      </button>
                    </span>
                  );
                },
              }),
            ]
          : []),
      ]),
    // i18n.language: headers and dates follow a language switch.
    [t, i18n.language, usedBy, canManage, onRotate, onRevoke],
  );
  const table = useTable({ features, columns, data: rows, getRowId: (r) => r.id });

  return (
    <div className="table-scroll">
      <table className="keys-table">
        <caption className="visually-hidden">{t('title')}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={row.original.revokedAt ? 'keys-revoked' : undefined}>
              {row.getAllCells().map((cell) =>
                cell.column.id === 'name' ? (
                  <th key={cell.id} scope="row">
                    <table.FlexRender cell={cell} />
                  </th>
                ) : (
                  <td key={cell.id} data-label={t(`column.${cell.column.id === 'createdAt' ? 'created' : cell.column.id}`)}>
                    <table.FlexRender cell={cell} />
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeyStatus({ keyRow }: { keyRow: KeyRow }) {
  const { t } = useTranslation('keys');
  const s = keyState(keyRow);
  switch (s.kind) {
    case 'revoked':
      return (
        <span className="status status-revoked">
          {t('status.revoked')} <span className="muted">({formatDateTime(s.at)})</span>
        </span>
      );
    case 'rotating':
      return <span className="status status-rotating">{t('status.rotating', { until: formatDateTime(s.until) })}</span>;
    default:
      return <span className="status status-active">{t('status.active')}</span>;
  }
}

// The error shown above a form: quota and other non-field errors.
function FormError({ error, hasFieldError }: { error: CombinedError | undefined; hasFieldError: boolean }) {
  const { t } = useTranslation('keys');
  if (!error || hasFieldError) return null;
  if (errorCode(error) === 'QUOTA_EXCEEDED') {
    return (
      <div role="alert" className="notice error">
        <p>
          <strong>{t('quota.title')}</strong>
        </p>
        <p>{t('quota.explain')}</p>
        <p className="muted">{error.graphQLErrors[0]?.message}</p>
      </div>
    );
  }
  return (
    <p role="alert" className="notice error">
      {errorMessage(t, error)}
    </p>
  );
}

function CreateKeyDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (key: KeyRow, secret: string) => void;
}) {
  const { t } = useTranslation('keys');
  return (
    <Dialog open={open} title={t('create.title')} onClose={onClose}>
      {/* Mounted only while open: a reopened dialog starts empty. */}
      {open && <CreateKeyForm onCancel={onClose} onCreated={onCreated} />}
    </Dialog>
  );
}

function CreateKeyForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (key: KeyRow, secret: string) => void }) {
  const { t } = useTranslation('keys');
  const nameId = useId();
  const [name, setName] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const [{ fetching, error }, create] = useMutation(CreateSigningKeyMutation);
  const serverFieldErrors = fieldErrors(error);
  const nameError = localError ?? serverFieldErrors.name;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) {
      setLocalError(t('create.nameInvalid'));
      return;
    }
    setLocalError(null);
    const result = await create({ input: { name: trimmed } });
    const payload = result.data?.createSigningKey;
    if (payload) onCreated(payload.signingKey, payload.secret);
  }

  return (
    <form onSubmit={submit} noValidate>
      <FormError error={error} hasFieldError={!!serverFieldErrors.name} />
      <div className="field">
        <label htmlFor={nameId}>{t('create.name')}</label>
        <p className="hint" id={`${nameId}-hint`}>
          {t('create.nameHint')}
        </p>
        <input
          id={nameId}
          value={name}
          maxLength={200}
          autoFocus
          onChange={(e) => setName(e.target.value)}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={`${nameId}-hint${nameError ? ` ${nameId}-error` : ''}`}
        />
        {nameError && (
          <p className="field-error" id={`${nameId}-error`}>
            {nameError}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="submit" disabled={fetching}>
          {fetching ? t('create.submitting') : t('create.submit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}

function UsedByList({ usedBy }: { usedBy: { id: string; name: string }[] | undefined }) {
  const { t } = useTranslation('keys');
  if (!usedBy) return null;
  if (usedBy.length === 0) return <p>{t('usedByNoneLong')}</p>;
  return (
    <>
      <p>{t('usedByCount', { count: usedBy.length })}</p>
      <ul>
        {usedBy.map((c) => (
          <li key={c.id}>{c.name}</li>
        ))}
      </ul>
    </>
  );
}

// The body is mounted per opening (Dialog renders it only while open), so an
// earlier error does not linger.
function KeyDialog({
  keyRow,
  title,
  onClose,
  children,
}: {
  keyRow: KeyRow | null;
  title: (keyRow: KeyRow) => string;
  onClose: () => void;
  children: (keyRow: KeyRow) => ReactNode;
}) {
  return (
    <Dialog open={!!keyRow} title={keyRow ? title(keyRow) : ''} onClose={onClose}>
      {keyRow && children(keyRow)}
    </Dialog>
  );
}

function RotateKeyBody({
  keyRow,
  usedBy,
  onClose,
  onRotated,
}: {
  keyRow: KeyRow;
  usedBy: { id: string; name: string }[] | undefined;
  onClose: () => void;
  onRotated: (key: KeyRow, secret: string) => void;
}) {
  const { t } = useTranslation('keys');
  const [{ fetching, error }, rotate] = useMutation(RotateSigningKeyMutation);
  const rotatingAlready = keyState(keyRow).kind === 'rotating';
  return (
    <>
      <p>{t('rotate.explain')}</p>
      <ul>
        <li>{t('rotate.standard')}</li>
        <li>{t('rotate.xSignature')}</li>
      </ul>
      {rotatingAlready && <p className="notice warning">{t('rotate.again')}</p>}
      <UsedByList usedBy={usedBy} />
      <FormError error={error} hasFieldError={false} />
      <ConfirmActions
        label={fetching ? t('rotate.submitting') : t('rotate.submit')}
        busy={fetching}
        onConfirm={async () => {
          const result = await rotate({ id: keyRow.id });
          const payload = result.data?.rotateSigningKey;
          if (payload) onRotated(payload.signingKey, payload.secret);
        }}
        onCancel={onClose}
      />
    </>
  );
}

function RevokeKeyBody({
  keyRow,
  usedBy,
  onClose,
  onRevoked,
}: {
  keyRow: KeyRow;
  usedBy: { id: string; name: string }[] | undefined;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const { t } = useTranslation('keys');
  const [{ fetching, error }, revoke] = useMutation(RevokeSigningKeyMutation);
  return (
    <>
      <p className="notice warning">
        <strong>{t('revoke.permanent')}</strong> {t('revoke.explain')}
      </p>
      <UsedByList usedBy={usedBy} />
      <FormError error={error} hasFieldError={false} />
      <ConfirmActions
        label={fetching ? t('revoke.submitting') : t('revoke.submit')}
        busy={fetching}
        danger
        onConfirm={async () => {
          const result = await revoke({ id: keyRow.id });
          if (result.data?.revokeSigningKey) onRevoked();
        }}
        onCancel={onClose}
      />
    </>
  );
}

function SecretDialog({ revealed, onClose }: { revealed: Revealed | null; onClose: () => void }) {
  const { t } = useTranslation('keys');
  const secretId = useId();
  const title = revealed?.kind === 'rotated' ? t('secret.rotatedTitle') : t('secret.createdTitle');
  const s = revealed ? keyState(revealed.key) : null;
  return (
    <Dialog open={!!revealed} title={title} onClose={onClose} wide>
      {revealed && (
        <>
          <p className="notice warning" role="note">
            <strong>{t('secret.onceTitle')}</strong> {t('secret.once')}
          </p>
          <div className="field">
            <label htmlFor={secretId}>{t('secret.label', { name: revealed.key.name })}</label>
            <div className="keys-secret">
              <input id={secretId} className="mono" readOnly value={revealed.secret} onFocus={(e) => e.currentTarget.select()} />
              <CopyButton text={revealed.secret} label={t('secret.copy')} />
            </div>
          </div>
          {revealed.kind === 'rotated' && s?.kind === 'rotating' && (
            <div className="notice">
              <p>{t('secret.overlapEnds', { at: formatDateTime(s.until) })}</p>
              <p>{t('secret.xSignatureSwitches', { at: formatDateTime(s.xSignatureSwitchesAt) })}</p>
            </div>
          )}
          <div className="actions">
            <button type="button" onClick={onClose}>
              {t('secret.done')}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

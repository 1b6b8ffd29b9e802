import { useState, type ReactNode } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../ui/Dialog';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { errorMessage } from '../ui/errors';
import { formatDuration } from '../ui/format';
import {
  ActivateConfigurationMutation,
  DeactivateConfigurationMutation,
  DeleteConfigurationMutation,
} from './operations';
import type { ActivateConfigurationMutation as ActivationData, ConfigurationStatus } from '../gql/graphql';

export type ActionTarget = { id: string; name: string; url: string };
export type StatusChange = { id: string; status: ConfigurationStatus; disabledReason?: string | null };
type Attempt = ActivationData['activateConfiguration']['attempt'];

type Pending =
  | { kind: 'activate'; target: ActionTarget; result?: ActivationData['activateConfiguration']; error?: CombinedError }
  | { kind: 'deactivate'; target: ActionTarget; error?: CombinedError }
  | { kind: 'delete'; target: ActionTarget; error?: CombinedError };

// Activate, deactivate (after Stigg's warning) and delete (after naming it), with
// their dialogs; shared by the list and the detail page. The callbacks report
// what changed so a screen can show it before its query is fetched again.
export function useConfigurationActions({
  onStatus,
  onDeleted,
}: {
  onStatus?: (change: StatusChange) => void;
  onDeleted?: (id: string) => void;
} = {}): {
  activate: (target: ActionTarget) => void;
  deactivate: (target: ActionTarget) => void;
  remove: (target: ActionTarget) => void;
  dialogs: ReactNode;
} {
  const { t } = useTranslation('configurations');
  const [pending, setPending] = useState<Pending | null>(null);
  const [activation, activateMutation] = useMutation(ActivateConfigurationMutation);
  const [deactivation, deactivateMutation] = useMutation(DeactivateConfigurationMutation);
  const [deletion, deleteMutation] = useMutation(DeleteConfigurationMutation);
  const close = () => setPending(null);

  async function activate(target: ActionTarget) {
    setPending({ kind: 'activate', target });
    const res = await activateMutation({ id: target.id });
    const result = res.data?.activateConfiguration;
    if (result) onStatus?.(result.configuration);
    setPending((p) => (p?.kind === 'activate' && p.target.id === target.id ? { ...p, result, error: res.error } : p));
  }

  async function confirmDeactivate(target: ActionTarget) {
    const res = await deactivateMutation({ id: target.id });
    const c = res.data?.deactivateConfiguration;
    if (c) {
      onStatus?.(c);
      close();
    } else setPending({ kind: 'deactivate', target, error: res.error });
  }

  async function confirmDelete(target: ActionTarget) {
    // Every query listing configurations is fetched again without it.
    const res = await deleteMutation({ id: target.id }, { additionalTypenames: ['Configuration'] });
    if (res.data?.deleteConfiguration) {
      onDeleted?.(target.id);
      close();
    } else setPending({ kind: 'delete', target, error: res.error });
  }

  let dialog: ReactNode = null;
  if (pending?.kind === 'activate') {
    const { target, result, error } = pending;
    const ok = result?.configuration.status === 'ACTIVE';
    dialog = (
      <Dialog open title={t('activation.title', { name: target.name })} onClose={close} wide>
        {!result && !error && (
          <p role="status" aria-busy={activation.fetching}>
            {t('activation.sending')}
          </p>
        )}
        {error && <p role="alert">{errorMessage(t, error)}</p>}
        {result && (
          <>
            <p role="status" className={ok ? 'notice' : 'notice error'}>
              {t(ok ? 'activation.succeeded' : 'activation.failed', { name: target.name })}
            </p>
            <AttemptDetails attempt={result.attempt} />
          </>
        )}
        <div className="actions cfg-dialog-actions">
          <button type="button" onClick={close}>
            {t('common:close')}
          </button>
        </div>
      </Dialog>
    );
  } else if (pending?.kind === 'deactivate') {
    const { target, error } = pending;
    dialog = (
      <ConfirmDialog
        open
        title={t('deactivate.title', { name: target.name })}
        onClose={close}
        label={t('deactivate.confirm')}
        busy={deactivation.fetching}
        danger
        onConfirm={() => confirmDeactivate(target)}
      >
        <p className="notice warning cfg-wrap">{t('deactivate.warning', { url: target.url })}</p>
        {error && <p role="alert">{errorMessage(t, error)}</p>}
      </ConfirmDialog>
    );
  } else if (pending?.kind === 'delete') {
    const { target, error } = pending;
    dialog = (
      <ConfirmDialog
        open
        title={t('delete.title', { name: target.name })}
        onClose={close}
        label={t('delete.confirm')}
        busy={deletion.fetching}
        danger
        onConfirm={() => confirmDelete(target)}
      >
        <p>{t('delete.body', { name: target.name })}</p>
        {error && <p role="alert">{errorMessage(t, error)}</p>}
      </ConfirmDialog>
    );
  }

  return {
    activate: (target) => void activate(target),
    deactivate: (target) => setPending({ kind: 'deactivate', target }),
    remove: (target) => setPending({ kind: 'delete', target }),
    dialogs: dialog,
  };
}

// What the URL answered to a ping: status, time, error and the start of its body.
export function AttemptDetails({ attempt }: { attempt: Attempt }) {
  const { t } = useTranslation('configurations');
  return (
    <dl className="cfg-answer">
      <dt>{t('activation.statusCode')}</dt>
      <dd>{attempt.responseStatus ?? t('activation.noResponse')}</dd>
      <dt>{t('activation.duration')}</dt>
      <dd>{formatDuration(attempt.durationMs)}</dd>
      {attempt.errorKind && (
        <>
          <dt>{t('activation.errorKind')}</dt>
          <dd>
            {t(`errorKinds.${attempt.errorKind}`, attempt.errorKind)}
            {attempt.error && <span className="cfg-error-text">: {attempt.error}</span>}
          </dd>
        </>
      )}
      {attempt.responseStatus != null && (
        <>
          <dt>{t('activation.response')}</dt>
          <dd>
            <pre className="code cfg-excerpt">{excerpt(attempt.responseBody) || t('activation.emptyBody')}</pre>
            {attempt.responseBodyTruncated && <span className="muted">{t('activation.truncated')}</span>}
          </dd>
        </>
      )}
    </dl>
  );
}

// A dialog shows the start of a body; the delivery history has all of it.
export function excerpt(body: string | null | undefined, max = 2000): string {
  if (!body) return '';
  return body.length > max ? `${body.slice(0, max)}…` : body;
}

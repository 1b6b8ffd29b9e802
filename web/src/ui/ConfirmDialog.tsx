import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';

type Confirm = {
  // The action's name; while busy, what it is doing.
  label: string;
  busy?: boolean;
  danger?: boolean;
  onConfirm: () => void;
};

// The action, then Cancel: the end of every dialog that asks before doing something.
export function ConfirmActions({ label, busy = false, danger = false, onConfirm, onCancel }: Confirm & { onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="actions">
      <button type="button" className={danger ? 'danger' : undefined} disabled={busy} onClick={onConfirm}>
        {label}
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}

// A question before an action; Cancel and Escape close it without acting.
export function ConfirmDialog({
  open,
  title,
  onClose,
  children,
  ...confirm
}: Confirm & { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      {children}
      <ConfirmActions {...confirm} onCancel={onClose} />
    </Dialog>
  );
}

import { useTranslation } from 'react-i18next';

// Status as a word and a colour, never by colour alone.
export function DeliveryStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`status status-${status.toLowerCase()}`}>{t(`deliveryStatus.${status}`, status)}</span>;
}

export function ConfigurationStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`status status-${status.toLowerCase()}`}>{t(`configurationStatus.${status}`, status)}</span>;
}

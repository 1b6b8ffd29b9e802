import type { CombinedError } from 'urql';
import type { TFunction } from 'i18next';

// BAD_USER_INPUT errors name the input at fault in extensions.field
// (e.g. "url" or "input.retrySchedule"); forms show them next to that field.
export function fieldErrors(error: CombinedError | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of error?.graphQLErrors ?? []) {
    const field = e.extensions?.field;
    if (e.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string') {
      out[field.replace(/^input\./, '')] = e.message;
    }
  }
  return out;
}

export function errorCode(error: CombinedError | undefined | null): string | undefined {
  const code = error?.graphQLErrors[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

// One sentence for an error that is not about a single field.
export function errorMessage(t: TFunction, error: CombinedError): string {
  if (error.networkError) return t('common:errors.network');
  const first = error.graphQLErrors[0];
  switch (first?.extensions?.code) {
    case 'FORBIDDEN':
      return t('common:errors.forbidden');
    case 'NOT_FOUND':
      return t('common:errors.notFound');
    case 'QUOTA_EXCEEDED':
      return t('common:errors.quota', { message: first.message });
    case 'RATE_LIMITED':
      return t('common:errors.rateLimited');
    case 'INTERNAL':
      return t('common:errors.internal', { requestId: String(first.extensions?.requestId ?? '?') });
    default:
      return t('common:errors.generic', { message: first?.message ?? error.message });
  }
}

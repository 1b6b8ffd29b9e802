import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { CombinedError } from 'urql';
import { errorCode, errorMessage } from './errors';

// A detail page while its node is not there: loading, failed to load, or not
// found (an answer without the node, or NOT_FOUND).
export function NotLoaded({
  titleId,
  title,
  back,
  backTo,
  fetching,
  error,
  answered,
  loadFailed,
  notFound,
}: {
  titleId: string;
  title: string;
  back: string;
  backTo: string;
  fetching: boolean;
  error: CombinedError | undefined;
  answered: boolean;
  loadFailed: (message: string) => string;
  notFound: string;
}) {
  const { t } = useTranslation();
  const missing = errorCode(error) === 'NOT_FOUND';
  return (
    <section aria-labelledby={titleId}>
      <p>
        <Link to={backTo}>{back}</Link>
      </p>
      <h1 id={titleId}>{title}</h1>
      {fetching && <p className="muted">{t('loading')}</p>}
      {!fetching && error && !missing && <p role="alert">{loadFailed(errorMessage(t, error))}</p>}
      {!fetching && (answered || missing) && <p role="alert">{notFound}</p>}
    </section>
  );
}

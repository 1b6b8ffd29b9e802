import { useDeferredValue, useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../ui/CopyButton';
import { errorMessage } from '../ui/errors';
import { EventTypesQuery, catalogPageSize } from './operations';
import { groupTypes, sampleBody, type CatalogType } from './catalog';
import './catalog.css';

export function EventCatalogPage() {
  const { t } = useTranslation('catalog');
  const searchId = useId();
  const [{ data, fetching, error }] = useQuery({ query: EventTypesQuery, variables: { first: catalogPageSize } });
  const [query, setQuery] = useState('');
  const [showArchived, setShowArchived] = useState(false);
  const deferredQuery = useDeferredValue(query);

  const types: CatalogType[] = useMemo(() => data?.eventTypes.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [], [data]);
  const groups = useMemo(() => groupTypes(types, deferredQuery, showArchived), [types, deferredQuery, showArchived]);
  const shown = groups.reduce((n, g) => n + g.types.length, 0);
  const archivedCount = types.filter((x) => x.archived).length;

  return (
    <section aria-labelledby="catalog-title" className="catalog-page">
      <h1 id="catalog-title">{t('title')}</h1>
      <p className="muted">{t('intro')}</p>

      <div className="catalog-filters" role="search">
        <div className="field">
          <label htmlFor={searchId}>{t('search')}</label>
          <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('searchPlaceholder')} />
        </div>
        <label className="catalog-check">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
          {t('showArchived', { count: archivedCount })}
        </label>
      </div>

      {fetching && !data && <p className="muted">{t('common:loading')}</p>}
      {error && !data && <p role="alert">{t('loadFailed', { message: errorMessage(t, error) })}</p>}
      {data && (
        <p role="status" className="muted">
          {types.length === 0 ? t('empty') : shown === 0 ? t('noMatch') : t('shown', { count: shown })}
        </p>
      )}

      {groups.map((g) => (
        <section key={g.key ?? ''} className="catalog-group" aria-labelledby={`${searchId}-${g.key ?? 'other'}`}>
          <h2 id={`${searchId}-${g.key ?? 'other'}`}>
            {g.key ?? t('other')} <span className="muted catalog-count">({g.types.length})</span>
          </h2>
          <ul className="catalog-list">
            {g.types.map((type) => (
              <EventTypeItem key={type.id} type={type} />
            ))}
          </ul>
        </section>
      ))}
      {data && data.eventTypes.totalCount > types.length && (
        <p className="muted">{t('truncated', { shown: types.length, total: data.eventTypes.totalCount })}</p>
      )}
    </section>
  );
}

function EventTypeItem({ type }: { type: CatalogType }) {
  const { t } = useTranslation('catalog');
  const body = sampleBody(type.name, type.sample);
  return (
    <li className="catalog-item">
      <h3 className="catalog-name">
        <code>{type.name}</code>
        {type.archived && <span className="badge catalog-archived">{t('archived')}</span>}
      </h3>
      <p>{type.description || <span className="muted">{t('noDescription')}</span>}</p>
      <details>
        <summary>{t('sample')}</summary>
        <pre className="code" tabIndex={0} aria-label={t('sampleOf', { name: type.name })}>
          <code>{body}</code>
        </pre>
        <CopyButton text={body} label={t('copySample', { name: type.name })} />
      </details>
    </li>
  );
}

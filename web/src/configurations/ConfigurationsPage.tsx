import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { ConfigurationsQuery } from './operations';
import { useConfigurationActions, type StatusChange } from './ConfigurationActions';
import { useCapabilities } from '../app/capabilities';
import { ConfigurationStatusBadge } from '../ui/StatusBadge';
import { errorMessage } from '../ui/errors';
import { formatPercent } from '../ui/format';
import type { ConfigurationsQuery as ConfigurationsData } from '../gql/graphql';
import './configurations.css';

const pageSize = 50;

type Row = NonNullable<NonNullable<NonNullable<ConfigurationsData['configurations']['edges']>[number]>['node']>;

const features = tableFeatures({});
const column = createColumnHelper<typeof features, Row>();

// The document cache refetches the list after a mutation returning a Configuration;
// until then the row shows what the mutation answered.
type Patch = StatusChange & { base: unknown };

export function ConfigurationsPage() {
  const { t } = useTranslation('configurations');
  const { can } = useCapabilities();
  const manage = can('MANAGE_CONFIGURATIONS');
  const [after, setAfter] = useState<string | null>(null);
  const [earlier, setEarlier] = useState<Row[]>([]);
  const [patches, setPatches] = useState<Record<string, Patch>>({});
  const [deleted, setDeleted] = useState<Set<string>>(() => new Set());
  // Deleting from elsewhere (the detail page) refetches this list too.
  const context = useMemo(() => ({ additionalTypenames: ['Configuration'] }), []);
  const [{ data, fetching, error }] = useQuery({ query: ConfigurationsQuery, variables: { first: pageSize, after }, context });

  const page = useMemo(() => data?.configurations.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [], [data]);
  const rows = useMemo(() => {
    const inPage = new Set(page.map((r) => r.id));
    const merged = [...earlier.filter((r) => !inPage.has(r.id)), ...page];
    return merged
      .filter((r) => !deleted.has(r.id))
      .map((r) => {
        const p = patches[r.id];
        if (!p || (inPage.has(r.id) && p.base !== data)) return r;
        return { ...r, status: p.status, disabledReason: p.disabledReason ?? null };
      });
  }, [earlier, page, patches, deleted, data]);

  const actions = useConfigurationActions({
    onStatus: (c) => setPatches((prev) => ({ ...prev, [c.id]: { ...c, base: data } })),
    onDeleted: (id) => setDeleted((prev) => new Set(prev).add(id)),
  });
  // The cells call the latest actions without rebuilding the columns each render.
  const actionsRef = useRef(actions);
  useEffect(() => {
    actionsRef.current = actions;
  });

  const columns = useMemo(
    () =>
      column.columns([
        column.accessor('name', {
          header: () => t('columns.name'),
          cell: (info) => <Link to={`/configurations/${info.row.original.id}`}>{info.getValue()}</Link>,
        }),
        column.accessor('status', {
          header: () => t('columns.status'),
          cell: (info) => (
            <>
              <ConfigurationStatusBadge status={info.getValue()} />
              {info.row.original.disabledReason && <div className="muted cfg-reason">{info.row.original.disabledReason}</div>}
            </>
          ),
        }),
        column.accessor('url', { header: () => t('columns.url'), cell: (info) => <span className="url">{info.getValue()}</span> }),
        column.accessor((r) => r.eventTypes.join(', '), { id: 'eventTypes', header: () => t('columns.eventTypes') }),
        column.accessor((r) => r.deliveryStats.successRate, {
          id: 'successRate',
          header: () => t('columns.successRate'),
          cell: (info) =>
            info.getValue() == null ? (
              <span title={t('successRateNone')}>
                <span aria-hidden="true">—</span>
                <span className="visually-hidden">{t('successRateNone')}</span>
              </span>
            ) : (
              formatPercent(info.getValue())
            ),
        }),
        ...(manage
          ? [
              column.display({
                id: 'actions',
                header: () => t('columns.actions'),
                cell: (info) => {
                  const c = info.row.original;
                  const target = { id: c.id, name: c.name, url: c.url };
                  // Each row's buttons say which configuration they act on.
                  const named = (action: string) => ({ 'aria-label': `${t(action)} ${c.name}` });
                  return (
                    <div className="actions cfg-row-actions">
                      {c.status === 'ACTIVE' ? (
                        <button type="button" className="secondary" onClick={() => actionsRef.current.deactivate(target)} {...named('actions.deactivate')}>
                          {t('actions.deactivate')}
                        </button>
                      ) : (
                        <button type="button" onClick={() => actionsRef.current.activate(target)} {...named('actions.activate')}>
                          {t('actions.activate')}
                        </button>
                      )}
                      <Link className="button secondary" to={`/configurations/${c.id}/edit`} {...named('actions.edit')}>
                        {t('actions.edit')}
                      </Link>
                      <Link className="button secondary" to={`/configurations/${c.id}?test=1`} {...named('actions.sendTest')}>
                        {t('actions.sendTest')}
                      </Link>
                      <button type="button" className="secondary cfg-danger" onClick={() => actionsRef.current.remove(target)} {...named('actions.delete')}>
                        {t('actions.delete')}
                      </button>
                    </div>
                  );
                },
              }),
            ]
          : []),
      ]),
    // t changes identity with the language, which re-renders the headers.
    [t, manage],
  );

  const table = useTable({ features, columns, data: rows, getRowId: (r) => r.id });

  const pageInfo = data?.configurations.pageInfo;
  const newButton = manage && (
    <Link className="button" to="/configurations/new">
      <span aria-hidden="true">+ </span>
      {t('newConfiguration')}
    </Link>
  );

  return (
    <section aria-labelledby="configurations-title" className="cfg-page">
      <div className="page-header">
        <h1 id="configurations-title">{t('title')}</h1>
        {rows.length > 0 && newButton}
      </div>
      {fetching && rows.length === 0 && <p className="muted">{t('common:loading')}</p>}
      {error && rows.length === 0 && <p role="alert">{t('loadFailed', { message: errorMessage(t, error) })}</p>}
      {data && !fetching && rows.length === 0 && (
        <div className="cfg-empty">
          <h2>{t('empty.title')}</h2>
          <p className="empty">{t('empty.body')}</p>
          {manage ? newButton : <p className="muted">{t('empty.readOnly')}</p>}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table className="cfg-table">
            <thead>
              {table.getHeaderGroups().map((hg) => (
                <tr key={hg.id}>
                  {hg.headers.map((h) => (
                    <th key={h.id} scope="col">
                      <table.FlexRender header={h} />
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
            <tbody>
              {table.getRowModel().rows.map((row) => (
                <tr key={row.id}>
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id} className={`cfg-col-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pageInfo?.hasNextPage && (
        <div className="cfg-more">
          <p className="muted">{t('shown', { count: rows.length, total: data?.configurations.totalCount })}</p>
          <button
            type="button"
            disabled={fetching}
            onClick={() => {
              setEarlier(rows);
              setAfter(pageInfo.endCursor ?? null);
            }}
          >
            {fetching ? t('common:loading') : t('common:loadMore')}
          </button>
        </div>
      )}
      {actions.dialogs}
    </section>
  );
}

import { useQuery } from 'urql';
import { ConfigurationsQuery } from './operations';

const pageSize = 50;

export function ConfigurationsPage() {
  const [{ data, fetching, error }] = useQuery({ query: ConfigurationsQuery, variables: { first: pageSize } });
  const rows = data?.configurations.edges?.flatMap((e) => (e?.node ? [e.node] : [])) ?? [];

  return (
    <section aria-labelledby="configurations-title">
      <h1 id="configurations-title">Configurations</h1>
      {fetching && !data && <p className="muted">Loading…</p>}
      {error && !data && <p role="alert">Could not load the configurations: {error.message}</p>}
      {data && rows.length === 0 && (
        <p className="empty">No configurations yet. A configuration sends the events you choose to a URL of yours.</p>
      )}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">Event types</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td className="url">{c.url}</td>
                <td>
                  <span className={`status status-${c.status.toLowerCase()}`}>{c.status === 'ACTIVE' ? 'Active' : 'Inactive'}</span>
                </td>
                <td>{c.eventTypes.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.configurations.pageInfo.hasNextPage && (
        <p className="muted">Showing the first {rows.length} of {data.configurations.totalCount}.</p>
      )}
    </section>
  );
}

import { useQuery } from 'urql';
import { ViewerQuery } from './operations';
import type { ConsoleCapability } from '../gql/graphql';

// What the signed-in session may do, from the viewer query the layout already
// made (cache-first). The console only hides what the API would refuse anyway.
export function useCapabilities(): { can: (c: ConsoleCapability) => boolean; loaded: boolean } {
  const [{ data }] = useQuery({ query: ViewerQuery });
  const caps = new Set(data?.viewer.capabilities ?? []);
  return { can: (c) => caps.has(c), loaded: !!data };
}

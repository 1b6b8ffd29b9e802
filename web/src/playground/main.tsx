import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './playground.css';
import { createPlaygroundFetcher, DEFAULT_HEADERS } from './fetcher';

const DEFAULT_QUERY = `# Ferry's GraphQL API. Put your token after "Bearer " in the Headers
# tab below; it signs in both HTTP requests and the websocket, so the
# subscription here streams your account's deliveries as they change.

subscription Deliveries {
  deliveryUpdated {
    id
    status
    eventType
    attemptCount
    lastResponseStatus
  }
}
`;

const fetcher = createPlaygroundFetcher(window.location);

createRoot(document.getElementById('playground')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultHeaders={DEFAULT_HEADERS}
      defaultQuery={DEFAULT_QUERY}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
    />
  </StrictMode>,
);

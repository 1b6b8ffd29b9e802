import { graphql } from '../gql';

// The whole catalog in one page: it is small and global, and the page
// filters it locally as the customer types.
export const catalogPageSize = 500;

// An event type as the catalog and the test event dialog show it.
export const EventTypeSummaryFragment = graphql(`
  fragment EventTypeSummary on EventType {
    id
    name
    description
    application
    sample
  }
`);

export const EventTypesQuery = graphql(`
  query EventTypes($first: Int) {
    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      edges {
        node {
          ...EventTypeSummary
          archived
        }
      }
    }
  }
`);

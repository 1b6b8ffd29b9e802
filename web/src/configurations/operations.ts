import { graphql } from '../gql';

export const ConfigurationsQuery = graphql(`
  query Configurations($first: Int, $after: Cursor) {
    configurations(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          url
          status
          eventTypes
        }
      }
    }
  }
`);

import { graphql } from './gql';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      capabilities
      returnURL
      expiresAt
      account {
        id
        name
      }
    }
  }
`);

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

import { graphql } from '../gql';

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

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
      branding {
        name
        logoURL
        primaryColor
      }
    }
  }
`);

export const PickAccountsQuery = graphql(`
  query PickAccounts($first: Int, $after: Cursor, $where: AccountWhereInput) {
    accounts(first: $first, after: $after, where: $where, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          createdAt
        }
      }
    }
  }
`);

export const OpenAccountMutation = graphql(`
  mutation OpenAccount($input: CreateConsoleSessionInput!) {
    createConsoleSession(input: $input) {
      token
      consoleSession {
        id
        expiresAt
      }
    }
  }
`);

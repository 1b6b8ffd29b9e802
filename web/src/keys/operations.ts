import { graphql } from '../gql';

// At most this many keys are listed; accounts rarely hold more than a few.
export const keysPageSize = 100;

// A signing key as the keys page shows it, in the list and after each change.
export const SigningKeyFieldsFragment = graphql(`
  fragment SigningKeyFields on SigningKey {
    id
    name
    hint
    createdAt
    rotatedAt
    revokedAt
    previousExpiresAt
    xSignatureSwitchesAt
  }
`);

export const SigningKeysQuery = graphql(`
  query SigningKeys($first: Int) {
    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      edges {
        node {
          ...SigningKeyFields
        }
      }
    }
  }
`);

// Which configurations sign with which key: SigningKey has no back-reference,
// so the page joins on Configuration.signingKeyID.
export const SigningKeyUsageQuery = graphql(`
  query SigningKeyUsage($first: Int) {
    configurations(first: $first) {
      totalCount
      edges {
        node {
          id
          name
          signingKeyID
        }
      }
    }
  }
`);

export const CreateSigningKeyMutation = graphql(`
  mutation CreateSigningKey($input: CreateSigningKeyInput!) {
    createSigningKey(input: $input) {
      secret
      signingKey {
        ...SigningKeyFields
      }
    }
  }
`);

export const RotateSigningKeyMutation = graphql(`
  mutation RotateSigningKey($id: ID!) {
    rotateSigningKey(id: $id) {
      secret
      signingKey {
        ...SigningKeyFields
      }
    }
  }
`);

export const RevokeSigningKeyMutation = graphql(`
  mutation RevokeSigningKey($id: ID!) {
    revokeSigningKey(id: $id) {
      ...SigningKeyFields
    }
  }
`);

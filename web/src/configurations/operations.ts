import { graphql } from '../gql';

// What the form edits, and what create and update answer with.
export const ConfigurationSettingsFragment = graphql(`
  fragment ConfigurationSettings on Configuration {
    id
    name
    url
    signingKeyID
    eventTypes
    maxParallel
    timeoutSeconds
    retrySchedule
    headers
    status
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
          disabledReason
          deliveryStats {
            successRate
          }
        }
      }
    }
  }
`);

export const ConfigurationForEditQuery = graphql(`
  query ConfigurationForEdit($id: ID!) {
    node(id: $id) {
      ... on Configuration {
        ...ConfigurationSettings
      }
    }
  }
`);

// What the form offers: keys that can still sign, types that can still be subscribed to.
export const ConfigurationFormChoicesQuery = graphql(`
  query ConfigurationFormChoices {
    signingKeys(first: 500, where: { revokedAtIsNil: true }) {
      edges {
        node {
          id
          name
          hint
        }
      }
    }
    eventTypes(first: 500, where: { archived: false }) {
      edges {
        node {
          id
          name
          description
          application
        }
      }
    }
  }
`);

export const VerifyURLMutation = graphql(`
  mutation VerifyURL($url: String!) {
    verifyURL(url: $url) {
      ok
      statusCode
      durationMs
      error
      responseBody
    }
  }
`);

export const CreateConfigurationMutation = graphql(`
  mutation CreateConfiguration($input: CreateConfigurationInput!) {
    createConfiguration(input: $input) {
      ...ConfigurationSettings
    }
  }
`);

export const UpdateConfigurationMutation = graphql(`
  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {
    updateConfiguration(id: $id, input: $input) {
      ...ConfigurationSettings
    }
  }
`);

export const DeleteConfigurationMutation = graphql(`
  mutation DeleteConfiguration($id: ID!) {
    deleteConfiguration(id: $id)
  }
`);

// Selecting the configuration's id and status lets urql's cache flip the row in place.
export const ActivateConfigurationMutation = graphql(`
  mutation ActivateConfiguration($id: ID!) {
    activateConfiguration(id: $id) {
      configuration {
        id
        status
        disabledReason
        activatedAt
      }
      attempt {
        id
        responseStatus
        durationMs
        responseBody
        responseBodyTruncated
        errorKind
        error
      }
    }
  }
`);

export const DeactivateConfigurationMutation = graphql(`
  mutation DeactivateConfiguration($id: ID!) {
    deactivateConfiguration(id: $id) {
      id
      status
      disabledReason
    }
  }
`);

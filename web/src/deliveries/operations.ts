import { graphql } from '../gql';

export const DeliveriesQuery = graphql(`
  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {
    deliveries(first: $first, after: $after, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          createdAt
          updatedAt
          eventID
          configurationID
          status
          eventType
          url
          attemptCount
          lastResponseStatus
          lastAttemptAt
          event {
            id
            metadata
          }
        }
      }
    }
  }
`);

export const DeliveryUpdatedSubscription = graphql(`
  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {
    deliveryUpdated(where: $where) {
      id
      createdAt
      updatedAt
      eventID
      configurationID
      status
      eventType
      url
      attemptCount
      lastResponseStatus
      lastAttemptAt
      event {
        id
        metadata
      }
    }
  }
`);

export const ConfigurationChoicesQuery = graphql(`
  query ConfigurationChoices {
    configurations(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const DeliveriesCountQuery = graphql(`
  query DeliveriesCount($where: DeliveryWhereInput) {
    deliveries(first: 0, where: $where) {
      totalCount
    }
  }
`);

export const ResendDeliveriesMutation = graphql(`
  mutation ResendDeliveries($where: DeliveryWhereInput!) {
    resendDeliveries(where: $where)
  }
`);

export const DeliveryDetailQuery = graphql(`
  query DeliveryDetail($id: ID!) {
    node(id: $id) {
      ... on Delivery {
        id
        createdAt
        updatedAt
        status
        eventType
        eventID
        url
        configurationID
        attemptCount
        lastResponseStatus
        lastAttemptAt
        nextAttemptAt
        configuration {
          id
          name
        }
        event {
          id
          type
          data
          metadata
          occurredAt
        }
        attempts {
          id
          number
          trigger
          startedAt
          durationMs
          requestURL
          requestHeaders
          requestBody
          responseStatus
          responseHeaders
          responseBody
          responseBodyTruncated
          errorKind
          error
        }
      }
    }
  }
`);

export const ResendDeliveryMutation = graphql(`
  mutation ResendDelivery($id: ID!) {
    resendDelivery(id: $id) {
      id
      status
      attemptCount
      updatedAt
    }
  }
`);

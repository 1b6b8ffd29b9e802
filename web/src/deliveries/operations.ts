import { graphql } from '../gql';

// A delivery as a row of the deliveries table, wherever one is listed or
// pushed live: the list, its subscription, a configuration's recent ones.
export const DeliveryRowFragment = graphql(`
  fragment DeliveryRow on Delivery {
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
`);

// What an attempt sent and what came back: the delivery timeline and the
// test event dialog show the same exchange.
export const AttemptExchangeFragment = graphql(`
  fragment AttemptExchange on DeliveryAttempt {
    id
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
`);

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
          ...DeliveryRow
        }
      }
    }
  }
`);

export const DeliveryUpdatedSubscription = graphql(`
  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {
    deliveryUpdated(where: $where) {
      ...DeliveryRow
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
        ...DeliveryRow
        nextAttemptAt
        configurationName
        configuration {
          id
          name
        }
        event {
          type
          data
          occurredAt
        }
        attempts {
          number
          ...AttemptExchange
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

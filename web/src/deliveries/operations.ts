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

import { graphql } from '../gql';

export const ConfigurationDetailQuery = graphql(`
  query ConfigurationDetail($id: ID!) {
    node(id: $id) {
      ... on Configuration {
        id
        name
        status
        url
        eventTypes
        maxParallel
        timeoutSeconds
        retrySchedule
        headers
        createdAt
        updatedAt
        activatedAt
        disabledReason
        signingKey {
          id
          name
          hint
          revokedAt
        }
      }
    }
  }
`);

export const ConfigurationHealthQuery = graphql(`
  query ConfigurationHealth($id: ID!, $since: Time, $interval: StatsInterval) {
    node(id: $id) {
      ... on Configuration {
        id
        deliveryStats(since: $since, interval: $interval) {
          since
          until
          interval
          total
          succeeded
          failed
          pending
          retrying
          cancelled
          successRate
          buckets {
            start
            total
            succeeded
            failed
            pending
            retrying
            cancelled
          }
          latency {
            p50Ms
            p95Ms
            p99Ms
          }
        }
      }
    }
  }
`);

export const RecentDeliveriesQuery = graphql(`
  query RecentDeliveries($where: DeliveryWhereInput) {
    deliveries(first: 10, where: $where) {
      edges {
        node {
          ...DeliveryRow
        }
      }
    }
  }
`);

export const TestEventTypesQuery = graphql(`
  query TestEventTypes {
    eventTypes(first: 500, where: { archived: false }, orderBy: { field: NAME, direction: ASC }) {
      edges {
        node {
          ...EventTypeSummary
        }
      }
    }
  }
`);

export const SendTestEventMutation = graphql(`
  mutation SendTestEvent($input: SendTestEventInput!) {
    sendTestEvent(input: $input) {
      ...AttemptExchange
    }
  }
`);

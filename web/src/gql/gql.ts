/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n      branding {\n        name\n        logoURL\n        primaryColor\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query PickAccounts($first: Int, $after: Cursor, $where: AccountWhereInput) {\n    accounts(first: $first, after: $after, where: $where, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.PickAccountsDocument,
    "\n  mutation OpenAccount($input: CreateConsoleSessionInput!) {\n    createConsoleSession(input: $input) {\n      token\n      consoleSession {\n        id\n        expiresAt\n      }\n    }\n  }\n": typeof types.OpenAccountDocument,
    "\n  fragment EventTypeSummary on EventType {\n    id\n    name\n    description\n    application\n    sample\n  }\n": typeof types.EventTypeSummaryFragmentDoc,
    "\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          ...EventTypeSummary\n          archived\n        }\n      }\n    }\n  }\n": typeof types.EventTypesDocument,
    "\n  query ConfigurationDetail($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        status\n        url\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        createdAt\n        updatedAt\n        activatedAt\n        disabledReason\n        signingKey {\n          id\n          name\n          hint\n          revokedAt\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationDetailDocument,
    "\n  query ConfigurationHealth($id: ID!, $since: Time, $interval: StatsInterval) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        deliveryStats(since: $since, interval: $interval) {\n          since\n          until\n          interval\n          total\n          succeeded\n          failed\n          pending\n          retrying\n          cancelled\n          successRate\n          buckets {\n            start\n            total\n            succeeded\n            failed\n            pending\n            retrying\n            cancelled\n          }\n          latency {\n            p50Ms\n            p95Ms\n            p99Ms\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationHealthDocument,
    "\n  query RecentDeliveries($where: DeliveryWhereInput) {\n    deliveries(first: 10, where: $where) {\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n": typeof types.RecentDeliveriesDocument,
    "\n  query TestEventTypes {\n    eventTypes(first: 500, where: { archived: false }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          ...EventTypeSummary\n        }\n      }\n    }\n  }\n": typeof types.TestEventTypesDocument,
    "\n  mutation SendTestEvent($input: SendTestEventInput!) {\n    sendTestEvent(input: $input) {\n      ...AttemptExchange\n    }\n  }\n": typeof types.SendTestEventDocument,
    "\n  fragment ConfigurationSettings on Configuration {\n    id\n    name\n    url\n    signingKeyID\n    eventTypes\n    maxParallel\n    timeoutSeconds\n    retrySchedule\n    headers\n    status\n  }\n": typeof types.ConfigurationSettingsFragmentDoc,
    "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationsDocument,
    "\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        ...ConfigurationSettings\n      }\n    }\n  }\n": typeof types.ConfigurationForEditDocument,
    "\n  query ConfigurationFormChoices {\n    signingKeys(first: 500, where: { revokedAtIsNil: true }) {\n      edges {\n        node {\n          id\n          name\n          hint\n        }\n      }\n    }\n    eventTypes(first: 500, where: { archived: false }) {\n      edges {\n        node {\n          id\n          name\n          description\n          application\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationFormChoicesDocument,
    "\n  mutation VerifyURL($url: String!) {\n    verifyURL(url: $url) {\n      ok\n      statusCode\n      durationMs\n      error\n      responseBody\n    }\n  }\n": typeof types.VerifyUrlDocument,
    "\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n": typeof types.CreateConfigurationDocument,
    "\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n": typeof types.UpdateConfigurationDocument,
    "\n  mutation DeleteConfiguration($id: ID!) {\n    deleteConfiguration(id: $id)\n  }\n": typeof types.DeleteConfigurationDocument,
    "\n  mutation ActivateConfiguration($id: ID!) {\n    activateConfiguration(id: $id) {\n      configuration {\n        id\n        status\n        disabledReason\n        activatedAt\n      }\n      attempt {\n        id\n        responseStatus\n        durationMs\n        responseBody\n        responseBodyTruncated\n        errorKind\n        error\n      }\n    }\n  }\n": typeof types.ActivateConfigurationDocument,
    "\n  mutation DeactivateConfiguration($id: ID!) {\n    deactivateConfiguration(id: $id) {\n      id\n      status\n      disabledReason\n    }\n  }\n": typeof types.DeactivateConfigurationDocument,
    "\n  fragment DeliveryRow on Delivery {\n    id\n    createdAt\n    updatedAt\n    eventID\n    configurationID\n    status\n    eventType\n    url\n    attemptCount\n    lastResponseStatus\n    lastAttemptAt\n    event {\n      id\n      metadata\n    }\n  }\n": typeof types.DeliveryRowFragmentDoc,
    "\n  fragment AttemptExchange on DeliveryAttempt {\n    id\n    trigger\n    startedAt\n    durationMs\n    requestURL\n    requestHeaders\n    requestBody\n    responseStatus\n    responseHeaders\n    responseBody\n    responseBodyTruncated\n    errorKind\n    error\n  }\n": typeof types.AttemptExchangeFragmentDoc,
    "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n": typeof types.DeliveriesDocument,
    "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      ...DeliveryRow\n    }\n  }\n": typeof types.DeliveryUpdatedDocument,
    "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationChoicesDocument,
    "\n  query DeliveriesCount($where: DeliveryWhereInput) {\n    deliveries(first: 0, where: $where) {\n      totalCount\n    }\n  }\n": typeof types.DeliveriesCountDocument,
    "\n  mutation ResendDeliveries($where: DeliveryWhereInput!) {\n    resendDeliveries(where: $where)\n  }\n": typeof types.ResendDeliveriesDocument,
    "\n  query DeliveryDetail($id: ID!) {\n    node(id: $id) {\n      ... on Delivery {\n        ...DeliveryRow\n        nextAttemptAt\n        configurationName\n        configuration {\n          id\n          name\n        }\n        event {\n          type\n          data\n          occurredAt\n        }\n        attempts {\n          number\n          ...AttemptExchange\n        }\n      }\n    }\n  }\n": typeof types.DeliveryDetailDocument,
    "\n  mutation ResendDelivery($id: ID!) {\n    resendDelivery(id: $id) {\n      id\n      status\n      attemptCount\n      updatedAt\n    }\n  }\n": typeof types.ResendDeliveryDocument,
    "\n  fragment SigningKeyFields on SigningKey {\n    id\n    name\n    hint\n    createdAt\n    rotatedAt\n    revokedAt\n    previousExpiresAt\n    xSignatureSwitchesAt\n  }\n": typeof types.SigningKeyFieldsFragmentDoc,
    "\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...SigningKeyFields\n        }\n      }\n    }\n  }\n": typeof types.SigningKeysDocument,
    "\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n": typeof types.SigningKeyUsageDocument,
    "\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n": typeof types.CreateSigningKeyDocument,
    "\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n": typeof types.RotateSigningKeyDocument,
    "\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      ...SigningKeyFields\n    }\n  }\n": typeof types.RevokeSigningKeyDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n      branding {\n        name\n        logoURL\n        primaryColor\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  query PickAccounts($first: Int, $after: Cursor, $where: AccountWhereInput) {\n    accounts(first: $first, after: $after, where: $where, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          createdAt\n        }\n      }\n    }\n  }\n": types.PickAccountsDocument,
    "\n  mutation OpenAccount($input: CreateConsoleSessionInput!) {\n    createConsoleSession(input: $input) {\n      token\n      consoleSession {\n        id\n        expiresAt\n      }\n    }\n  }\n": types.OpenAccountDocument,
    "\n  fragment EventTypeSummary on EventType {\n    id\n    name\n    description\n    application\n    sample\n  }\n": types.EventTypeSummaryFragmentDoc,
    "\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          ...EventTypeSummary\n          archived\n        }\n      }\n    }\n  }\n": types.EventTypesDocument,
    "\n  query ConfigurationDetail($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        status\n        url\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        createdAt\n        updatedAt\n        activatedAt\n        disabledReason\n        signingKey {\n          id\n          name\n          hint\n          revokedAt\n        }\n      }\n    }\n  }\n": types.ConfigurationDetailDocument,
    "\n  query ConfigurationHealth($id: ID!, $since: Time, $interval: StatsInterval) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        deliveryStats(since: $since, interval: $interval) {\n          since\n          until\n          interval\n          total\n          succeeded\n          failed\n          pending\n          retrying\n          cancelled\n          successRate\n          buckets {\n            start\n            total\n            succeeded\n            failed\n            pending\n            retrying\n            cancelled\n          }\n          latency {\n            p50Ms\n            p95Ms\n            p99Ms\n          }\n        }\n      }\n    }\n  }\n": types.ConfigurationHealthDocument,
    "\n  query RecentDeliveries($where: DeliveryWhereInput) {\n    deliveries(first: 10, where: $where) {\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n": types.RecentDeliveriesDocument,
    "\n  query TestEventTypes {\n    eventTypes(first: 500, where: { archived: false }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          ...EventTypeSummary\n        }\n      }\n    }\n  }\n": types.TestEventTypesDocument,
    "\n  mutation SendTestEvent($input: SendTestEventInput!) {\n    sendTestEvent(input: $input) {\n      ...AttemptExchange\n    }\n  }\n": types.SendTestEventDocument,
    "\n  fragment ConfigurationSettings on Configuration {\n    id\n    name\n    url\n    signingKeyID\n    eventTypes\n    maxParallel\n    timeoutSeconds\n    retrySchedule\n    headers\n    status\n  }\n": types.ConfigurationSettingsFragmentDoc,
    "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n": types.ConfigurationsDocument,
    "\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        ...ConfigurationSettings\n      }\n    }\n  }\n": types.ConfigurationForEditDocument,
    "\n  query ConfigurationFormChoices {\n    signingKeys(first: 500, where: { revokedAtIsNil: true }) {\n      edges {\n        node {\n          id\n          name\n          hint\n        }\n      }\n    }\n    eventTypes(first: 500, where: { archived: false }) {\n      edges {\n        node {\n          id\n          name\n          description\n          application\n        }\n      }\n    }\n  }\n": types.ConfigurationFormChoicesDocument,
    "\n  mutation VerifyURL($url: String!) {\n    verifyURL(url: $url) {\n      ok\n      statusCode\n      durationMs\n      error\n      responseBody\n    }\n  }\n": types.VerifyUrlDocument,
    "\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n": types.CreateConfigurationDocument,
    "\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n": types.UpdateConfigurationDocument,
    "\n  mutation DeleteConfiguration($id: ID!) {\n    deleteConfiguration(id: $id)\n  }\n": types.DeleteConfigurationDocument,
    "\n  mutation ActivateConfiguration($id: ID!) {\n    activateConfiguration(id: $id) {\n      configuration {\n        id\n        status\n        disabledReason\n        activatedAt\n      }\n      attempt {\n        id\n        responseStatus\n        durationMs\n        responseBody\n        responseBodyTruncated\n        errorKind\n        error\n      }\n    }\n  }\n": types.ActivateConfigurationDocument,
    "\n  mutation DeactivateConfiguration($id: ID!) {\n    deactivateConfiguration(id: $id) {\n      id\n      status\n      disabledReason\n    }\n  }\n": types.DeactivateConfigurationDocument,
    "\n  fragment DeliveryRow on Delivery {\n    id\n    createdAt\n    updatedAt\n    eventID\n    configurationID\n    status\n    eventType\n    url\n    attemptCount\n    lastResponseStatus\n    lastAttemptAt\n    event {\n      id\n      metadata\n    }\n  }\n": types.DeliveryRowFragmentDoc,
    "\n  fragment AttemptExchange on DeliveryAttempt {\n    id\n    trigger\n    startedAt\n    durationMs\n    requestURL\n    requestHeaders\n    requestBody\n    responseStatus\n    responseHeaders\n    responseBody\n    responseBodyTruncated\n    errorKind\n    error\n  }\n": types.AttemptExchangeFragmentDoc,
    "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n": types.DeliveriesDocument,
    "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      ...DeliveryRow\n    }\n  }\n": types.DeliveryUpdatedDocument,
    "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.ConfigurationChoicesDocument,
    "\n  query DeliveriesCount($where: DeliveryWhereInput) {\n    deliveries(first: 0, where: $where) {\n      totalCount\n    }\n  }\n": types.DeliveriesCountDocument,
    "\n  mutation ResendDeliveries($where: DeliveryWhereInput!) {\n    resendDeliveries(where: $where)\n  }\n": types.ResendDeliveriesDocument,
    "\n  query DeliveryDetail($id: ID!) {\n    node(id: $id) {\n      ... on Delivery {\n        ...DeliveryRow\n        nextAttemptAt\n        configurationName\n        configuration {\n          id\n          name\n        }\n        event {\n          type\n          data\n          occurredAt\n        }\n        attempts {\n          number\n          ...AttemptExchange\n        }\n      }\n    }\n  }\n": types.DeliveryDetailDocument,
    "\n  mutation ResendDelivery($id: ID!) {\n    resendDelivery(id: $id) {\n      id\n      status\n      attemptCount\n      updatedAt\n    }\n  }\n": types.ResendDeliveryDocument,
    "\n  fragment SigningKeyFields on SigningKey {\n    id\n    name\n    hint\n    createdAt\n    rotatedAt\n    revokedAt\n    previousExpiresAt\n    xSignatureSwitchesAt\n  }\n": types.SigningKeyFieldsFragmentDoc,
    "\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...SigningKeyFields\n        }\n      }\n    }\n  }\n": types.SigningKeysDocument,
    "\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n": types.SigningKeyUsageDocument,
    "\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n": types.CreateSigningKeyDocument,
    "\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n": types.RotateSigningKeyDocument,
    "\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      ...SigningKeyFields\n    }\n  }\n": types.RevokeSigningKeyDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n      branding {\n        name\n        logoURL\n        primaryColor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n      branding {\n        name\n        logoURL\n        primaryColor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PickAccounts($first: Int, $after: Cursor, $where: AccountWhereInput) {\n    accounts(first: $first, after: $after, where: $where, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PickAccounts($first: Int, $after: Cursor, $where: AccountWhereInput) {\n    accounts(first: $first, after: $after, where: $where, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenAccount($input: CreateConsoleSessionInput!) {\n    createConsoleSession(input: $input) {\n      token\n      consoleSession {\n        id\n        expiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation OpenAccount($input: CreateConsoleSessionInput!) {\n    createConsoleSession(input: $input) {\n      token\n      consoleSession {\n        id\n        expiresAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EventTypeSummary on EventType {\n    id\n    name\n    description\n    application\n    sample\n  }\n"): (typeof documents)["\n  fragment EventTypeSummary on EventType {\n    id\n    name\n    description\n    application\n    sample\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          ...EventTypeSummary\n          archived\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          ...EventTypeSummary\n          archived\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationDetail($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        status\n        url\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        createdAt\n        updatedAt\n        activatedAt\n        disabledReason\n        signingKey {\n          id\n          name\n          hint\n          revokedAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationDetail($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        status\n        url\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        createdAt\n        updatedAt\n        activatedAt\n        disabledReason\n        signingKey {\n          id\n          name\n          hint\n          revokedAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationHealth($id: ID!, $since: Time, $interval: StatsInterval) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        deliveryStats(since: $since, interval: $interval) {\n          since\n          until\n          interval\n          total\n          succeeded\n          failed\n          pending\n          retrying\n          cancelled\n          successRate\n          buckets {\n            start\n            total\n            succeeded\n            failed\n            pending\n            retrying\n            cancelled\n          }\n          latency {\n            p50Ms\n            p95Ms\n            p99Ms\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationHealth($id: ID!, $since: Time, $interval: StatsInterval) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        deliveryStats(since: $since, interval: $interval) {\n          since\n          until\n          interval\n          total\n          succeeded\n          failed\n          pending\n          retrying\n          cancelled\n          successRate\n          buckets {\n            start\n            total\n            succeeded\n            failed\n            pending\n            retrying\n            cancelled\n          }\n          latency {\n            p50Ms\n            p95Ms\n            p99Ms\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentDeliveries($where: DeliveryWhereInput) {\n    deliveries(first: 10, where: $where) {\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RecentDeliveries($where: DeliveryWhereInput) {\n    deliveries(first: 10, where: $where) {\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TestEventTypes {\n    eventTypes(first: 500, where: { archived: false }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          ...EventTypeSummary\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TestEventTypes {\n    eventTypes(first: 500, where: { archived: false }, orderBy: { field: NAME, direction: ASC }) {\n      edges {\n        node {\n          ...EventTypeSummary\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestEvent($input: SendTestEventInput!) {\n    sendTestEvent(input: $input) {\n      ...AttemptExchange\n    }\n  }\n"): (typeof documents)["\n  mutation SendTestEvent($input: SendTestEventInput!) {\n    sendTestEvent(input: $input) {\n      ...AttemptExchange\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConfigurationSettings on Configuration {\n    id\n    name\n    url\n    signingKeyID\n    eventTypes\n    maxParallel\n    timeoutSeconds\n    retrySchedule\n    headers\n    status\n  }\n"): (typeof documents)["\n  fragment ConfigurationSettings on Configuration {\n    id\n    name\n    url\n    signingKeyID\n    eventTypes\n    maxParallel\n    timeoutSeconds\n    retrySchedule\n    headers\n    status\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        ...ConfigurationSettings\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        ...ConfigurationSettings\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationFormChoices {\n    signingKeys(first: 500, where: { revokedAtIsNil: true }) {\n      edges {\n        node {\n          id\n          name\n          hint\n        }\n      }\n    }\n    eventTypes(first: 500, where: { archived: false }) {\n      edges {\n        node {\n          id\n          name\n          description\n          application\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationFormChoices {\n    signingKeys(first: 500, where: { revokedAtIsNil: true }) {\n      edges {\n        node {\n          id\n          name\n          hint\n        }\n      }\n    }\n    eventTypes(first: 500, where: { archived: false }) {\n      edges {\n        node {\n          id\n          name\n          description\n          application\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyURL($url: String!) {\n    verifyURL(url: $url) {\n      ok\n      statusCode\n      durationMs\n      error\n      responseBody\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyURL($url: String!) {\n    verifyURL(url: $url) {\n      ok\n      statusCode\n      durationMs\n      error\n      responseBody\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n"): (typeof documents)["\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      ...ConfigurationSettings\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteConfiguration($id: ID!) {\n    deleteConfiguration(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteConfiguration($id: ID!) {\n    deleteConfiguration(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ActivateConfiguration($id: ID!) {\n    activateConfiguration(id: $id) {\n      configuration {\n        id\n        status\n        disabledReason\n        activatedAt\n      }\n      attempt {\n        id\n        responseStatus\n        durationMs\n        responseBody\n        responseBodyTruncated\n        errorKind\n        error\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ActivateConfiguration($id: ID!) {\n    activateConfiguration(id: $id) {\n      configuration {\n        id\n        status\n        disabledReason\n        activatedAt\n      }\n      attempt {\n        id\n        responseStatus\n        durationMs\n        responseBody\n        responseBodyTruncated\n        errorKind\n        error\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateConfiguration($id: ID!) {\n    deactivateConfiguration(id: $id) {\n      id\n      status\n      disabledReason\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateConfiguration($id: ID!) {\n    deactivateConfiguration(id: $id) {\n      id\n      status\n      disabledReason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeliveryRow on Delivery {\n    id\n    createdAt\n    updatedAt\n    eventID\n    configurationID\n    status\n    eventType\n    url\n    attemptCount\n    lastResponseStatus\n    lastAttemptAt\n    event {\n      id\n      metadata\n    }\n  }\n"): (typeof documents)["\n  fragment DeliveryRow on Delivery {\n    id\n    createdAt\n    updatedAt\n    eventID\n    configurationID\n    status\n    eventType\n    url\n    attemptCount\n    lastResponseStatus\n    lastAttemptAt\n    event {\n      id\n      metadata\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AttemptExchange on DeliveryAttempt {\n    id\n    trigger\n    startedAt\n    durationMs\n    requestURL\n    requestHeaders\n    requestBody\n    responseStatus\n    responseHeaders\n    responseBody\n    responseBodyTruncated\n    errorKind\n    error\n  }\n"): (typeof documents)["\n  fragment AttemptExchange on DeliveryAttempt {\n    id\n    trigger\n    startedAt\n    durationMs\n    requestURL\n    requestHeaders\n    requestBody\n    responseStatus\n    responseHeaders\n    responseBody\n    responseBodyTruncated\n    errorKind\n    error\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...DeliveryRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      ...DeliveryRow\n    }\n  }\n"): (typeof documents)["\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      ...DeliveryRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeliveriesCount($where: DeliveryWhereInput) {\n    deliveries(first: 0, where: $where) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query DeliveriesCount($where: DeliveryWhereInput) {\n    deliveries(first: 0, where: $where) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendDeliveries($where: DeliveryWhereInput!) {\n    resendDeliveries(where: $where)\n  }\n"): (typeof documents)["\n  mutation ResendDeliveries($where: DeliveryWhereInput!) {\n    resendDeliveries(where: $where)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeliveryDetail($id: ID!) {\n    node(id: $id) {\n      ... on Delivery {\n        ...DeliveryRow\n        nextAttemptAt\n        configurationName\n        configuration {\n          id\n          name\n        }\n        event {\n          type\n          data\n          occurredAt\n        }\n        attempts {\n          number\n          ...AttemptExchange\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeliveryDetail($id: ID!) {\n    node(id: $id) {\n      ... on Delivery {\n        ...DeliveryRow\n        nextAttemptAt\n        configurationName\n        configuration {\n          id\n          name\n        }\n        event {\n          type\n          data\n          occurredAt\n        }\n        attempts {\n          number\n          ...AttemptExchange\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendDelivery($id: ID!) {\n    resendDelivery(id: $id) {\n      id\n      status\n      attemptCount\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation ResendDelivery($id: ID!) {\n    resendDelivery(id: $id) {\n      id\n      status\n      attemptCount\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SigningKeyFields on SigningKey {\n    id\n    name\n    hint\n    createdAt\n    rotatedAt\n    revokedAt\n    previousExpiresAt\n    xSignatureSwitchesAt\n  }\n"): (typeof documents)["\n  fragment SigningKeyFields on SigningKey {\n    id\n    name\n    hint\n    createdAt\n    rotatedAt\n    revokedAt\n    previousExpiresAt\n    xSignatureSwitchesAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...SigningKeyFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          ...SigningKeyFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        ...SigningKeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      ...SigningKeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      ...SigningKeyFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
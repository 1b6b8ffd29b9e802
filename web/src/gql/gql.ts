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
    "\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query PickAccounts($first: Int, $after: Cursor, $where: AccountWhereInput) {\n    accounts(first: $first, after: $after, where: $where, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.PickAccountsDocument,
    "\n  mutation OpenAccount($input: CreateConsoleSessionInput!) {\n    createConsoleSession(input: $input) {\n      token\n      consoleSession {\n        id\n        expiresAt\n      }\n    }\n  }\n": typeof types.OpenAccountDocument,
    "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationsDocument,
    "\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        url\n        signingKeyID\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        status\n      }\n    }\n  }\n": typeof types.ConfigurationForEditDocument,
    "\n  query ConfigurationFormChoices {\n    signingKeys(first: 500, where: { revokedAtIsNil: true }) {\n      edges {\n        node {\n          id\n          name\n          hint\n        }\n      }\n    }\n    eventTypes(first: 500, where: { archived: false }) {\n      edges {\n        node {\n          id\n          name\n          description\n          application\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationFormChoicesDocument,
    "\n  mutation VerifyURL($url: String!) {\n    verifyURL(url: $url) {\n      ok\n      statusCode\n      durationMs\n      error\n      responseBody\n    }\n  }\n": typeof types.VerifyUrlDocument,
    "\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n": typeof types.CreateConfigurationDocument,
    "\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n": typeof types.UpdateConfigurationDocument,
    "\n  mutation DeleteConfiguration($id: ID!) {\n    deleteConfiguration(id: $id)\n  }\n": typeof types.DeleteConfigurationDocument,
    "\n  mutation ActivateConfiguration($id: ID!) {\n    activateConfiguration(id: $id) {\n      configuration {\n        id\n        status\n        disabledReason\n        activatedAt\n      }\n      attempt {\n        id\n        responseStatus\n        durationMs\n        responseBody\n        responseBodyTruncated\n        errorKind\n        error\n      }\n    }\n  }\n": typeof types.ActivateConfigurationDocument,
    "\n  mutation DeactivateConfiguration($id: ID!) {\n    deactivateConfiguration(id: $id) {\n      id\n      status\n      disabledReason\n    }\n  }\n": typeof types.DeactivateConfigurationDocument,
    "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          eventID\n          configurationID\n          status\n          eventType\n          url\n          attemptCount\n          lastResponseStatus\n          lastAttemptAt\n          event {\n            id\n            metadata\n          }\n        }\n      }\n    }\n  }\n": typeof types.DeliveriesDocument,
    "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      id\n      createdAt\n      updatedAt\n      eventID\n      configurationID\n      status\n      eventType\n      url\n      attemptCount\n      lastResponseStatus\n      lastAttemptAt\n      event {\n        id\n        metadata\n      }\n    }\n  }\n": typeof types.DeliveryUpdatedDocument,
    "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationChoicesDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  query PickAccounts($first: Int, $after: Cursor, $where: AccountWhereInput) {\n    accounts(first: $first, after: $after, where: $where, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          createdAt\n        }\n      }\n    }\n  }\n": types.PickAccountsDocument,
    "\n  mutation OpenAccount($input: CreateConsoleSessionInput!) {\n    createConsoleSession(input: $input) {\n      token\n      consoleSession {\n        id\n        expiresAt\n      }\n    }\n  }\n": types.OpenAccountDocument,
    "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n": types.ConfigurationsDocument,
    "\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        url\n        signingKeyID\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        status\n      }\n    }\n  }\n": types.ConfigurationForEditDocument,
    "\n  query ConfigurationFormChoices {\n    signingKeys(first: 500, where: { revokedAtIsNil: true }) {\n      edges {\n        node {\n          id\n          name\n          hint\n        }\n      }\n    }\n    eventTypes(first: 500, where: { archived: false }) {\n      edges {\n        node {\n          id\n          name\n          description\n          application\n        }\n      }\n    }\n  }\n": types.ConfigurationFormChoicesDocument,
    "\n  mutation VerifyURL($url: String!) {\n    verifyURL(url: $url) {\n      ok\n      statusCode\n      durationMs\n      error\n      responseBody\n    }\n  }\n": types.VerifyUrlDocument,
    "\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n": types.CreateConfigurationDocument,
    "\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n": types.UpdateConfigurationDocument,
    "\n  mutation DeleteConfiguration($id: ID!) {\n    deleteConfiguration(id: $id)\n  }\n": types.DeleteConfigurationDocument,
    "\n  mutation ActivateConfiguration($id: ID!) {\n    activateConfiguration(id: $id) {\n      configuration {\n        id\n        status\n        disabledReason\n        activatedAt\n      }\n      attempt {\n        id\n        responseStatus\n        durationMs\n        responseBody\n        responseBodyTruncated\n        errorKind\n        error\n      }\n    }\n  }\n": types.ActivateConfigurationDocument,
    "\n  mutation DeactivateConfiguration($id: ID!) {\n    deactivateConfiguration(id: $id) {\n      id\n      status\n      disabledReason\n    }\n  }\n": types.DeactivateConfigurationDocument,
    "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          eventID\n          configurationID\n          status\n          eventType\n          url\n          attemptCount\n          lastResponseStatus\n          lastAttemptAt\n          event {\n            id\n            metadata\n          }\n        }\n      }\n    }\n  }\n": types.DeliveriesDocument,
    "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      id\n      createdAt\n      updatedAt\n      eventID\n      configurationID\n      status\n      eventType\n      url\n      attemptCount\n      lastResponseStatus\n      lastAttemptAt\n      event {\n        id\n        metadata\n      }\n    }\n  }\n": types.DeliveryUpdatedDocument,
    "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.ConfigurationChoicesDocument,
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
export function graphql(source: "\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n    }\n  }\n"];
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
export function graphql(source: "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n          disabledReason\n          deliveryStats {\n            successRate\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        url\n        signingKeyID\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Configuration {\n        id\n        name\n        url\n        signingKeyID\n        eventTypes\n        maxParallel\n        timeoutSeconds\n        retrySchedule\n        headers\n        status\n      }\n    }\n  }\n"];
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
export function graphql(source: "\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CreateConfiguration($input: CreateConfigurationInput!) {\n    createConfiguration(input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateConfiguration($id: ID!, $input: UpdateConfigurationInput!) {\n    updateConfiguration(id: $id, input: $input) {\n      id\n      name\n      url\n      signingKeyID\n      eventTypes\n      maxParallel\n      timeoutSeconds\n      retrySchedule\n      headers\n      status\n    }\n  }\n"];
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
export function graphql(source: "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          eventID\n          configurationID\n          status\n          eventType\n          url\n          attemptCount\n          lastResponseStatus\n          lastAttemptAt\n          event {\n            id\n            metadata\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          eventID\n          configurationID\n          status\n          eventType\n          url\n          attemptCount\n          lastResponseStatus\n          lastAttemptAt\n          event {\n            id\n            metadata\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      id\n      createdAt\n      updatedAt\n      eventID\n      configurationID\n      status\n      eventType\n      url\n      attemptCount\n      lastResponseStatus\n      lastAttemptAt\n      event {\n        id\n        metadata\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      id\n      createdAt\n      updatedAt\n      eventID\n      configurationID\n      status\n      eventType\n      url\n      attemptCount\n      lastResponseStatus\n      lastAttemptAt\n      event {\n        id\n        metadata\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
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
    "\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          description\n          application\n          sample\n          archived\n        }\n      }\n    }\n  }\n": typeof types.EventTypesDocument,
    "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationsDocument,
    "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          eventID\n          configurationID\n          status\n          eventType\n          url\n          attemptCount\n          lastResponseStatus\n          lastAttemptAt\n          event {\n            id\n            metadata\n          }\n        }\n      }\n    }\n  }\n": typeof types.DeliveriesDocument,
    "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      id\n      createdAt\n      updatedAt\n      eventID\n      configurationID\n      status\n      eventType\n      url\n      attemptCount\n      lastResponseStatus\n      lastAttemptAt\n      event {\n        id\n        metadata\n      }\n    }\n  }\n": typeof types.DeliveryUpdatedDocument,
    "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.ConfigurationChoicesDocument,
    "\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          hint\n          createdAt\n          rotatedAt\n          revokedAt\n          previousExpiresAt\n          xSignatureSwitchesAt\n        }\n      }\n    }\n  }\n": typeof types.SigningKeysDocument,
    "\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n": typeof types.SigningKeyUsageDocument,
    "\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n": typeof types.CreateSigningKeyDocument,
    "\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n": typeof types.RotateSigningKeyDocument,
    "\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      id\n      name\n      hint\n      createdAt\n      rotatedAt\n      revokedAt\n      previousExpiresAt\n      xSignatureSwitchesAt\n    }\n  }\n": typeof types.RevokeSigningKeyDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      role\n      capabilities\n      returnURL\n      expiresAt\n      account {\n        id\n        name\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          description\n          application\n          sample\n          archived\n        }\n      }\n    }\n  }\n": types.EventTypesDocument,
    "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n        }\n      }\n    }\n  }\n": types.ConfigurationsDocument,
    "\n  query Deliveries($first: Int, $after: Cursor, $where: DeliveryWhereInput) {\n    deliveries(first: $first, after: $after, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          createdAt\n          updatedAt\n          eventID\n          configurationID\n          status\n          eventType\n          url\n          attemptCount\n          lastResponseStatus\n          lastAttemptAt\n          event {\n            id\n            metadata\n          }\n        }\n      }\n    }\n  }\n": types.DeliveriesDocument,
    "\n  subscription DeliveryUpdated($where: DeliveryUpdatedFilter) {\n    deliveryUpdated(where: $where) {\n      id\n      createdAt\n      updatedAt\n      eventID\n      configurationID\n      status\n      eventType\n      url\n      attemptCount\n      lastResponseStatus\n      lastAttemptAt\n      event {\n        id\n        metadata\n      }\n    }\n  }\n": types.DeliveryUpdatedDocument,
    "\n  query ConfigurationChoices {\n    configurations(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.ConfigurationChoicesDocument,
    "\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          hint\n          createdAt\n          rotatedAt\n          revokedAt\n          previousExpiresAt\n          xSignatureSwitchesAt\n        }\n      }\n    }\n  }\n": types.SigningKeysDocument,
    "\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n": types.SigningKeyUsageDocument,
    "\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n": types.CreateSigningKeyDocument,
    "\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n": types.RotateSigningKeyDocument,
    "\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      id\n      name\n      hint\n      createdAt\n      rotatedAt\n      revokedAt\n      previousExpiresAt\n      xSignatureSwitchesAt\n    }\n  }\n": types.RevokeSigningKeyDocument,
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
export function graphql(source: "\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          description\n          application\n          sample\n          archived\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EventTypes($first: Int) {\n    eventTypes(first: $first, orderBy: { field: NAME, direction: ASC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          description\n          application\n          sample\n          archived\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Configurations($first: Int, $after: Cursor) {\n    configurations(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          url\n          status\n          eventTypes\n        }\n      }\n    }\n  }\n"];
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
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          hint\n          createdAt\n          rotatedAt\n          revokedAt\n          previousExpiresAt\n          xSignatureSwitchesAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SigningKeys($first: Int) {\n    signingKeys(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          hint\n          createdAt\n          rotatedAt\n          revokedAt\n          previousExpiresAt\n          xSignatureSwitchesAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SigningKeyUsage($first: Int) {\n    configurations(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          signingKeyID\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSigningKey($input: CreateSigningKeyInput!) {\n    createSigningKey(input: $input) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateSigningKey($id: ID!) {\n    rotateSigningKey(id: $id) {\n      secret\n      signingKey {\n        id\n        name\n        hint\n        createdAt\n        rotatedAt\n        revokedAt\n        previousExpiresAt\n        xSignatureSwitchesAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      id\n      name\n      hint\n      createdAt\n      rotatedAt\n      revokedAt\n      previousExpiresAt\n      xSignatureSwitchesAt\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeSigningKey($id: ID!) {\n    revokeSigningKey(id: $id) {\n      id\n      name\n      hint\n      createdAt\n      rotatedAt\n      revokedAt\n      previousExpiresAt\n      xSignatureSwitchesAt\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
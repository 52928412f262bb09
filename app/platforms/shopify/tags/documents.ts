/**
 * The Admin GraphQL documents of segment tag write-back (2026-07). Each is a `#graphql` literal so the schema test
 * validates it. The three write mutations double as the inner mutations of bulk operations (one top-level field
 * each, variables per JSONL line), so the direct and the bulk path send exactly the same writes.
 */

/** Variables: { id: Customer gid, tags: string[] }. Idempotent: adding a tag the customer has is a no-op. */
export const CUSTOMER_TAGS_ADD = `#graphql
  mutation CicloCustomerTagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node { id }
      userErrors { field message }
    }
  }
`;

/** Variables: { id, tags }. Idempotent: removing a tag the customer lacks is a no-op. */
export const CUSTOMER_TAGS_REMOVE = `#graphql
  mutation CicloCustomerTagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
      node { id }
      userErrors { field message }
    }
  }
`;

/** Variables: { metafields: MetafieldsSetInput[] } (at most 25, one customer per call in our use). */
export const CUSTOMER_METAFIELDS_SET = `#graphql
  mutation CicloCustomerMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key namespace }
      userErrors { field message code elementIndex }
    }
  }
`;

export const STAGED_UPLOADS_CREATE = `#graphql
  mutation CicloStagedUploadsCreate($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets { url resourceUrl parameters { name value } }
      userErrors { field message }
    }
  }
`;

export const BULK_MUTATION_RUN = `#graphql
  mutation CicloBulkMutationRun($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
    bulkOperationRunMutation(
      mutation: $mutation
      stagedUploadPath: $stagedUploadPath
      clientIdentifier: $clientIdentifier
    ) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`;

export const BULK_MUTATION_STATUS = `#graphql
  query CicloBulkMutationStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      url
      partialDataUrl
    }
  }
`;

/** A customer's current tags (null when deleted): used to check drift and by tests. */
export const CUSTOMER_TAGS_LOOKUP = `#graphql
  query CicloCustomerTags($id: ID!) {
    customer(id: $id) { id tags }
  }
`;

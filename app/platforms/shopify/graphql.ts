/**
 * Every GraphQL document Ciclo sends to the Shopify Admin API (2026-07).
 * Keep them here, tagged with `#graphql`, so one test can validate all of them — including the query
 * string inside the bulk operation — against the real Admin schema (test/platforms/shopify-graphql.test.ts).
 */

/**
 * The backfill's inner query, run as a bulk operation. Nested connections (lineItems) come back as separate
 * JSONL lines carrying `__parentId`; list fields (refunds) stay inline on the order line. We ask for
 * `groupObjects: true` so each order's lines follow it directly: the importer can then stream the file
 * with one order in memory and checkpoint on order boundaries.
 * `query` filters on updated_at so a re-run after a crash or an "on demand" refresh only fetches changes.
 * Value: `currentTotalPriceSet` follows order edits and returns, `totalPriceSet` does not (see order-value.ts).
 * Refunds are keyed by `id`; `createdAt` is nullable, `processedAt` is not.
 * Lines marked `# pii` read protected customer data (names, emails: level 2), lines marked `# customer` the
 * customer object (level 1): without Shopify's approval the whole bulk operation fails with ACCESS_DENIED, so
 * `backfillOrdersQuery` can leave them out (see BackfillService).
 */
export const BACKFILL_ORDERS_QUERY = `#graphql
  query CicloBackfillOrders {
    orders(query: "__FILTER__", sortKey: UPDATED_AT) {
      edges {
        node {
          id
          name
          email # pii
          createdAt
          updatedAt
          processedAt
          cancelledAt
          test
          displayFinancialStatus
          displayFulfillmentStatus
          sourceName
          currencyCode
          totalPriceSet { shopMoney { amount currencyCode } }
          currentTotalPriceSet { shopMoney { amount currencyCode } }
          totalRefundedSet { shopMoney { amount currencyCode } }
          customerJourneySummary { firstVisit { landingPage referrerUrl } }
          customer { # customer
            id # customer
            firstName # pii
            lastName # pii
            defaultEmailAddress { emailAddress } # pii
            createdAt # customer
            updatedAt # customer
          } # customer
          refunds { id createdAt processedAt totalRefundedSet { shopMoney { amount currencyCode } } }
          lineItems {
            edges {
              node {
                id
                title
                sku
                quantity
                originalUnitPriceSet { shopMoney { amount currencyCode } }
                product { id }
                variant { id }
              }
            }
          }
        }
      }
    }
  }
`;

/**
 * What the app may read of customers (protected customer data): "full" = names and emails too, "no-pii" =
 * customer ids and dates only, "no-customer" = no customer object at all.
 */
export type DataAccess = "full" | "no-pii" | "no-customer";
export const DATA_ACCESS_LEVELS: readonly DataAccess[] = ["full", "no-pii", "no-customer"];

/** Builds the bulk query for orders updated since `since` (inclusive), or all orders. */
export function backfillOrdersQuery(since: Date | null, access: DataAccess = "full"): string {
  const filter = since ? `updated_at:>='${since.toISOString()}'` : "";
  const drop = access === "full" ? null : access === "no-pii" ? /# pii$/ : /# (pii|customer)$/;
  const text = BACKFILL_ORDERS_QUERY.replace("__FILTER__", filter);
  return drop
    ? text
        .split("\n")
        .filter((line) => !drop.test(line.trimEnd()))
        .join("\n")
    : text;
}

export const RUN_BULK_QUERY = `#graphql
  mutation CicloRunBulkQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation { id status createdAt }
      userErrors { field message code }
    }
  }
`;

export const BULK_OPERATION_STATUS = `#graphql
  query CicloBulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
      completedAt
    }
  }
`;

export const SHOP_INFO = `#graphql
  query CicloShopInfo {
    shop { name myshopifyDomain currencyCode ianaTimezone plan { partnerDevelopment shopifyPlus } }
  }
`;

export const ALL_DOCUMENTS = { RUN_BULK_QUERY, BULK_OPERATION_STATUS, SHOP_INFO } as const;

/**
 * Every GraphQL document Ciclo sends to the Shopify Admin API (2026-07).
 * Keep them here, tagged with `#graphql`, so one test can validate all of them — including the query
 * string inside the bulk operation — against the real Admin schema (test/platforms/shopify/graphql.test.ts).
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
 * The customer's e-mail marketing state (`defaultEmailAddress.marketingState`, not protected data itself: the
 * journey's Lead stage) and Shopify's own `statistics` (rfmGroup, predictedSpendTier: the agreement matrix; null
 * fields where Shopify has not scored the customer) need only `read_customers` and level 1.
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
            defaultEmailAddress { marketingState } # customer
            statistics { rfmGroup predictedSpendTier } # customer
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

/** A document without the lines it may not read (`# pii`, `# customer`; see BACKFILL_ORDERS_QUERY). */
export function forDataAccess(document: string, access: DataAccess): string {
  const drop = access === "full" ? null : access === "no-pii" ? /# pii$/ : /# (pii|customer)$/;
  if (!drop) return document;
  return document
    .split("\n")
    .filter((line) => !drop.test(line.trimEnd()))
    .join("\n");
}

/** Builds the bulk query for orders updated since `since` (inclusive), or all orders. */
export function backfillOrdersQuery(since: Date | null, access: DataAccess = "full"): string {
  const filter = since ? sinceFilter("updated_at", since) : "";
  return forDataAccess(BACKFILL_ORDERS_QUERY.replace("__FILTER__", filter), access);
}

/** Shopify search syntax for a timestamp filter, e.g. `updated_at:>='2026-12-01T10:00:00.000Z'`. */
export function sinceFilter(field: "updated_at" | "created_at", since: Date): string {
  return `${field}:>='${since.toISOString()}'`;
}

/**
 * The reconciliation's first (and, for a quiet store, only) call: how many orders and customers changed since the
 * watermark, and how many exist in the compared windows (a difference means a lost create or delete).
 * `limit: null` = an exact count, not capped at 10,000.
 */
export const RECONCILE_PROBE = `#graphql
  query CicloReconcileProbe(
    $ordersChanged: String!
    $ordersWindow: String!
    $customersChanged: String!
    $customersWindow: String!
  ) {
    ordersChanged: ordersCount(query: $ordersChanged, limit: null) { count precision }
    orders: ordersCount(query: $ordersWindow, limit: null) { count precision }
    customersChanged: customersCount(query: $customersChanged, limit: null) { count precision }
    customers: customersCount(query: $customersWindow, limit: null) { count precision }
  }
`;

/**
 * Orders changed since the watermark, a page at a time (the same fields as the backfill's bulk query). Five orders
 * with 20 lines and 10 refunds each stay under the single-query cost limit of 1,000 points; an order with more is
 * completed with RECONCILE_ORDER_DETAIL.
 */
export const RECONCILE_ORDERS = `#graphql
  query CicloReconcileOrders($query: String!, $after: String) {
    orders(first: 5, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
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
          defaultEmailAddress { marketingState } # customer
          statistics { rfmGroup predictedSpendTier } # customer
          createdAt # customer
          updatedAt # customer
        } # customer
        refunds(first: 10) { id createdAt processedAt totalRefundedSet { shopMoney { amount currencyCode } } }
        lineItems(first: 20) {
          pageInfo { hasNextPage endCursor }
          nodes {
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
`;

/** The rest of one large order: its refunds and more line items. */
export const RECONCILE_ORDER_DETAIL = `#graphql
  query CicloReconcileOrderDetail($id: ID!, $after: String) {
    order(id: $id) {
      refunds(first: 100) { id createdAt processedAt totalRefundedSet { shopMoney { amount currencyCode } } }
      lineItems(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
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
`;

/** Customers changed since the watermark, a page at a time. */
export const RECONCILE_CUSTOMERS = `#graphql
  query CicloReconcileCustomers($query: String!, $after: String) {
    customers(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        firstName # pii
        lastName # pii
        defaultEmailAddress { emailAddress } # pii
        defaultEmailAddress { marketingState }
        statistics { rfmGroup predictedSpendTier }
        createdAt
        updatedAt
      }
    }
  }
`;

/** The ids of the orders in a window, when the counts disagree (a lost orders/create or orders/delete). */
export const RECONCILE_ORDER_IDS = `#graphql
  query CicloReconcileOrderIds($query: String!, $after: String) {
    orders(first: 250, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id }
    }
  }
`;

/** The ids of the customers in a window, when the counts disagree (a lost customers/create or customers/delete). */
export const RECONCILE_CUSTOMER_IDS = `#graphql
  query CicloReconcileCustomerIds($query: String!, $after: String) {
    customers(first: 250, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id }
    }
  }
`;

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

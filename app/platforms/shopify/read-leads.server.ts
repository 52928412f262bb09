/**
 * The customers who could be Leads but whom the orders backfill never sees: accounts without an order that
 * accepted e-mail marketing. The backfill's bulk query reads customers through their orders, and the
 * reconciliation reads customers changed since the install, so a newsletter sign-up from before the install
 * would otherwise never reach the Journey. After a full import (install or manual refresh) they are read once,
 * narrowed by Shopify's documented customer search terms `orders_count` and `email_marketing_state`, a page at a
 * time with the reconciliation's customer query (so consent and Shopify's groups come with them), and written a
 * page at a time through the webhook path's customer writer (a redacted customer stays redacted).
 */
import type { Db } from "../../db.server";
import { storeCustomers } from "../../sync/order-writer.server";
import type { AdminGraphql } from "./admin-graphql.server";
import { forDataAccess, RECONCILE_CUSTOMERS, type DataAccess } from "./graphql";
import { mapGraphqlCustomer } from "./map-bulk";

export const SUBSCRIBED_WITHOUT_ORDERS = "orders_count:0 AND email_marketing_state:SUBSCRIBED";

type Page = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Record<string, unknown>[] };

/** Reads and stores them; returns how many were read. Throws on a failed call (the caller decides what that means). */
export async function readSubscribedNonBuyers(
  db: Db,
  store: { id: string; domain: string },
  admin: AdminGraphql,
  access: DataAccess,
): Promise<number> {
  // Without the customer object (no approval for protected customer data) there is nothing to read.
  if (access === "no-customer") return 0;
  const document = forDataAccess(RECONCILE_CUSTOMERS, access);
  let after: string | null = null;
  let read = 0;
  do {
    const result = await admin<{ customers: Page }>(document, { query: SUBSCRIBED_WITHOUT_ORDERS, after });
    const fatal = result.errors.filter((e) => e.extensions?.code !== "ACCESS_DENIED");
    if (fatal.length > 0 || !result.data)
      throw new Error(`reading subscribed customers failed: ${JSON.stringify(result.errors).slice(0, 300)}`);
    const page: Page = result.data.customers;
    const customers = page.nodes.map(mapGraphqlCustomer).filter((c) => c !== null);
    // A page in one transaction: one insert for the new customers rather than a transaction each.
    await storeCustomers(db, store.id, customers);
    read += customers.length;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return read;
}

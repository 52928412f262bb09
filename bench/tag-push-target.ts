/**
 * The tag push the benchmarks time: the simulated Shopify in its own process (Standard plan: 100 points/s; as
 * Shopify is on its own machines), its customers holding the store's ids, and the app's own tag outbox with the
 * app's Shopify writer factory (defaults: two bulk rounds at once, 5 s fallback poll). The writer waits on
 * bulk_operations/finish as the app does, polling only as a fallback.
 */
import type { Db } from "../app/db.server";
import type { BulkWriter } from "../app/db/bulk-writer.server";
import type { Dialect } from "../app/db/sql.server";
import { TagOutbox } from "../app/jobs/tags/tag-outbox.server";
import { BulkOperationSignals } from "../app/platforms/shopify/bulk-operation-signals";
import { createShopifyLabelWriterFactory } from "../app/platforms/shopify/label-writer.server";
import { simulatorAdminGraphql } from "../simulators/shopify/admin-client";
import { startShopifyProcess, type ShopifyProcess } from "./shopify-process";

export async function startTagPushTarget(options: {
  db: Db;
  bulk: BulkWriter;
  dialect: Dialect;
  domain: string;
  customers: number;
  firstCustomerId: number;
}): Promise<{ shopify: ShopifyProcess; outbox: TagOutbox }> {
  const shopify = await startShopifyProcess({
    domain: options.domain,
    plan: "standard",
    customers: options.customers,
    firstCustomerId: options.firstCustomerId,
  });
  const graphql = simulatorAdminGraphql(shopify.graphqlUrl, shopify.accessToken);
  const bulkFinished = new BulkOperationSignals();
  shopify.onBulkFinished = (gid) => bulkFinished.finished(gid);
  const outbox = new TagOutbox(
    options.db,
    options.bulk,
    createShopifyLabelWriterFactory({ adminFor: async () => graphql, bulkFinished }),
    { dialect: options.dialect },
  );
  return { shopify, outbox };
}

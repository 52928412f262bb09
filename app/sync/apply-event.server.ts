/**
 * Applies one platform-neutral StoreEvent to the database for one store. Order upserts go through
 * writeOrders in batches (see inbox-processor); everything else is handled here.
 */
import type { Db } from "../db.server";
import type { StoreEvent, StoreOrder } from "../domain/types";
import { redactCustomer } from "./redaction.server";
import { purgeExpiredDataRequests } from "../read-models/data-requests.server";
import {
  newId,
  redactedCustomerIds,
  storeCustomers,
  writeOrders,
  writeOrdersTx,
  writeRefund,
} from "./order-writer.server";
import { logger } from "../logger.server";
import { deleteUnlinkedStoreRows } from "../db/unlinked-store-rows.server";

export interface ApplyContext {
  db: Db;
  storeId: string;
  shopDomain: string;
  /** bulk_operations/finish arrived: a backfill or a tag push waiting on that operation moves on. */
  onBulkOperationFinished?: (operationId: string) => void;
}

export async function applyStoreEvent(ctx: ApplyContext, event: StoreEvent): Promise<void> {
  const { db, storeId } = ctx;
  switch (event.kind) {
    case "order.upsert":
      await writeOrders(db, storeId, [event.order]);
      return;
    case "order.delete":
      await deleteOrder(db, storeId, event.orderExternalId);
      return;
    case "order.restore":
      await restoreOrders(db, storeId, [event.order]);
      return;
    case "refund.create":
      await writeRefund(db, storeId, event.refund);
      return;
    case "customer.upsert":
      await storeCustomers(db, storeId, [event.customer]);
      return;
    case "customer.consent":
      await storeConsent(db, storeId, event.customerExternalId, event.acceptsMarketing);
      return;
    case "customer.delete":
      // Gone from the store: drop personal data, keep the row so its orders still add up for the store.
      await db.customer.updateMany({
        where: { storeId, externalId: event.customerExternalId },
        data: { deletedAt: event.at, email: null, firstName: null, lastName: null },
      });
      return;
    case "customer.redact":
      await redactCustomer(db, storeId, event.customerExternalId, event.orderExternalIds, event.email);
      return;
    case "customer.dataRequest":
      await assembleDataRequest(db, storeId, event);
      return;
    case "shop.redact":
      await redactShop(db, storeId, ctx.shopDomain);
      return;
    case "app.uninstalled":
      await db.$transaction([
        db.store.update({ where: { id: storeId }, data: { status: "uninstalled", uninstalledAt: new Date() } }),
        db.session.deleteMany({ where: { shop: ctx.shopDomain } }),
        db.backfillRun.updateMany({
          where: { storeId, state: { in: ["queued", "running", "downloading", "importing"] } },
          data: { state: "cancelled", error: "app uninstalled", finishedAt: new Date() },
        }),
      ]);
      return;
    case "app.scopesUpdate":
      await db.$transaction([
        db.store.update({ where: { id: storeId }, data: { scopes: event.scopes.join(",") } }),
        db.session.updateMany({ where: { shop: ctx.shopDomain }, data: { scope: event.scopes.join(",") } }),
      ]);
      return;
    case "bulkOperation.finished":
      ctx.onBulkOperationFinished?.(event.operationId);
      return;
    case "ignored":
      return;
  }
}

/**
 * A consent change on its own. It may arrive before the customer's own create (deliveries are unordered): then a
 * row with just the id and the consent is kept, and the customer's details fill it when they arrive (the customer
 * writer leaves consent alone when its payload has none).
 */
async function storeConsent(db: Db, storeId: string, externalId: string, acceptsMarketing: boolean): Promise<void> {
  await db.$transaction(async (tx) => {
    if ((await redactedCustomerIds(tx, storeId, [externalId])).size > 0) return;
    const held = await tx.customer.findUnique({
      where: { storeId_externalId: { storeId, externalId } },
      select: { id: true, deletedAt: true },
    });
    if (!held) await tx.customer.create({ data: { id: newId(), storeId, externalId, acceptsMarketing } });
    else if (!held.deletedAt) await tx.customer.update({ where: { id: held.id }, data: { acceptsMarketing } });
  });
}

async function deleteOrder(db: Db, storeId: string, orderExternalId: string): Promise<void> {
  const now = new Date();
  await db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({
      where: { storeId_externalId: { storeId, externalId: orderExternalId } },
    });
    if (order) {
      await tx.orderLine.deleteMany({ where: { storeId, orderId: order.id } });
      await tx.order.update({
        where: { id: order.id },
        data: { deletedAt: now, countsForValue: false, email: null, productIds: null },
      });
    } else {
      // Delete before create (unordered delivery): leave a tombstone so the late create is ignored.
      await tx.order.create({
        data: {
          storeId,
          externalId: orderExternalId,
          currency: "XXX",
          grossMinor: 0n,
          netMinor: 0n,
          countsForValue: false,
          processedAt: now,
          platformCreatedAt: now,
          platformUpdatedAt: now,
          deletedAt: now,
        },
      });
    }
  });
}

/**
 * Orders back in the store after a deletion (WooCommerce's trash is reversible): the tombstone is lifted when the
 * order's own modification time is newer than the last version applied before the deletion — a replay of an older
 * delivery cannot revive an order deleted since — and then the order is written like any update.
 */
export async function restoreOrders(db: Db, storeId: string, orders: StoreOrder[]): Promise<number> {
  if (orders.length === 0) return 0;
  return db.$transaction(
    async (tx) => {
      const held = await tx.order.findMany({
        where: { storeId, externalId: { in: orders.map((o) => o.externalId) }, deletedAt: { not: null } },
        select: { id: true, externalId: true, platformUpdatedAt: true },
      });
      const byId = new Map(orders.map((o) => [o.externalId, o]));
      const lifted = held.filter((h) => byId.get(h.externalId)!.updatedAt.getTime() > h.platformUpdatedAt.getTime());
      if (lifted.length)
        await tx.order.updateMany({
          where: { id: { in: lifted.map((h) => h.id) } },
          // The restored payload must win the newest-wins check against the tombstone's own time.
          data: { deletedAt: null, platformUpdatedAt: new Date(0) },
        });
      await writeOrdersTx(tx, storeId, orders);
      return lifted.length;
    },
    { timeout: 60_000 },
  );
}

/** GDPR shop/redact (48 h after uninstall): every row of the shop goes, including the store itself. */
async function redactShop(db: Db, storeId: string, shopDomain: string) {
  // The tables without a foreign key to the store first: deleting the store does not reach them.
  await deleteUnlinkedStoreRows(db, storeId);
  await db.$transaction([
    db.session.deleteMany({ where: { shop: shopDomain } }),
    db.store.delete({ where: { id: storeId } }), // cascades to every table that belongs to the store
  ]);
  logger.info("shop redacted", { shop: shopDomain });
}

async function assembleDataRequest(
  db: Db,
  storeId: string,
  event: Extract<StoreEvent, { kind: "customer.dataRequest" }>,
): Promise<void> {
  const customer = await db.customer.findUnique({
    where: { storeId_externalId: { storeId, externalId: event.customerExternalId } },
    select: {
      externalId: true,
      email: true,
      firstName: true,
      lastName: true,
      platformCreatedAt: true,
      deletedAt: true,
    },
  });
  const orders = await db.order.findMany({
    where: {
      storeId,
      deletedAt: null,
      OR: [{ customerExternalId: event.customerExternalId }, { externalId: { in: event.orderExternalIds } }],
    },
    select: {
      externalId: true,
      name: true,
      email: true,
      processedAt: true,
      currency: true,
      grossMinor: true,
      refundedMinor: true,
      sourceName: true,
      landingSite: true,
      referringSite: true,
      lines: { select: { productId: true, variantId: true, sku: true, title: true, quantity: true, priceMinor: true } },
    },
    orderBy: { processedAt: "asc" },
  });
  const report = {
    generatedAt: new Date().toISOString(),
    customerExternalId: event.customerExternalId,
    customer,
    orders,
    note: "Ciclo stores order history, customer names and e-mail as synced from the store, and derived segment scores.",
  };
  await purgeExpiredDataRequests(db);
  await db.dataRequest.create({
    data: {
      storeId,
      requestId: event.requestId,
      customerExternalId: event.customerExternalId,
      report: JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    },
  });
}

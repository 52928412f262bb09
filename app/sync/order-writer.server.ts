/**
 * Idempotent, out-of-order-safe writes of orders, customers and refunds, shared by webhooks and the backfill.
 * - Newest wins: a payload whose platform `updated_at` is older than what we hold is skipped.
 * - A deleted order is a tombstone: late updates never bring it back.
 * - Refunds are keyed by id, so a refund seen in refunds/create and again inside an order payload counts once; a
 *   better-known amount (exact shop money over a presentment-currency estimate) replaces a worse one, never back.
 * - Customers redacted under GDPR are never re-created: their orders are kept as anonymous sales.
 * Works in batches (one transaction, a few queries per batch) because the backfill writes millions of rows.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "../db.server";
import type { StoreCustomer, StoreOrder, StoreRefund } from "../domain/types";
import { countsTowardCustomerValue } from "../domain/orders";
import { redactionHashes } from "./redaction-hash.server";
import { stripRedactedPersonalData } from "./redaction.server";

type Tx = Prisma.TransactionClient;

export interface WriteResult {
  written: number;
  skippedStale: number;
}

/**
 * The stored `countsForValue` flag: the domain's rule (app/domain/orders.ts) for everything that does not depend on
 * refunds — not a test, not cancelled or voided, money taken. Refunds arrive separately and change later, so "fully
 * refunded" is applied where values are read: `countsForValue AND (netMinor > 0 OR grossMinor = 0)`.
 */
export function countsForValue(order: StoreOrder): boolean {
  return countsTowardCustomerValue({ ...order, refunds: [], reportedRefundedMinor: null });
}

export async function writeOrders(db: Db, storeId: string, orders: StoreOrder[]): Promise<WriteResult> {
  if (orders.length === 0) return { written: 0, skippedStale: 0 };
  return db.$transaction((tx) => writeOrdersTx(tx, storeId, orders), { timeout: 60_000 });
}

export async function writeOrdersTx(tx: Tx, storeId: string, input: StoreOrder[]): Promise<WriteResult> {
  // Within one batch keep only the newest payload per order.
  const newest = new Map<string, StoreOrder>();
  for (const order of input) {
    const seen = newest.get(order.externalId);
    if (!seen || seen.updatedAt.getTime() <= order.updatedAt.getTime()) newest.set(order.externalId, order);
  }
  const ids = [...newest.keys()];
  const existing = new Map(
    (
      await tx.order.findMany({
        where: { storeId, externalId: { in: ids } },
        select: { id: true, externalId: true, platformUpdatedAt: true, deletedAt: true },
      })
    ).map((o) => [o.externalId, o]),
  );
  const fresh: StoreOrder[] = [];
  for (const order of newest.values()) {
    const held = existing.get(order.externalId);
    if (held && (held.deletedAt || held.platformUpdatedAt.getTime() > order.updatedAt.getTime())) continue;
    fresh.push(order);
  }
  const skippedStale = input.length - fresh.length;
  if (fresh.length === 0) return { written: 0, skippedStale };
  await stripRedactedPersonalData(tx, storeId, fresh);

  const redacted = await redactedCustomerIds(
    tx,
    storeId,
    fresh.map((o) => o.customer?.externalId).filter((id): id is string => !!id),
  );
  const customerRowIds = await upsertCustomersTx(
    tx,
    storeId,
    fresh.map((o) => o.customer).filter((c): c is StoreCustomer => !!c && !redacted.has(c.externalId)),
  );
  await upsertRefundsTx(
    tx,
    storeId,
    fresh.flatMap((o) => o.refunds),
  );
  const refundTotals = await refundTotalsFor(
    tx,
    storeId,
    fresh.map((o) => o.externalId),
  );

  const creates: Prisma.OrderCreateManyInput[] = [];
  const lineRows: Prisma.OrderLineCreateManyInput[] = [];
  for (const order of fresh) {
    const customerExternalId =
      order.customer && !redacted.has(order.customer.externalId) ? order.customer.externalId : null;
    const refundedMinor = Math.max(refundTotals.get(order.externalId) ?? 0, order.reportedRefundedMinor ?? 0);
    const data = {
      reportedRefundedMinor: order.reportedRefundedMinor === null ? null : BigInt(order.reportedRefundedMinor),
      name: order.name,
      customerId: customerExternalId ? (customerRowIds.get(customerExternalId) ?? null) : null,
      customerExternalId,
      email: customerExternalId === null && order.customer ? null : order.email,
      currency: order.currency,
      grossMinor: BigInt(order.grossMinor),
      refundedMinor: BigInt(refundedMinor),
      netMinor: BigInt(order.grossMinor - refundedMinor),
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      cancelled: order.cancelledAt !== null,
      cancelledAt: order.cancelledAt,
      test: order.test,
      countsForValue: countsForValue(order),
      sourceName: order.sourceName,
      landingSite: order.landingSite,
      referringSite: order.referringSite,
      attribution: order.attribution ?? null,
      productIds: productIdsOf(order.lines),
      processedAt: order.processedAt,
      platformCreatedAt: order.createdAt,
      platformUpdatedAt: order.updatedAt,
    };
    const held = existing.get(order.externalId);
    let orderId: string;
    if (held) {
      orderId = held.id;
      await tx.order.update({ where: { id: held.id }, data });
    } else {
      orderId = newId();
      creates.push({ id: orderId, storeId, externalId: order.externalId, ...data });
    }
    for (const line of order.lines) {
      lineRows.push({
        storeId,
        orderId,
        externalId: line.externalId,
        productId: line.productId,
        variantId: line.variantId,
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        priceMinor: BigInt(line.unitPriceMinor),
      });
    }
  }
  if (creates.length) await tx.order.createMany({ data: creates });
  const updatedIds = fresh.filter((o) => existing.has(o.externalId)).map((o) => existing.get(o.externalId)!.id);
  // By order id alone (the ids were read under this store just above): with `storeId = ? AND orderId IN (…)`
  // SQLite picks the (storeId, productId) index and walks every line of the store — a few hundred milliseconds
  // of the request thread per batch on a large store.
  if (updatedIds.length) await tx.orderLine.deleteMany({ where: { orderId: { in: updatedIds } } });
  if (lineRows.length) await tx.orderLine.createMany({ data: lineRows });
  return { written: fresh.length, skippedStale };
}

/**
 * The order's lines' product ids as the order row keeps them beside its lines (a JSON array, null when no line
 * names a product): the nightly reads them without joining the lines (decision 175). Written with the lines,
 * always together, so the two never disagree.
 */
export function productIdsOf(lines: readonly { productId: string | null }[]): string | null {
  const ids = lines.flatMap((line) => (line.productId === null ? [] : [line.productId]));
  return ids.length === 0 ? null : JSON.stringify(ids);
}

/**
 * Upserts customers read from the platform in one transaction (one read of the redaction list, one insert for the
 * new ones), leaving out any customer who was redacted: a redacted customer is never re-created.
 */
export async function storeCustomers(db: Db, storeId: string, customers: StoreCustomer[]): Promise<number> {
  if (customers.length === 0) return 0;
  return db.$transaction(async (tx) => {
    const redacted = await redactedCustomerIds(
      tx,
      storeId,
      customers.map((c) => c.externalId),
    );
    const kept = customers.filter((c) => !redacted.has(c.externalId));
    if (kept.length > 0) await upsertCustomersTx(tx, storeId, kept);
    return kept.length;
  });
}

/** Upserts customers (newest `updated_at` wins) and returns externalId -> row id for all of them. */
export async function upsertCustomersTx(tx: Tx, storeId: string, input: StoreCustomer[]): Promise<Map<string, string>> {
  const newest = new Map<string, StoreCustomer>();
  for (const c of input) {
    const seen = newest.get(c.externalId);
    if (!seen || (seen.updatedAt?.getTime() ?? 0) <= (c.updatedAt?.getTime() ?? 0)) newest.set(c.externalId, c);
  }
  const rows = await tx.customer.findMany({
    where: { storeId, externalId: { in: [...newest.keys()] } },
    select: {
      id: true,
      externalId: true,
      platformUpdatedAt: true,
      deletedAt: true,
      email: true,
      firstName: true,
      lastName: true,
      platformCreatedAt: true,
      acceptsMarketing: true,
      shopifyRfmGroup: true,
      shopifyPredictedSpendTier: true,
    },
  });
  const ids = new Map(rows.map((r) => [r.externalId, r.id]));
  const byExternalId = new Map(rows.map((r) => [r.externalId, r]));
  const creates: Prisma.CustomerCreateManyInput[] = [];
  for (const c of newest.values()) {
    const data = {
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      platformCreatedAt: c.createdAt,
      platformUpdatedAt: c.updatedAt,
      // Only what this source read: a webhook without consent or groups leaves the backfill's values alone.
      ...(c.acceptsMarketing !== undefined ? { acceptsMarketing: c.acceptsMarketing } : {}),
      ...(c.platformGroups
        ? {
            shopifyRfmGroup: c.platformGroups.rfmGroup,
            shopifyPredictedSpendTier: c.platformGroups.predictedSpendTier,
          }
        : {}),
    };
    const held = byExternalId.get(c.externalId);
    if (!held) {
      const id = newId();
      ids.set(c.externalId, id);
      creates.push({ id, storeId, externalId: c.externalId, ...data });
    } else if (
      !held.deletedAt &&
      (held.platformUpdatedAt?.getTime() ?? 0) <= (c.updatedAt?.getTime() ?? 0) &&
      !alreadyHeld(held, data)
    ) {
      // A re-read of the same customer (a second import, a redelivery) writes nothing.
      await tx.customer.update({ where: { id: held.id }, data });
    }
  }
  if (creates.length) await tx.customer.createMany({ data: creates });
  return ids;
}

/** Whether every value the update would write is what the row already holds (undefined = not written). */
function alreadyHeld(held: Record<string, unknown>, data: Record<string, unknown>): boolean {
  return Object.entries(data).every(([key, value]) => {
    if (value === undefined) return true;
    const current = held[key];
    if (value instanceof Date || current instanceof Date)
      return value instanceof Date && current instanceof Date && value.getTime() === current.getTime();
    return (value ?? null) === (current ?? null);
  });
}

/**
 * Stores refunds by id. A refund never changes once made, so a second sighting only matters when it knows the
 * amount better (its rank is higher: an exact shop-currency amount over an estimate converted from the currency
 * the buyer paid in). Returns the orders whose refund amounts changed.
 */
export async function upsertRefundsTx(tx: Tx, storeId: string, refunds: StoreRefund[]): Promise<Set<string>> {
  const changed = new Set<string>();
  if (refunds.length === 0) return changed;
  const held = new Map(
    (
      await tx.refund.findMany({
        where: { storeId, externalId: { in: refunds.map((r) => r.externalId) } },
        select: { id: true, externalId: true, amountMinor: true, amountRank: true },
      })
    ).map((r) => [r.externalId, r]),
  );
  const creates: Prisma.RefundCreateManyInput[] = [];
  for (const r of refunds) {
    const rank = r.amountRank ?? 2;
    const row = held.get(r.externalId);
    if (!row) {
      creates.push({
        storeId,
        externalId: r.externalId,
        orderExternalId: r.orderExternalId,
        amountMinor: BigInt(r.amountMinor),
        amountRank: rank,
        refundedAt: r.refundedAt,
      });
      held.set(r.externalId, {
        id: "",
        externalId: r.externalId,
        amountMinor: BigInt(r.amountMinor),
        amountRank: rank,
      });
      changed.add(r.orderExternalId);
    } else if (row.amountRank < rank) {
      if (row.id)
        await tx.refund.update({
          where: { id: row.id },
          data: { amountMinor: BigInt(r.amountMinor), amountRank: rank },
        });
      else {
        const pending = creates.find((c) => c.externalId === r.externalId)!;
        Object.assign(pending, { amountMinor: BigInt(r.amountMinor), amountRank: rank });
      }
      Object.assign(row, { amountMinor: BigInt(r.amountMinor), amountRank: rank });
      changed.add(r.orderExternalId);
    }
  }
  if (creates.length) await tx.refund.createMany({ data: creates });
  return changed;
}

async function refundTotalsFor(tx: Tx, storeId: string, orderExternalIds: string[]): Promise<Map<string, number>> {
  const sums = await tx.refund.groupBy({
    by: ["orderExternalId"],
    where: { storeId, orderExternalId: { in: orderExternalIds } },
    _sum: { amountMinor: true },
  });
  return new Map(sums.map((s) => [s.orderExternalId, Number(s._sum.amountMinor ?? 0n)]));
}

/** A refund delivered on its own: store it, then re-net its order if we already have the order. */
export async function writeRefund(db: Db, storeId: string, refund: StoreRefund): Promise<void> {
  await db.$transaction(async (tx) => {
    await upsertRefundsTx(tx, storeId, [refund]);
    await renetOrderTx(tx, storeId, refund.orderExternalId);
  });
}

export async function renetOrderTx(tx: Tx, storeId: string, orderExternalId: string): Promise<void> {
  const order = await tx.order.findUnique({
    where: { storeId_externalId: { storeId, externalId: orderExternalId } },
    select: { id: true, grossMinor: true, reportedRefundedMinor: true },
  });
  if (!order) return; // the order's own payload will include the refund total when it arrives
  // From the refund rows and the platform's floor, not from the previous figure: a row's estimate may just have
  // been replaced by the exact amount.
  const total = BigInt((await refundTotalsFor(tx, storeId, [orderExternalId])).get(orderExternalId) ?? 0);
  const floor = order.reportedRefundedMinor ?? 0n;
  const refunded = total > floor ? total : floor;
  await tx.order.update({
    where: { id: order.id },
    data: { refundedMinor: refunded, netMinor: order.grossMinor - refunded },
  });
}

/** The platform ids among `customerIds` whose customers were redacted in this store. */
export async function redactedCustomerIds(tx: Tx, storeId: string, customerIds: string[]): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const byHash = new Map(customerIds.flatMap((id) => redactionHashes(storeId, id).map((hash) => [hash, id] as const)));
  const rows = await tx.redactedCustomer.findMany({
    where: { storeId, idHash: { in: [...byHash.keys()] } },
    select: { idHash: true },
  });
  return new Set(rows.map((r) => byHash.get(r.idHash)!));
}

/** Row ids chosen here because createMany cannot hand generated ids back on SQLite. */
export function newId(): string {
  return randomUUID();
}

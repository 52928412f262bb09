/**
 * Pure state transitions of an order (pay, fulfil, refund, cancel). The history generator applies them directly;
 * the live store applies them and then emits the webhooks Shopify would send. Each sets updatedAt to `at`.
 */
import type { IdAllocator } from "./ids";
import type { CancelReason, RestockType, SimOrder, SimRefund, SimRefundLine, SimTransaction } from "./model";
import { orderTotals, refundCashCents, refundLineAmounts } from "./order-math";

export class LifecycleError extends Error {}

function transaction(
  ids: IdAllocator,
  order: SimOrder,
  kind: SimTransaction["kind"],
  amountCents: number,
  at: Date,
  parentId: number | null = null,
): SimTransaction {
  return {
    id: ids.next("transaction"),
    kind,
    status: "success",
    amountCents,
    gateway: order.gateway,
    createdAt: at,
    parentId,
  };
}

function touch(order: SimOrder, at: Date): void {
  if (at.getTime() > order.updatedAt.getTime()) order.updatedAt = at;
}

/** Captures payment: a pending/authorized order becomes paid. */
export function markPaid(order: SimOrder, at: Date, ids: IdAllocator): void {
  if (order.cancelledAt) throw new LifecycleError(`order ${order.id} is cancelled`);
  if (
    order.financialStatus !== "pending" &&
    order.financialStatus !== "authorized" &&
    order.financialStatus !== "partially_paid"
  )
    throw new LifecycleError(`order ${order.id} is already ${order.financialStatus}`);
  const total = orderTotals(order).dueCents; // after any edit
  const auth = order.transactions.find((t) => t.kind === "authorization" && t.status === "success");
  order.transactions.push(transaction(ids, order, auth ? "capture" : "sale", total, at, auth?.id ?? null));
  order.financialStatus = "paid";
  touch(order, at);
}

export function fulfill(order: SimOrder, at: Date): void {
  if (order.cancelledAt) throw new LifecycleError(`order ${order.id} is cancelled`);
  order.fulfillmentStatus = "fulfilled";
  // Shopify archives (closes) paid + fulfilled orders automatically by default.
  if (order.financialStatus === "paid") order.closedAt = at;
  touch(order, at);
}

export interface RefundSpec {
  /** Lines to refund; omitted = nothing line-based (e.g. a goodwill amount). */
  lines?: { lineItemId: number; quantity: number; restockType?: RestockType }[];
  /** Refund the shipping too. */
  shipping?: boolean;
  /** Overrides the computed amount (a partial goodwill refund); capped at what is refundable. */
  amountCents?: number;
  note?: string | null;
}

/** Quantity of a line already refunded. */
function refundedQuantity(order: SimOrder, lineItemId: number): number {
  let q = 0;
  for (const r of order.refunds) for (const rl of r.lines) if (rl.lineItemId === lineItemId) q += rl.quantity;
  return q;
}

export function refund(order: SimOrder, spec: RefundSpec, at: Date, ids: IdAllocator): SimRefund {
  const before = orderTotals(order);
  if (before.outstandingRefundableCents <= 0) throw new LifecycleError(`order ${order.id} has nothing left to refund`);
  const lines: SimRefundLine[] = [];
  let subtotal = 0;
  let tax = 0;
  for (const l of spec.lines ?? []) {
    const line = order.lineItems.find((x) => x.id === l.lineItemId);
    if (!line) throw new LifecycleError(`order ${order.id} has no line item ${l.lineItemId}`);
    if (l.quantity <= 0 || refundedQuantity(order, line.id) + l.quantity > line.quantity)
      throw new LifecycleError(`cannot refund ${l.quantity} of line ${line.id}`);
    const amounts = refundLineAmounts(order, line, l.quantity);
    subtotal += amounts.subtotalCents;
    tax += amounts.totalTaxCents;
    lines.push({
      id: ids.next("refundLine"),
      lineItemId: line.id,
      quantity: l.quantity,
      restockType: l.restockType ?? "no_restock",
      subtotalCents: amounts.subtotalCents,
      totalTaxCents: amounts.totalTaxCents,
    });
  }
  const alreadyShipping = order.refunds.reduce((s, r) => s + r.shippingCents, 0);
  const shippingCents = spec.shipping ? order.shippingCents - alreadyShipping : 0;
  const computed = refundCashCents(order, subtotal, tax, shippingCents);
  const amount = Math.min(spec.amountCents ?? computed, before.outstandingRefundableCents);
  if (amount <= 0 && lines.length === 0) throw new LifecycleError("empty refund");
  const parent = order.transactions.find((t) => (t.kind === "sale" || t.kind === "capture") && t.status === "success");
  const r: SimRefund = {
    id: ids.next("refund"),
    createdAt: at,
    note: spec.note ?? null,
    restock: lines.some((l) => l.restockType !== "no_restock"),
    lines,
    shippingCents,
    transactions: amount > 0 ? [transaction(ids, order, "refund", amount, at, parent?.id ?? null)] : [],
  };
  order.refunds.push(r);
  const after = orderTotals(order);
  order.financialStatus = after.outstandingRefundableCents === 0 ? "refunded" : "partially_refunded";
  touch(order, at);
  return r;
}

export interface CancelSpec {
  reason: CancelReason;
  /** Refund what was paid (default true); an unpaid/authorized order is voided instead. */
  refund?: boolean;
  restock?: boolean;
}

export function cancel(order: SimOrder, spec: CancelSpec, at: Date, ids: IdAllocator): SimRefund | null {
  if (order.cancelledAt) throw new LifecycleError(`order ${order.id} is already cancelled`);
  order.cancelledAt = at;
  order.cancelReason = spec.reason;
  order.closedAt = at;
  let created: SimRefund | null = null;
  if (order.financialStatus === "authorized" || order.financialStatus === "pending") {
    const auth = order.transactions.find((t) => t.kind === "authorization" && t.status === "success");
    if (auth) order.transactions.push(transaction(ids, order, "void", 0, at, auth.id));
    order.financialStatus = "voided";
  } else if (spec.refund !== false && orderTotals(order).outstandingRefundableCents > 0) {
    const restockType: RestockType = spec.restock === false ? "no_restock" : "cancel";
    created = refund(
      order,
      {
        lines: order.lineItems
          .map((l) => ({
            lineItemId: l.id,
            quantity: l.quantity - refundedQuantity(order, l.id),
            restockType,
          }))
          .filter((l) => l.quantity > 0),
        shipping: true,
      },
      at,
      ids,
    );
  }
  if (order.fulfillmentStatus === "fulfilled" && spec.restock !== false) order.fulfillmentStatus = "restocked";
  touch(order, at);
  return created;
}

/**
 * Which orders count toward a customer's value, in one place, so every number in Ciclo agrees:
 * an order counts when it is not a test order, not cancelled, not voided, and its payment status says money
 * was taken (or the platform doesn't report one). Its value is gross minus refunds (itemised refunds merged
 * with separately delivered ones by id; the platform's reported total wins when it is larger). A fully refunded
 * order is a returned purchase and does not count; a genuinely free order (gross 0) counts as a purchase day
 * with zero spend.
 */
import type { StoreOrder, StoreRefund } from "./types";

/** Payment statuses (Shopify financial_status and WooCommerce status, lower case) that mean money was taken. */
export const PAID_STATUSES: ReadonlySet<string> = new Set([
  "paid",
  "partially_paid",
  "partially_refunded",
  "refunded",
  "completed",
  "processing",
]);

export function netOrderAmountMinor(order: StoreOrder, separateRefunds: readonly StoreRefund[] = []): number {
  const byId = new Map<string, number>();
  for (const refund of [...order.refunds, ...separateRefunds]) {
    if (refund.orderExternalId === order.externalId || order.refunds.includes(refund))
      byId.set(refund.externalId, refund.amountMinor);
  }
  let itemised = 0;
  for (const amount of byId.values()) itemised += amount;
  const refunded = Math.max(itemised, order.reportedRefundedMinor ?? 0);
  return Math.max(0, order.grossMinor - refunded);
}

export function countsTowardCustomerValue(order: StoreOrder, separateRefunds: readonly StoreRefund[] = []): boolean {
  if (order.test || order.cancelledAt !== null || order.voided) return false;
  const status = order.financialStatus?.toLowerCase() ?? null;
  if (status !== null && !PAID_STATUSES.has(status)) return false;
  if (order.grossMinor > 0 && netOrderAmountMinor(order, separateRefunds) === 0) return false;
  return true;
}

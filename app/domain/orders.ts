/**
 * Which orders count toward a customer's value, in one place, so every number in Ciclo agrees:
 * an order counts when it is not a test order, not cancelled, not voided, and money was taken (`paid`, which
 * each platform's adapter reads from its own status words; an order whose platform reports none counts). Its value is gross minus refunds (itemised refunds merged
 * with separately delivered ones by id; the platform's reported total wins when it is larger). A fully refunded
 * order is a returned purchase and does not count; a genuinely free order (gross 0) counts as a purchase day
 * with zero spend.
 */
import type { StoreOrder, StoreRefund } from "./types";

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
  if (order.paid === false) return false;
  if (order.grossMinor > 0 && netOrderAmountMinor(order, separateRefunds) === 0) return false;
  return true;
}

/** Why an order was left out of customer value, so counts can be shown next to every number. */
export type ExclusionReason =
  "test" | "cancelled" | "voided" | "unpaid" | "fully-refunded" | "guest-without-email" | "after-reference-day";

export interface OrderAggregationOptions {
  /** Epoch day of the reference date; later orders are left out. */
  referenceDay: number;
  /** Refunds delivered separately from their orders (merged by id). */
  separateRefunds?: readonly StoreRefund[];
  /** The shop's UTC offset in minutes, so "same day" means the shop's calendar day. Default 0. */
  utcOffsetMinutes?: number;
}

/** Per-customer aggregates (the shape analyzeCustomerValue takes) plus counted orders for RFM frequency. */
export interface OrderAggregation {
  customerIds: string[];
  /** Counted orders (RFM frequency). */
  orders: number[];
  /** Distinct purchase days (the CLV models' x + 1). */
  purchaseDays: number[];
  firstPurchaseDay: number[];
  lastPurchaseDay: number[];
  /** Net spend in minor units. */
  totalSpend: number[];
  repeatSpendMean: number[];
  repeatSpendDays: number[];
  excluded: Record<ExclusionReason, number>;
}

/**
 * Reference implementation of the nightly job's SQL aggregation, for tests and small stores: which orders
 * count, net amounts, and the per-customer columns. Guest orders are attributed by lower-cased e-mail
 * ("email:…" ids); guest orders without an e-mail cannot be attributed and are counted as excluded.
 */
export function aggregateCustomerOrders(
  orders: readonly StoreOrder[],
  options: OrderAggregationOptions,
): OrderAggregation {
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  const refundsByOrder = new Map<string, StoreRefund[]>();
  for (const refund of options.separateRefunds ?? []) {
    const list = refundsByOrder.get(refund.orderExternalId) ?? [];
    list.push(refund);
    refundsByOrder.set(refund.orderExternalId, list);
  }
  const excluded: Record<ExclusionReason, number> = {
    test: 0,
    cancelled: 0,
    voided: 0,
    unpaid: 0,
    "fully-refunded": 0,
    "guest-without-email": 0,
    "after-reference-day": 0,
  };
  const byCustomer = new Map<string, { orders: number; days: Map<number, number> }>();
  for (const order of orders) {
    const refunds = refundsByOrder.get(order.externalId) ?? [];
    let reason: ExclusionReason | null = null;
    if (order.test) reason = "test";
    else if (order.cancelledAt !== null) reason = "cancelled";
    else if (order.voided) reason = "voided";
    else if (order.paid === false) reason = "unpaid";
    else if (!countsTowardCustomerValue(order, refunds)) reason = "fully-refunded";
    const day = Math.floor((order.processedAt.getTime() + offsetMs) / 86_400_000);
    if (reason === null && day > options.referenceDay) reason = "after-reference-day";
    const id = order.customer?.externalId ?? (order.email ? `email:${order.email.trim().toLowerCase()}` : null);
    if (reason === null && id === null) reason = "guest-without-email";
    if (reason !== null || id === null) {
      excluded[reason ?? "guest-without-email"]++;
      continue;
    }
    const entry = byCustomer.get(id) ?? { orders: 0, days: new Map<number, number>() };
    entry.orders++;
    entry.days.set(day, (entry.days.get(day) ?? 0) + netOrderAmountMinor(order, refunds));
    byCustomer.set(id, entry);
  }
  const result: OrderAggregation = {
    customerIds: [],
    orders: [],
    purchaseDays: [],
    firstPurchaseDay: [],
    lastPurchaseDay: [],
    totalSpend: [],
    repeatSpendMean: [],
    repeatSpendDays: [],
    excluded,
  };
  for (const [id, entry] of byCustomer) {
    const days = [...entry.days.keys()].sort((p, q) => p - q);
    let total = 0;
    let repeatTotal = 0;
    let repeatDays = 0;
    days.forEach((day, k) => {
      const amount = entry.days.get(day)!;
      total += amount;
      if (k > 0 && amount > 0) {
        repeatTotal += amount;
        repeatDays++;
      }
    });
    result.customerIds.push(id);
    result.orders.push(entry.orders);
    result.purchaseDays.push(days.length);
    result.firstPurchaseDay.push(days[0]!);
    result.lastPurchaseDay.push(days[days.length - 1]!);
    result.totalSpend.push(total);
    result.repeatSpendMean.push(repeatDays > 0 ? repeatTotal / repeatDays : 0);
    result.repeatSpendDays.push(repeatDays);
  }
  return result;
}

/**
 * Shopify's computed customer statistics (`Customer.statistics`: `rfmGroup`, `predictedSpendTier`).
 *
 * What Shopify documents (Admin GraphQL reference 2026-07, CustomerStatistics / CustomerRfmGroup /
 * CustomerPredictedSpendTier; changelogs "New PredictedSpendTier field on the Customer object", API 2022-07, and
 * "Customer RFM group now available in GraphQL Admin API"): `statistics` is non-null on every Customer, both of its
 * fields are nullable enums, the object needs `read_customers`. The eleven RFM groups are described only in words
 * ("very recent purchases, many orders, and the most spend"…), PROSPECTS = "no orders yet"; the tiers are HIGH, MEDIUM
 * and LOW ("predicted to be zero, or in the lowest spending range … in the following year"). Shopify publishes
 * neither its window, nor its cut-offs, nor when it recomputes.
 *
 * So the simulator's groups are a stand-in that follows those words with fixed day and order-count cut-offs (not
 * Ciclo's store-relative quintiles, so the two disagree the way they do in a real shop), computed only when a test
 * or the demo calls `SimulatedShop.computeStatistics(now)`. Until then, and for customers created after it, both
 * fields are null: a shop "without them". Computing them does not move the customer's `updatedAt` (nothing the
 * merchant or customer changed; Shopify says nothing of it either way).
 */
import type { SimCustomer, SimOrder } from "./model";
import { orderTotals } from "./order-math";

export const RFM_GROUPS = [
  "CHAMPIONS",
  "LOYAL",
  "ACTIVE",
  "NEEDS_ATTENTION",
  "PROMISING",
  "NEW",
  "AT_RISK",
  "PREVIOUSLY_LOYAL",
  "ALMOST_LOST",
  "DORMANT",
  "PROSPECTS",
] as const;
export type SimRfmGroup = (typeof RFM_GROUPS)[number];
export type SimSpendTier = "HIGH" | "MEDIUM" | "LOW";

export interface SimCustomerStatistics {
  rfmGroup: SimRfmGroup | null;
  predictedSpendTier: SimSpendTier | null;
}

const DAY = 86_400_000;

function counted(o: SimOrder): boolean {
  return !o.test && o.cancelledAt === null && o.financialStatus !== "pending" && o.financialStatus !== "voided";
}

/** The group from days since the last order and the number of orders (Shopify's words, our cut-offs). */
export function rfmGroupOf(daysSinceLast: number | null, orders: number): SimRfmGroup {
  if (daysSinceLast === null || orders === 0) return "PROSPECTS";
  if (daysSinceLast <= 30) return orders >= 4 ? "CHAMPIONS" : orders >= 2 ? "ACTIVE" : "NEW";
  if (daysSinceLast <= 90) return orders >= 4 ? "LOYAL" : orders >= 2 ? "NEEDS_ATTENTION" : "PROMISING";
  if (daysSinceLast <= 365) return orders >= 5 ? "PREVIOUSLY_LOYAL" : orders >= 3 ? "AT_RISK" : "ALMOST_LOST";
  return orders >= 5 ? "PREVIOUSLY_LOYAL" : "DORMANT";
}

/**
 * Every customer's statistics as of `now`: the RFM group, and a spend tier from the last year's spend (top fifth of
 * the customers who spent HIGH, no spend or the bottom half of those who did LOW, the rest MEDIUM).
 */
export function computeStatistics(
  customers: Iterable<SimCustomer>,
  allOrders: Iterable<SimOrder>,
  now: Date,
): Map<number, SimCustomerStatistics> {
  const byCustomer = new Map<number, SimOrder[]>();
  for (const o of allOrders) {
    if (o.customerId === null) continue;
    const list = byCustomer.get(o.customerId);
    if (list) list.push(o);
    else byCustomer.set(o.customerId, [o]);
  }
  const rows: { id: number; group: SimRfmGroup; spend: number }[] = [];
  for (const c of customers) {
    if (c.createdAt.getTime() > now.getTime()) continue;
    const orders = (byCustomer.get(c.id) ?? []).filter((o) => counted(o) && o.processedAt.getTime() <= now.getTime());
    const last = orders.reduce((t, o) => Math.max(t, o.processedAt.getTime()), -Infinity);
    const days = orders.length ? Math.floor((now.getTime() - last) / DAY) : null;
    const spend = orders
      .filter((o) => o.processedAt.getTime() > now.getTime() - 365 * DAY)
      .reduce((s, o) => s + orderTotals(o).currentTotalCents, 0);
    rows.push({ id: c.id, group: rfmGroupOf(days, orders.length), spend });
  }
  const spenders = rows
    .filter((r) => r.spend > 0)
    .map((r) => r.spend)
    .sort((a, b) => a - b);
  const high = spenders[Math.floor(spenders.length * 0.8)] ?? Infinity;
  const medium = spenders[Math.floor(spenders.length * 0.5)] ?? Infinity;
  const out = new Map<number, SimCustomerStatistics>();
  for (const r of rows) {
    const tier: SimSpendTier = r.spend <= 0 || r.spend < medium ? "LOW" : r.spend >= high ? "HIGH" : "MEDIUM";
    out.set(r.id, { rfmGroup: r.group, predictedSpendTier: tier });
  }
  return out;
}

/**
 * Per-customer aggregates for the nightly recompute: one streamed pass over the store's counted orders, straight
 * into typed arrays — never every order row as a JS object, and never through Prisma's per-row mapping.
 * Which orders count is the domain's rule (app/domain/orders.ts), stored as Order.countsForValue plus
 * "not fully refunded". Days are the store's calendar days.
 */
import type { BulkReader } from "../../db/bulk-reader.server";
import { isTrue, sqliteOffset, storeDayExpression, type Dialect } from "../../db/sql.server";

export type { Dialect } from "../../db/sql.server";

export interface CustomerTable {
  size: number;
  ids: string[];
  externalIds: string[];
  /** Counted orders (RFM frequency); 0 = no counted orders (Prospect). */
  orders: Float64Array;
  purchaseDays: Float64Array;
  firstDay: Float64Array;
  lastDay: Float64Array;
  totalSpend: Float64Array;
  repeatSpendMean: Float64Array;
  repeatSpendDays: Float64Array;
  previousSegment: (string | null)[];
  previousStage: (string | null)[];
}

/** A deterministic sample of customers' purchase days, gathered in the same pass for the nightly backtest. */
export interface PurchaseSample {
  customerIds: string[];
  /** Per sampled customer: [day, amount] of each purchase day, in day order. */
  days: Array<Array<[number, number]>>;
}

export interface AggregateOptions {
  dialect: Dialect;
  storeId: string;
  timeZone: string;
  /** Orders processed after this instant are left out (the reference date of the run). */
  reference: Date;
  /** UTC offset for SQLite, which has no time-zone database (PostgreSQL uses the zone itself). */
  utcOffsetMinutes: number;
  /** Keep the purchase days of about this many customers for the backtest (every k-th customer). */
  sampleSize?: number;
}

const customersSql = `
  SELECT c."id", c."externalId" FROM "Customer" c
  WHERE c."storeId" = $store AND c."deletedAt" IS NULL
  ORDER BY c."id"`;

function ordersSql(dialect: Dialect): string {
  // Counted orders only (the domain's rule, stored as countsForValue plus "not fully refunded"), in customer then
  // time order: the store's (storeId, customerId, processedAt) index serves the order, so no sort is needed.
  return `
    SELECT o."customerId", ${storeDayExpression(dialect, `o."processedAt"`)} AS day, o."netMinor"
    FROM "Order" o
    WHERE o."storeId" = $store AND o."customerId" IS NOT NULL AND o."deletedAt" IS NULL
      AND ${isTrue(dialect, `o."countsForValue"`)} AND (o."netMinor" > 0 OR o."grossMinor" = 0)
      AND o."processedAt" <= $reference
    ORDER BY o."customerId", o."processedAt"`;
}

const previousSql = `SELECT s."customerId", s."segment", s."stage" FROM "CustomerScore" s WHERE s."storeId" = $store`;

/**
 * Per-customer aggregates in one pass over the store's counted orders (streamed in customer and time order, the
 * days grouped as they go by), joined with the customer list (every live customer is listed; no counted order
 * = Prospect) and the previous run's segment and stage.
 */
export async function aggregateCustomers(
  reader: BulkReader,
  options: AggregateOptions,
): Promise<CustomerTable & { sample: PurchaseSample }> {
  const params = {
    store: options.storeId,
    reference: options.reference,
    offset: sqliteOffset(options.utcOffsetMinutes),
    tz: options.timeZone,
  };
  const ids: string[] = [];
  const externalIds: string[] = [];
  for await (const batch of reader.rows(customersSql, { store: options.storeId })) {
    for (const [id, externalId] of batch) {
      ids.push(String(id));
      externalIds.push(String(externalId));
    }
  }
  const n = ids.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(ids[i]!, i);
  const table = {
    orders: new Float64Array(n),
    purchaseDays: new Float64Array(n),
    firstDay: new Float64Array(n),
    lastDay: new Float64Array(n),
    totalSpend: new Float64Array(n),
    repeatSpendMean: new Float64Array(n),
    repeatSpendDays: new Float64Array(n),
  };
  const step = Math.max(1, Math.floor(n / (options.sampleSize ?? 20_000)));
  const sample: PurchaseSample = { customerIds: [], days: [] };

  // The customer being summed, and its current day.
  let current = -1;
  let day = NaN;
  let daySpend = 0;
  let firstSpend = 0;
  let sampled: Array<[number, number]> | null = null;
  const closeDay = () => {
    if (current < 0 || Number.isNaN(day)) return;
    const i = current;
    if (table.purchaseDays[i] === 0) {
      table.firstDay[i] = day;
      firstSpend = daySpend;
    } else if (daySpend > 0) table.repeatSpendDays[i]!++;
    table.purchaseDays[i]!++;
    table.lastDay[i] = day;
    table.totalSpend[i]! += daySpend;
    sampled?.push([day, daySpend]);
  };
  const closeCustomer = () => {
    closeDay();
    if (current < 0) return;
    const days = table.purchaseDays[current]!;
    // Mean spend of the repeat purchase days (the Gamma-Gamma input).
    table.repeatSpendMean[current] = days > 1 ? (table.totalSpend[current]! - firstSpend) / (days - 1) : 0;
  };
  // Orders come in the customer list's order (both sorted by customer id in the database's collation): the next
  // customer with orders is usually the next one or a few further, so look there before the map.
  const positionOf = (id: string): number | undefined => {
    for (let k = current + 1; k < Math.min(n, current + 8); k++) if (ids[k] === id) return k;
    return index.get(id);
  };
  for await (const batch of reader.rows(ordersSql(options.dialect), params)) {
    for (const [customerId, rawDay, rawNet] of batch) {
      const i = current >= 0 && customerId === ids[current] ? current : positionOf(customerId as string);
      if (i === undefined) continue; // a deleted customer's orders
      const d = Number(rawDay);
      const net = Number(rawNet);
      if (i !== current) {
        closeCustomer();
        current = i;
        day = d;
        daySpend = 0;
        sampled = i % step === 0 ? [] : null;
        if (sampled) {
          sample.customerIds.push(ids[i]!);
          sample.days.push(sampled);
        }
      } else if (d !== day) {
        closeDay();
        day = d;
        daySpend = 0;
      }
      table.orders[i]!++;
      daySpend += net;
    }
  }
  closeCustomer();

  const previousSegment = new Array<string | null>(n).fill(null);
  const previousStage = new Array<string | null>(n).fill(null);
  for await (const batch of reader.rows(previousSql, { store: options.storeId })) {
    for (const [customerId, segment, stage] of batch) {
      const i = index.get(String(customerId));
      if (i === undefined) continue;
      previousSegment[i] = segment === null ? null : String(segment);
      previousStage[i] = stage === null ? null : String(stage);
    }
  }
  return { size: n, ids, externalIds, ...table, previousSegment, previousStage, sample };
}

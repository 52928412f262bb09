/**
 * The nightly's one read of a store: the customer list, then one streamed pass over the store's counted orders
 * with their lines, straight into typed arrays — never every order row as a JS object, never through Prisma's
 * per-row mapping, and never a second pass (decision 095). It gives the per-customer aggregates scoring needs, and
 * the baskets, lines and first-order sources the customer-intelligence phases need.
 * Which orders count is the domain's rule (app/domain/orders.ts), stored as Order.countsForValue plus
 * "not fully refunded". Days are the store's calendar days.
 */
import type { BulkReader } from "../../db/bulk-reader.server";
import { isTrue, sqliteOffset, storeDayExpression, type Dialect } from "../../db/sql.server";
import { Float64Column, Int32Column } from "./growable-columns";
import { interner } from "../interner";

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

/** What the customer records say beyond their id: consent and Shopify's own groups (null where not given). */
export interface CustomerFacts {
  /** 1 accepts marketing, 0 does not, 2 unknown (the platform gives no consent). */
  acceptsMarketing: Uint8Array;
  shopifyGroup: (string | null)[];
  shopifyTier: (string | null)[];
}

/**
 * The counted orders as baskets, in the read's order (customer, time, id), and their lines: what the
 * customer-intelligence phases build purchase histories and products bought together from.
 */
export interface OrderBaskets {
  /** Per counted order (basket k): the customer's index, the store day and the net amount. */
  customer: Int32Array;
  day: Int32Array;
  amount: Float64Array;
  /** Per order line with a product: its basket and its product (an index into productIds). */
  lineBasket: Int32Array;
  lineProduct: Int32Array;
  /** Products numbered by id, so the same history gives the same numbering (and tie-breaks) every night. */
  productIds: string[];
  /** A product's title from its line in the greatest order id (the latest name the store gave it). */
  titles: string[];
}

/** Where a customer's first counted order came from, as stored; the intelligence phases classify it. */
export interface FirstOrderSource {
  sourceName: string | null;
  landingSite: string | null;
  referringSite: string | null;
  attribution: string | null;
  netMinor: number;
}

/** Receives each customer's first counted order during the pass (kept out of memory as raw strings). */
export interface FirstOrderVisitor {
  begin(customerCount: number): void;
  visit(customer: number, source: FirstOrderSource): void;
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
  firstOrders?: FirstOrderVisitor;
}

const customersSql = `
  SELECT c."id", c."externalId", c."acceptsMarketing", c."shopifyRfmGroup", c."shopifyPredictedSpendTier"
  FROM "Customer" c
  WHERE c."storeId" = $store AND c."deletedAt" IS NULL
  ORDER BY c."id"`;

function ordersSql(dialect: Dialect): string {
  // Counted orders only (the domain's rule, stored as countsForValue plus "not fully refunded"), in customer then
  // time order (the store's (storeId, customerId, processedAt) index serves it), each with its product lines (an
  // order without one comes once, with a null product); an order's lines must come together. SQLite joins by
  // nested loop over that index (equal keys in rowid order), so they do, with no sort; PostgreSQL may hash-join
  // and sort, so there the id orders ties too. No title: a product needs one, from one line (titlesSql), and
  // a string per line cost about a sixth of this read.
  return `
    SELECT o."customerId", ${storeDayExpression(dialect, `o."processedAt"`)} AS day, o."netMinor", o."id",
           l."productId", o."sourceName", o."landingSite", o."referringSite", o."attribution"
    FROM "Order" o
    LEFT JOIN "OrderLine" l ON l."orderId" = o."id" AND l."productId" IS NOT NULL
    WHERE o."storeId" = $store AND o."customerId" IS NOT NULL AND o."deletedAt" IS NULL
      AND ${isTrue(dialect, `o."countsForValue"`)} AND (o."netMinor" > 0 OR o."grossMinor" = 0)
      AND o."processedAt" <= $reference
    ORDER BY o."customerId", o."processedAt"${dialect === "postgres" ? `, o."id"` : ""}`;
}

/**
 * The lines that may name a product: those of the orders that hold a product's greatest order id (the pass found
 * them); among a product's lines in that order, the one with the least external id names it. The store is
 * compared as an expression so that SQLite looks the orders' lines up by order id instead of walking the store's
 * (storeId, productId) index, every line of the store, once per chunk.
 */
const titlesSql = `
  SELECT l."orderId", l."productId", l."title", l."externalId"
  FROM "OrderLine" l
  WHERE l."orderId" IN ($orders) AND l."storeId" || '' = $store AND l."productId" IS NOT NULL`;
const TITLE_ORDERS_PER_QUERY = 500;

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

const previousSql = `SELECT s."customerId", s."segment", s."stage" FROM "CustomerScore" s WHERE s."storeId" = $store`;

/**
 * Per-customer aggregates in one pass over the store's counted orders (streamed in customer and time order, the
 * days grouped as they go by), joined with the customer list (every live customer is listed; no counted order
 * = Prospect) and the previous run's segment and stage.
 */
export async function aggregateCustomers(
  reader: BulkReader,
  options: AggregateOptions,
): Promise<CustomerTable & { sample: PurchaseSample; facts: CustomerFacts; baskets: OrderBaskets }> {
  const params = {
    store: options.storeId,
    reference: options.reference,
    offset: sqliteOffset(options.utcOffsetMinutes),
    tz: options.timeZone,
  };
  const ids: string[] = [];
  const externalIds: string[] = [];
  const consent: number[] = [];
  const shopifyGroup: (string | null)[] = [];
  const shopifyTier: (string | null)[] = [];
  // A million customers share a handful of Shopify group names.
  const groupName = interner();
  for await (const batch of reader.rows(customersSql, { store: options.storeId })) {
    for (const [id, externalId, accepts, group, tier] of batch) {
      ids.push(String(id));
      externalIds.push(String(externalId));
      consent.push(accepts === null || accepts === undefined ? 2 : accepts === true || accepts === 1 ? 1 : 0);
      shopifyGroup.push(groupName(group));
      shopifyTier.push(groupName(tier));
    }
  }
  const n = ids.length;
  const facts: CustomerFacts = { acceptsMarketing: Uint8Array.from(consent), shopifyGroup, shopifyTier };
  consent.length = 0;
  options.firstOrders?.begin(n);
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
  // Baskets and lines for the intelligence phases, gathered in the same pass.
  const basketCustomer = new Int32Column();
  const basketDay = new Int32Column();
  const basketAmount = new Float64Column();
  const lineBasket = new Int32Column();
  const lineProduct = new Int32Column();
  const productIndex = new Map<string, number>();
  const readIds: string[] = [];
  const titleFrom: string[] = []; // per product, the greatest id of a counted order holding it
  let lastOrder: unknown = null;
  let skipping = false; // the rows of a deleted customer's order
  for await (const batch of reader.scan(ordersSql(options.dialect), params)) {
    for (const row of batch) {
      const [customerId, rawDay, rawNet, orderId, productId] = row;
      if (orderId !== lastOrder) {
        lastOrder = orderId;
        const i = current >= 0 && customerId === ids[current] ? current : positionOf(customerId as string);
        skipping = i === undefined;
        if (i === undefined) continue;
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
          options.firstOrders?.visit(i, {
            sourceName: text(row[5]),
            landingSite: text(row[6]),
            referringSite: text(row[7]),
            attribution: text(row[8]),
            netMinor: net,
          });
        } else if (d !== day) {
          closeDay();
          day = d;
          daySpend = 0;
        }
        table.orders[i]!++;
        daySpend += net;
        basketCustomer.push(i);
        basketDay.push(d);
        basketAmount.push(net);
      } else if (skipping) continue;
      if (productId === null || productId === undefined) continue;
      const key = String(productId);
      let p = productIndex.get(key);
      if (p === undefined) {
        p = readIds.length;
        productIndex.set(key, p);
        readIds.push(key);
        titleFrom.push(orderId as string);
      } else if ((orderId as string) > titleFrom[p]!) titleFrom[p] = orderId as string;
      lineBasket.push(basketCustomer.length - 1);
      lineProduct.push(p);
    }
  }
  closeCustomer();
  const readTitles = await productTitles(reader, options.storeId, readIds, productIndex, titleFrom);

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
  // The lines come in no guaranteed order within an order, and products were numbered as first seen: number them by
  // id instead, so ties between products resolve the same way every night.
  const byId = readIds.map((_, k) => k).sort((a, b) => (readIds[a]! < readIds[b]! ? -1 : 1));
  const renumber = new Int32Array(readIds.length);
  byId.forEach((read, k) => (renumber[read] = k));
  const products = lineProduct.toArray();
  for (let k = 0; k < products.length; k++) products[k] = renumber[products[k]!]!;
  const baskets: OrderBaskets = {
    customer: basketCustomer.toArray(),
    day: basketDay.toArray(),
    amount: basketAmount.toArray(),
    lineBasket: lineBasket.toArray(),
    lineProduct: products,
    productIds: byId.map((read) => readIds[read]!),
    titles: byId.map((read) => readTitles[read]!),
  };
  return { size: n, ids, externalIds, ...table, previousSegment, previousStage, sample, facts, baskets };
}

/** Each product's title from its line in the greatest order id holding it (the latest name the store gave it). */
async function productTitles(
  reader: BulkReader,
  storeId: string,
  productIds: readonly string[],
  productIndex: ReadonlyMap<string, number>,
  titleFrom: readonly string[],
): Promise<string[]> {
  const titles = new Array<unknown>(productIds.length).fill(null);
  const chosenLine = new Array<string | null>(productIds.length).fill(null);
  const orders = [...new Set(titleFrom)];
  for (let k = 0; k < orders.length; k += TITLE_ORDERS_PER_QUERY) {
    const chunk = orders.slice(k, k + TITLE_ORDERS_PER_QUERY);
    for await (const batch of reader.rows(titlesSql, { store: storeId, orders: chunk })) {
      for (const [orderId, productId, title, externalId] of batch) {
        const p = productIndex.get(String(productId));
        if (p === undefined || titleFrom[p] !== String(orderId)) continue;
        const line = String(externalId);
        if (chosenLine[p] !== null && chosenLine[p]! <= line) continue;
        chosenLine[p] = line;
        titles[p] = title;
      }
    }
  }
  return productIds.map((id, p) => productTitle(id, titles[p]));
}

function productTitle(productId: string, title: unknown): string {
  return typeof title === "string" && title.length > 0 ? title.slice(0, 200) : `Product ${productId}`;
}

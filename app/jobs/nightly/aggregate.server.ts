/**
 * The nightly's one read of a store: the customer list, then one streamed pass over the store's counted orders
 * with their lines (order-pass.ts), straight into typed arrays — never every order row as a JS object, never
 * through Prisma's per-row mapping, and never a second pass (decision 095); a large SQLite store's list in slices
 * read at the same time (decision 172). It gives the per-customer aggregates scoring needs, the baskets and lines
 * the customer-intelligence phases need, and each customer's acquisition channel.
 * Which orders count is the domain's rule (app/domain/orders.ts), stored as Order.countsForValue plus
 * "not fully refunded". Days are the store's calendar days.
 */
import { availableParallelism } from "node:os";
import { createBulkReader, type BulkReader } from "../../db/bulk-reader.server";
import { byteOrder, isTrue, sqliteOffset, storeDayExpression, type Dialect } from "../../db/sql.server";
import { logger } from "../../logger.server";
import { customerLocator } from "../customer-locator";
import { interner } from "../interner";
import type { AcquisitionContext, Acquisitions } from "./acquisition-collector";
import {
  AGGREGATE_COLUMNS,
  mergeOrderPasses,
  OrderPass,
  type CustomerAggregates,
  type OrderPassOptions,
  type OrderPassResult,
  type PurchaseSample,
} from "./order-pass";
import { startOrderReadThread, type OrderReadThread } from "./order-read-thread.server";

export type { Dialect } from "../../db/sql.server";
export type { PurchaseSample } from "./order-pass";

export interface CustomerTable extends CustomerAggregates {
  size: number;
  ids: string[];
  externalIds: string[];
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
  /** How the store's first orders are classified (default: no own hosts, sourceName is a channel). */
  acquisition?: AcquisitionContext;
  /**
   * In how many slices of the customer list the orders are read, each but the first on a thread of its own
   * (default: defaultSlices; tests force it).
   */
  slices?: number;
}

/** The store's live customers, in the order the orders are read in (byte order of their ids). */
function customersSql(dialect: Dialect): string {
  return `
  SELECT c."id", c."externalId", c."acceptsMarketing", c."shopifyRfmGroup", c."shopifyPredictedSpendTier"
  FROM "Customer" c
  WHERE c."storeId" = $store AND c."deletedAt" IS NULL
  ORDER BY ${byteOrder(dialect, `c."id"`)}`;
}

function ordersSql(dialect: Dialect, from: boolean, to: boolean): string {
  const customer = byteOrder(dialect, `o."customerId"`);
  // Counted orders only (the domain's rule, stored as countsForValue plus "not fully refunded"), in customer then
  // time order (the store's (storeId, customerId, processedAt) index serves it), each with its lines' product ids
  // as the order writer stores them on the order (decision 175): no join with the order lines, whose lookup per
  // order was most of this read's work on both databases. SQLite walks the index in order, with no sort; PostgreSQL
  // may sort, so there the id orders ties too. A slice of the customer list reads its own id range. Customer ids
  // are sorted and compared bytewise, as the customer list is (byteOrder).
  return `
    SELECT o."customerId", ${storeDayExpression(dialect, `o."processedAt"`)} AS day, o."netMinor", o."id",
           o."productIds", o."sourceName", o."landingSite", o."referringSite", o."attribution"
    FROM "Order" o
    WHERE o."storeId" = $store AND o."customerId" IS NOT NULL AND o."deletedAt" IS NULL
      AND ${isTrue(dialect, `o."countsForValue"`)} AND (o."netMinor" > 0 OR o."grossMinor" = 0)
      AND o."processedAt" <= $reference${from ? ` AND ${customer} >= $from` : ""}${to ? ` AND ${customer} < $to` : ""}
    ORDER BY ${customer}, o."processedAt"${dialect === "postgres" ? `, o."id"` : ""}`;
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

const previousSql = `SELECT s."customerId", s."segment", s."stage" FROM "CustomerScore" s WHERE s."storeId" = $store
  ORDER BY s."customerId"`;

/**
 * Per-customer aggregates in one pass over the store's counted orders (streamed in customer and time order, the
 * days grouped as they go by), joined with the customer list (every live customer is listed; no counted order
 * = Prospect) and the previous run's segment and stage. A large store's list is read in slices at the same time,
 * each on a connection and thread of its own (the pass is CPU on both databases: on SQLite the query itself runs
 * on the reading thread), and the slices' results put together in list order.
 */
export async function aggregateCustomers(
  reader: BulkReader,
  options: AggregateOptions,
): Promise<
  CustomerTable & { sample: PurchaseSample; facts: CustomerFacts; baskets: OrderBaskets; acquisitions: Acquisitions }
> {
  const early = startOrderReadEarly(reader, options);
  const threads: OrderReadThread[] = [];
  try {
    return await aggregateWith(reader, options, early, threads);
  } finally {
    for (const thread of threads) thread.stop(); // those never given a slice, or still reading after a failure
    // Stopped if the customer list failed before it was read; its connection closed either way.
    await early?.batches.return(undefined).catch(() => undefined);
    await early?.reader.close();
  }
}

/**
 * An order read already under way when the customer list is read (startOrderReadEarly): its first batch (asked
 * for when it started) and the rest.
 */
interface EarlyOrderRead {
  reader: BulkReader;
  batches: AsyncGenerator<unknown[][]>;
  first: Promise<IteratorResult<unknown[][]>>;
}

/**
 * PostgreSQL sorts a store's orders before it sends the first one (seconds of its work at a million customers,
 * while this thread would wait), so when the orders are read in one pass the read starts first, on a connection
 * of its own, and the customer list is read while the server sorts. The slices of a sliced read need the list to
 * be cut (PostgreSQL's read is one pass unless a test asks for slices, defaultSlices); SQLite runs its query on
 * the reading thread, so there is nothing to read beside it.
 */
function startOrderReadEarly(reader: BulkReader, options: AggregateOptions): EarlyOrderRead | null {
  if (options.dialect !== "postgres" || (options.slices ?? 1) > 1) return null;
  const own = createBulkReader(reader.databaseUrl);
  const batches = own.scan(ordersSql(options.dialect, false, false), orderParams(options, {}));
  const first = batches.next();
  first.catch(() => undefined); // awaited by the pass, or the read is stopped
  return { reader: own, batches, first };
}

async function aggregateWith(
  reader: BulkReader,
  options: AggregateOptions,
  early: EarlyOrderRead | null,
  threads: OrderReadThread[],
): Promise<
  CustomerTable & { sample: PurchaseSample; facts: CustomerFacts; baskets: OrderBaskets; acquisitions: Acquisitions }
> {
  // The slices' threads start as soon as the list is known to be long enough: they load while the rest is read.
  const startThreads = (listed: number) => {
    const wanted = plannedSlices(options, listed) - 1;
    while (threads.length < wanted) threads.push(startOrderReadThread());
  };
  startThreads(0);
  const ids: string[] = [];
  const externalIds: string[] = [];
  const consent: number[] = [];
  const shopifyGroup: (string | null)[] = [];
  const shopifyTier: (string | null)[] = [];
  // A million customers share a handful of Shopify group names.
  const groupName = interner();
  for await (const batch of reader.rows(customersSql(options.dialect), { store: options.storeId })) {
    for (const [id, externalId, accepts, group, tier] of batch) {
      ids.push(String(id));
      externalIds.push(String(externalId));
      consent.push(accepts === null || accepts === undefined ? 2 : accepts === true || accepts === 1 ? 1 : 0);
      shopifyGroup.push(groupName(group));
      shopifyTier.push(groupName(tier));
    }
    startThreads(ids.length);
  }
  const n = ids.length;
  const facts: CustomerFacts = { acceptsMarketing: Uint8Array.from(consent), shopifyGroup, shopifyTier };
  consent.length = 0;

  const pass = await readOrders(reader, options, ids, early, threads);
  const readTitles = await productTitles(reader, options.storeId, pass.productIds, pass.titleFrom);

  // In customer id order, as the list: each lookup is a step ahead of the last.
  const locate = customerLocator(ids);
  const previousSegment = new Array<string | null>(n).fill(null);
  const previousStage = new Array<string | null>(n).fill(null);
  // A handful of slugs, held once each: a string per customer held 2M of them through the run on every rerun.
  const slug = interner(1_000);
  for await (const batch of reader.rows(previousSql, { store: options.storeId })) {
    for (const [customerId, segment, stage] of batch) {
      const i = locate(String(customerId));
      if (i < 0) continue;
      previousSegment[i] = slug(segment);
      previousStage[i] = slug(stage);
    }
  }
  // The lines come in no guaranteed order within an order, and products were numbered as first seen: number them by
  // id instead, so ties between products resolve the same way every night.
  const readIds = pass.productIds;
  const byId = readIds.map((_, k) => k).sort((a, b) => (readIds[a]! < readIds[b]! ? -1 : 1));
  const renumber = new Int32Array(readIds.length);
  byId.forEach((read, k) => (renumber[read] = k));
  const products = pass.lineProduct;
  for (let k = 0; k < products.length; k++) products[k] = renumber[products[k]!]!;
  const baskets: OrderBaskets = {
    customer: pass.basketCustomer,
    day: pass.basketDay,
    amount: pass.basketAmount,
    lineBasket: pass.lineBasket,
    lineProduct: products,
    productIds: byId.map((read) => readIds[read]!),
    titles: byId.map((read) => readTitles[read]!),
  };
  const table = Object.fromEntries(
    AGGREGATE_COLUMNS.map((name) => [name, pass[name]]),
  ) as unknown as CustomerAggregates;
  return {
    size: n,
    ids,
    externalIds,
    ...table,
    previousSegment,
    previousStage,
    sample: pass.sample,
    facts,
    baskets,
    acquisitions: pass.acquisitions,
  };
}

/** Customers from which the orders are read in slices at the same time (below, a thread costs more than it saves). */
export const PARALLEL_READ_MIN_CUSTOMERS = 100_000;
/** At most this many slices: more threads would mostly wait for the database's own. */
const MAX_READ_SLICES = 4;

/**
 * SQLite runs the read's query on the reading thread itself, so slices on threads of their own use the machine's
 * cores (1M customers on 2 cores: the order read 9 s against 15 s). PostgreSQL already runs the query with parallel
 * workers of its own, and each slice's query would hash all the store's order lines again: there one slice
 * (measured: the aggregate 18.1 s with two against 15.7 s with one). Decision 172.
 */
function defaultSlices(dialect: Dialect, customers: number): number {
  if (dialect !== "sqlite" || customers < PARALLEL_READ_MIN_CUSTOMERS) return 1;
  return Math.min(MAX_READ_SLICES, availableParallelism());
}

/** In how many slices the orders of a list of `customers` are read (options.slices, else defaultSlices). */
function plannedSlices(options: AggregateOptions, customers: number): number {
  return Math.max(1, options.slices ?? defaultSlices(options.dialect, customers));
}

/** The order read's parameters; `from` / `to` bound a slice's customer ids. */
function orderParams(options: AggregateOptions, range: { from?: string; to?: string }): Record<string, unknown> {
  return {
    store: options.storeId,
    reference: options.reference,
    offset: sqliteOffset(options.utcOffsetMinutes),
    tz: options.timeZone,
    ...(range.from !== undefined ? { from: range.from } : {}),
    ...(range.to !== undefined ? { to: range.to } : {}),
  };
}

/** The store's counted orders through OrderPasses: the first slice on this thread, the others on threads of their own. */
async function readOrders(
  reader: BulkReader,
  options: AggregateOptions,
  ids: string[],
  early: EarlyOrderRead | null,
  threads: OrderReadThread[],
): Promise<OrderPassResult> {
  const n = ids.length;
  const slices = Math.min(Math.max(1, n), plannedSlices(options, n));
  const passOptions = (start: number): OrderPassOptions => ({
    indexOffset: start,
    sampleStep: Math.max(1, Math.floor(n / (options.sampleSize ?? 20_000))),
    acquisition: options.acquisition ?? { ownHosts: [], sourceIsCreatedVia: false },
  });
  const bounds = Array.from({ length: slices + 1 }, (_, k) => Math.round((k * n) / slices));
  const slice = (k: number) => {
    const start = bounds[k]!;
    const end = bounds[k + 1]!;
    // By the customer list's own ids, compared bytewise (as the list is sorted).
    const range = { from: k > 0 ? ids[start] : undefined, to: k < slices - 1 ? ids[end] : undefined };
    return {
      sql: ordersSql(options.dialect, range.from !== undefined, range.to !== undefined),
      params: orderParams(options, range),
      ids: slices === 1 ? ids : ids.slice(start, end),
      options: passOptions(start),
    };
  };
  const readHere = async (k: number) => {
    const { sql, params, ids: sliceIds, options: sliceOptions } = slice(k);
    const pass = new OrderPass(sliceIds, sliceOptions);
    if (early && slices === 1) {
      const first = await early.first;
      if (!first.done) pass.add(first.value);
      for await (const batch of early.batches) pass.add(batch);
    } else for await (const batch of reader.scan(sql, params)) pass.add(batch);
    return pass.finish();
  };
  const others = Array.from({ length: slices - 1 }, (_, j) => {
    const k = j + 1;
    // Its thread started while the list was read (startThreads). A slice whose thread could not start or failed is
    // read here, after this thread's own.
    const thread = threads[j] ?? (threads[j] = startOrderReadThread());
    const pending = thread.read({ databaseUrl: reader.databaseUrl, ...slice(k) }).catch((error: unknown) => {
      logger.warn("order read thread failed; reading its slice in place", { error: String(error) });
      return null;
    });
    return { k, pending };
  });
  const passes = [await readHere(0)];
  for (const { k, pending } of others) passes.push((await pending) ?? (await readHere(k)));
  return mergeOrderPasses(passes);
}

/** Each product's title from its line in the greatest order id holding it (the latest name the store gave it). */
async function productTitles(
  reader: BulkReader,
  storeId: string,
  productIds: readonly string[],
  titleFrom: readonly string[],
): Promise<string[]> {
  const productIndex = new Map(productIds.map((id, p) => [id, p]));
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

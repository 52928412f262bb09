/**
 * A large store written straight into a fresh database (SQLite file or PostgreSQL database) for the benchmarks
 * that measure what happens after ingestion (nightly recompute, tag push, soak): heterogeneous buyers (gamma
 * purchase rates) over three years, ~orders/customers orders each, deterministic for a given size.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { sqliteTimestamp } from "../app/db/sqlite-connection.server";
import { isPostgresUrl } from "../app/db.server";
import { productIdsOf } from "../app/sync/order-writer.server";
import { Random } from "../simulators/random";

const DAY = 86_400_000;

export interface SeedOptions {
  url: string;
  storeId: string;
  domain: string;
  customers: number;
  orders: number;
  now: Date;
  /** Shopify ids of the customers: first, first + 1, … (the simulator creates the same ones). */
  firstCustomerId: number;
  /** The store's full history is in (recomputes may run). Default true. */
  historyComplete?: boolean;
}

interface CustomerRow {
  id: string;
  externalId: string;
}
interface OrderRow {
  id: string;
  externalId: string;
  customerId: string;
  customerExternalId: string;
  gross: number;
  when: Date;
  /** Where the order came from and what it held (issue 15: channels, products bought together). */
  sourceName: string;
  landingSite: string | null;
  referringSite: string | null;
  products: number[];
}

/** 5,000 products in 50 categories, popularity ~ 1/(rank+10)^1.1; orders hold 1-4 products, mostly of one category. */
const PRODUCTS = 5_000;
const CATEGORIES = 50;
const LANDINGS: [string, string | null, string | null][] = [
  ["web", "/", null],
  ["web", "/products/x", "https://www.google.com/"],
  ["web", "/?utm_source=newsletter&utm_medium=email&utm_campaign=weekly", null],
  ["web", "/?utm_source=instagram&utm_medium=paid_social&utm_campaign=spring", "https://l.instagram.com/"],
  ["web", "/?utm_source=google&utm_medium=cpc&utm_campaign=brand", "https://www.google.com/"],
  ["pos", null, null],
];
function productPicker(rng: Random): (category: number) => number {
  const cumulative: Float64Array[] = [];
  for (let c = 0; c < CATEGORIES; c++) {
    const members = Math.ceil((PRODUCTS - c) / CATEGORIES);
    const weights = new Float64Array(members);
    let total = 0;
    for (let k = 0; k < members; k++) weights[k] = total += 1 / Math.pow(k + 10, 1.1);
    cumulative.push(weights);
  }
  return (category) => {
    const weights = cumulative[category]!;
    const target = rng.next() * weights[weights.length - 1]!;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (weights[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return category + lo * CATEGORIES;
  };
}

/** Generates the store's rows in batches, handing each to `write`. Returns the number of orders. */
async function generate(
  options: SeedOptions,
  write: (customers: CustomerRow[], orders: OrderRow[]) => Promise<void> | void,
): Promise<number> {
  const rng = new Random("bench-nightly");
  // A stream of its own, so the customers and orders stay the ones every earlier run measured.
  const lineRng = new Random("bench-nightly-lines");
  const pick = productPicker(lineRng);
  const span = 3 * 365 * DAY;
  const start = options.now.getTime() - span;
  const perCustomerMean = options.orders / options.customers;
  let orderId = 0;
  let customers: CustomerRow[] = [];
  let orders: OrderRow[] = [];
  for (let c = 0; c < options.customers; c++) {
    const id = `c${String(c).padStart(8, "0")}`;
    const externalId = String(options.firstCustomerId + c);
    customers.push({ id, externalId });
    const first = start + rng.next() * span;
    // Gamma(0.6) heterogeneity in rate, scaled so the store totals ~orders; at least one order each.
    const n = Math.max(1, Math.min(60, Math.round(rng.gamma(0.6, (perCustomerMean - 1) / 0.6)) + 1));
    const spend = 2000 + Math.round(rng.gamma(2, 2500));
    let t = first;
    const favourite = Math.floor(lineRng.next() * CATEGORIES);
    const landing = LANDINGS[Math.floor(lineRng.next() * LANDINGS.length)]!;
    for (let k = 0; k < n && orderId < options.orders; k++) {
      const gross = Math.max(100, Math.round(spend * (0.5 + rng.next())));
      const lines = 1 + Math.floor(lineRng.next() * lineRng.next() * 4);
      const products: number[] = [];
      for (let l = 0; l < lines; l++)
        products.push(pick(lineRng.next() < 0.7 ? favourite : Math.floor(lineRng.next() * CATEGORIES)));
      orders.push({
        sourceName: landing[0],
        landingSite: k === 0 ? landing[1] : null,
        referringSite: k === 0 ? landing[2] : null,
        products,
        id: `o${orderId}`,
        externalId: String(orderId),
        customerId: id,
        customerExternalId: externalId,
        gross,
        when: new Date(t),
      });
      orderId++;
      // Later orders of a busy customer fold back into the 3-year window (keeps the store at ~orders orders).
      t += rng.exponential(1 / (40 * DAY)) + DAY;
      if (t > options.now.getTime()) t = start + ((t - start) % span);
    }
    if (orders.length >= 50_000) {
      await write(customers, orders);
      customers = [];
      orders = [];
    }
  }
  await write(customers, orders);
  return orderId;
}

export async function seedStore(options: SeedOptions): Promise<number> {
  return isPostgresUrl(options.url) ? seedPostgres(options) : seedSqlite(options);
}

async function seedSqlite(options: SeedOptions): Promise<number> {
  const raw = new Database(options.url.replace(/^file:/, ""));
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = OFF");
  const now = sqliteTimestamp(options.now);
  raw
    .prepare(
      `INSERT INTO "Store" ("id","platform","domain","currency","timezone","status","installedAt","historyCompleteAt","createdAt","updatedAt") VALUES (?,'shopify',?,'EUR','Europe/Rome','installed',?,?,?,?)`,
    )
    .run(options.storeId, options.domain, now, options.historyComplete === false ? null : now, now, now);
  const customer = raw.prepare(
    `INSERT INTO "Customer" ("id","storeId","externalId","createdAt","updatedAt") VALUES (?,?,?,?,?)`,
  );
  const order = raw.prepare(
    `INSERT INTO "Order" ("id","storeId","externalId","customerId","customerExternalId","currency","grossMinor","refundedMinor","netMinor","cancelled","test","countsForValue","processedAt","platformCreatedAt","platformUpdatedAt","createdAt","updatedAt","financialStatus","sourceName","landingSite","referringSite","productIds") VALUES (?,?,?,?,?,'EUR',?,0,?,0,0,1,?,?,?,?,?,'paid',?,?,?,?)`,
  );
  const line = raw.prepare(
    `INSERT INTO "OrderLine" ("id","storeId","orderId","externalId","productId","title","quantity","priceMinor") VALUES (?,?,?,?,?,?,1,?)`,
  );
  const insert = raw.transaction((customers: CustomerRow[], orders: OrderRow[]) => {
    for (const c of customers) customer.run(c.id, options.storeId, c.externalId, now, now);
    for (const o of orders) {
      const when = sqliteTimestamp(o.when);
      order.run(
        o.id,
        options.storeId,
        o.externalId,
        o.customerId,
        o.customerExternalId,
        o.gross,
        o.gross,
        when,
        when,
        when,
        now,
        now,
        o.sourceName,
        o.landingSite,
        o.referringSite,
        productIdsOf(o.products.map((p) => ({ productId: String(p) }))),
      );
      o.products.forEach((p, k) =>
        line.run(
          `${o.id}l${k}`,
          options.storeId,
          o.id,
          String(k),
          String(p),
          `Product ${p}`,
          Math.round(o.gross / o.products.length),
        ),
      );
    }
  });
  try {
    return await generate(options, (customers, orders) => insert(customers, orders));
  } finally {
    raw.close();
  }
}

async function seedPostgres(options: SeedOptions): Promise<number> {
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Store" ("id","platform","domain","currency","timezone","status","installedAt","historyCompleteAt","createdAt","updatedAt") VALUES ($1,'shopify',$2,'EUR','Europe/Rome','installed',$3,$4,$3,$3)`,
      [
        options.storeId,
        options.domain,
        options.now.toISOString(),
        options.historyComplete === false ? null : options.now.toISOString(),
      ],
    );
    return await generate(options, async (customers, orders) => {
      await client.query(
        `INSERT INTO "Customer" ("id","storeId","externalId","createdAt","updatedAt")
         SELECT id, $2, ext, $3, $3 FROM unnest($1::text[], $4::text[]) AS t(id, ext)`,
        [customers.map((c) => c.id), options.storeId, options.now.toISOString(), customers.map((c) => c.externalId)],
      );
      await client.query(
        `INSERT INTO "Order" ("id","storeId","externalId","customerId","customerExternalId","currency","grossMinor","refundedMinor","netMinor","cancelled","test","countsForValue","processedAt","platformCreatedAt","platformUpdatedAt","createdAt","updatedAt","financialStatus","sourceName","landingSite","referringSite","productIds")
         SELECT id, $1, ext, cid, cext, 'EUR', gross, 0, gross, false, false, true, at, at, at, $2, $2, 'paid', src, landing, referrer, products
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::timestamp(3)[], $9::text[], $10::text[], $11::text[], $12::text[])
           AS t(id, ext, cid, cext, gross, at, src, landing, referrer, products)`,
        [
          options.storeId,
          options.now.toISOString(),
          orders.map((o) => o.id),
          orders.map((o) => o.externalId),
          orders.map((o) => o.customerId),
          orders.map((o) => o.customerExternalId),
          orders.map((o) => o.gross),
          // ISO text: PostgreSQL keeps the UTC wall time (the pg driver would send Dates in local time).
          orders.map((o) => o.when.toISOString()),
          orders.map((o) => o.sourceName),
          orders.map((o) => o.landingSite),
          orders.map((o) => o.referringSite),
          orders.map((o) => productIdsOf(o.products.map((p) => ({ productId: String(p) })))),
        ],
      );
      const lines = orders.flatMap((o) =>
        o.products.map((p, k) => [`${o.id}l${k}`, o.id, String(k), String(p), Math.round(o.gross / o.products.length)]),
      );
      await client.query(
        `INSERT INTO "OrderLine" ("id","storeId","orderId","externalId","productId","title","quantity","priceMinor")
         SELECT id, $1, oid, ext, pid, 'Product ' || pid, 1, price
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS t(id, oid, ext, pid, price)`,
        [options.storeId, ...[0, 1, 2, 3, 4].map((c) => lines.map((l) => l[c]))],
      );
    });
  } finally {
    await client.query(`ANALYZE "Order"; ANALYZE "Customer"; ANALYZE "OrderLine"`).catch(() => undefined);
    await client.end();
  }
}

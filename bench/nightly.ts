/**
 * npm run bench:nightly — the nightly pipeline on a 1,000,000-customer, 3,000,000-order store in SQLite
 * (generated deterministically, written straight into a fresh database: the benchmark measures the pipeline,
 * not ingestion), then the push of the resulting tag changes to the Shopify simulator on the Standard plan
 * (100 points/s), then a second run. Prints one JSON object.
 *
 * push_min_s: the least time the platform allows: what Shopify's leaky bucket (Standard: 2,000 points, 100/s) needs
 * for the points the push was charged, plus the time the (simulated) Shopify itself was busy with the bulk
 * mutations (at least one queued or running; they are not charged per line). The simulator runs in its own
 * process, as Shopify runs on its own machines. push_s / push_min_s is then Ciclo's own overhead: reading the
 * outbox, building and uploading files, polling, recording results — whatever of it is not hidden behind
 * Shopify's work.
 */
import Database from "better-sqlite3";
import { createDb, tuneDb } from "../app/db.server";
import { createBulkWriter } from "../app/db/bulk-writer.server";
import { sqliteTimestamp } from "../app/db/sqlite-connection.server";
import { recomputeStore } from "../app/jobs/nightly/recompute.server";
import { TagOutbox } from "../app/jobs/tags/tag-outbox.server";
import { createShopifyLabelWriterFactory } from "../app/platforms/shopify/label-writer.server";
import { minimumSeconds } from "../app/platforms/shopify/tags";
import { simulatorAdminGraphql } from "../test/simulators/shopify/admin-client";
import { PLAN_LIMITS } from "../test/simulators/shopify/graphql/throttle";
import { Random } from "../test/simulators/random";
import { BulkOperationSignals } from "../app/sync/bulk-operation-signals";
import { startShopifyProcess } from "./shopify-process";
import { freshSqlite, round } from "./support";

// The app code below runs in this process: its development defaults (dev secret, derived key) are opt-in.
process.env.NODE_ENV ??= "development";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 3_000_000);
const NOW = new Date("2026-11-20T03:00:00Z");
const DAY = 86_400_000;
const SHOP = "bench-nightly.myshopify.com";
const FIRST_CUSTOMER_ID = 7_000_000_000_000;

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const sampler = setInterval(sampleRss, 50);

// 1. Data: heterogeneous buyers (gamma purchase rates) over three years, ~3 orders per customer.
const { file, url } = freshSqlite();
{
  const raw = new Database(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = OFF");
  const now = sqliteTimestamp(NOW);
  raw
    .prepare(
      `INSERT INTO "Store" ("id","platform","domain","currency","timezone","status","installedAt","createdAt","updatedAt") VALUES ('bench','shopify',?,'EUR','Europe/Rome','installed',?,?,?)`,
    )
    .run(SHOP, now, now, now);
  const customer = raw.prepare(
    `INSERT INTO "Customer" ("id","storeId","externalId","createdAt","updatedAt") VALUES (?,?,?,?,?)`,
  );
  const order = raw.prepare(
    `INSERT INTO "Order" ("id","storeId","externalId","customerId","customerExternalId","currency","grossMinor","refundedMinor","netMinor","cancelled","test","countsForValue","processedAt","platformCreatedAt","platformUpdatedAt","createdAt","updatedAt","financialStatus") VALUES (?,?,?,?,?,'EUR',?,0,?,0,0,1,?,?,?,?,?,'paid')`,
  );
  const rng = new Random("bench-nightly");
  const span = 3 * 365 * DAY;
  const start = NOW.getTime() - span;
  let orderId = 0;
  const perCustomerMean = ORDERS / CUSTOMERS;
  raw.transaction(() => {
    for (let c = 0; c < CUSTOMERS; c++) {
      const id = `c${String(c).padStart(8, "0")}`;
      const externalId = String(FIRST_CUSTOMER_ID + c);
      customer.run(id, "bench", externalId, now, now);
      const first = start + rng.next() * span;
      // Gamma(0.6) heterogeneity in rate, scaled so the store totals ~ORDERS; at least one order each.
      const n = Math.max(1, Math.min(60, Math.round(rng.gamma(0.6, (perCustomerMean - 1) / 0.6)) + 1));
      const spend = 2000 + Math.round(rng.gamma(2, 2500));
      let t = first;
      for (let k = 0; k < n && orderId < ORDERS; k++) {
        const when = sqliteTimestamp(new Date(t));
        const gross = Math.max(100, Math.round(spend * (0.5 + rng.next())));
        order.run(`o${orderId}`, "bench", String(orderId), id, externalId, gross, gross, when, when, when, now, now);
        orderId++;
        // Later orders of a busy customer fold back into the 3-year window (keeps the store at ~ORDERS orders).
        t += rng.exponential(1 / (40 * DAY)) + DAY;
        if (t > NOW.getTime()) t = start + ((t - start) % span);
      }
    }
  })();
  raw.close();
}
const db = createDb(url);
await tuneDb(db, url);
const bulk = createBulkWriter(db, url);
const orders = await db.order.count();

// 2. The nightly recompute (peak RSS from here: the generator above is not part of the pipeline).
peakRss = process.memoryUsage().rss;
const t0 = performance.now();
const run = await recomputeStore({ db, bulk, dialect: "sqlite", now: () => NOW }, "bench", "nightly");
const recomputeS = (performance.now() - t0) / 1000;
sampleRss();
const recomputePeak = peakRss;
if (run.state !== "completed") throw new Error(`recompute ${run.state}: ${run.error}`);
const tagChanges = JSON.parse(run.counts).tagChanges as number;

// 3. Push to the simulated Shopify (Standard plan: 100 points/s), in its own process as Shopify is on its own
// machines. Customers exist there with the same ids.
const shopify = await startShopifyProcess({
  domain: SHOP,
  plan: "standard",
  customers: CUSTOMERS,
  firstCustomerId: FIRST_CUSTOMER_ID,
});
const graphql = simulatorAdminGraphql(shopify.graphqlUrl, shopify.accessToken);
// The writer waits on bulk_operations/finish as the app does, polling only as a fallback.
const bulkFinished = new BulkOperationSignals();
shopify.onBulkFinished = (gid) => bulkFinished.finished(gid);
// The app's own Shopify writer factory (defaults: two bulk rounds at once, 5 s fallback poll).
const outbox = new TagOutbox(
  db,
  bulk,
  createShopifyLabelWriterFactory({ adminFor: async () => graphql, bulkFinished }),
  { dialect: "sqlite" },
);
await shopify.resetStats();
const t1 = performance.now();
const pushed = await outbox.push("bench");
const pushS = (performance.now() - t1) / 1000;
const stats = await shopify.stats();
const limits = PLAN_LIMITS.standard;
// Shopify's side of the bulk mutations: the time at least one of them was queued or running.
const shopifyBulkS = stats.bulkBusyMs / 1000;
const pushMinS = minimumSeconds(stats.pointsCharged, limits.maximumAvailable, limits.restoreRate) + shopifyBulkS;

// 4. Second run: nothing changed, so no API calls.
await shopify.resetStats();
const second = await recomputeStore({ db, bulk, dialect: "sqlite", now: () => NOW }, "bench", "nightly");
await outbox.push("bench");
const secondCalls = (await shopify.stats()).requests;
clearInterval(sampler);

console.log(
  JSON.stringify({
    customers: CUSTOMERS,
    orders,
    recompute_s: round(recomputeS, 2),
    phases: JSON.parse(run.phases),
    peak_rss_mb: Math.round(recomputePeak / 1_048_576),
    tag_changes: tagChanges,
    tags_applied: pushed.applied,
    push_s: round(pushS, 2),
    push_min_s: round(pushMinS, 2),
    shopify_bulk_s: round(shopifyBulkS, 2),
    bulk_operations: stats.bulkOperations,
    api_calls: stats.requests,
    second_run_tag_changes: JSON.parse(second.counts).tagChanges,
    second_run_api_calls: secondCalls,
  }),
);
await shopify.close();
bulk.close();
await db.$disconnect();

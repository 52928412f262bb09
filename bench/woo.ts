/**
 * npm run bench:woo — WooCommerce sync and write-back against the simulator with WooCommerce-like latency
 * (~145 ms per GET, ~580 ms per write), on SQLite:
 *  - backfill: the install run (orders in pages of 100 by id with anchored offsets, then customers likewise),
 *    written through writeOrders; throughput = orders / wall time of the whole run;
 *  - write-back: 10,000 changed customers through the TagOutbox and the WooCommerce LabelWriter
 *    (POST /customers/batch, 100 per request, 4 requests in flight).
 * Prints one JSON line: {"backfill_orders_per_s", "writeback_customers_per_s", "requests", …}.
 * Request count, minimal: orders ceil(N/99)+… = 101 for 10,000 (one anchor item repeated per page, decision 053;
 * no empty last page thanks to X-WP-Total), customers likewise, write-back N/100 = 100.
 * Options (environment): BENCH_WOO_ORDERS (10000), BENCH_WOO_CUSTOMERS (10000), BENCH_WOO_CONCURRENCY (4).
 */
import { randomBytes } from "node:crypto";
import { createDb } from "../app/db.server";
import { createBulkWriter } from "../app/db/bulk-writer.server";
import { recomputeStore } from "../app/jobs/nightly/recompute.server";
import { queueTagChanges, TagOutbox } from "../app/jobs/tags/tag-outbox.server";
import { SecretBox } from "../app/security/secret-box.server";
import { createWooLabelWriterFactory } from "../app/platforms/woocommerce/label-writer.server";
import { sealKeys } from "../app/platforms/woocommerce/store-keys.server";
import { WooSyncRunner } from "../app/platforms/woocommerce/sync-runner.server";
import { startWooSimulator } from "../simulators/woocommerce";
import { freshSqlite } from "../tools/fresh-database";
import { round } from "./support";

// The app code below runs in this process: its development defaults (dev secret, derived key) are opt-in.
process.env.NODE_ENV ??= "development";

const ORDERS = Number(process.env.BENCH_WOO_ORDERS ?? 10_000);
const CUSTOMERS = Number(process.env.BENCH_WOO_CUSTOMERS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_WOO_CONCURRENCY ?? 4);
const say = (message: string) => console.error(`[bench:woo] ${message}`);

const sim = await startWooSimulator({ latency: { readMs: 145, writeMs: 580 } });
sim.store.cicloPluginActive = true;
say(`seeding ${CUSTOMERS} customers and ${ORDERS} orders…`);
const ids: number[] = [];
for (let i = 0; i < CUSTOMERS; i++) ids.push(sim.store.createCustomer({ email: `c${i}@bench.example` }).id);
for (let i = 0; i < ORDERS; i++) {
  // Each customer orders once (so all 10,000 are changed customers); orders beyond that are guest checkouts.
  const customer = i < ids.length ? ids[i]! : 0;
  sim.store.createOrder({
    customer_id: customer,
    status: i % 7 === 0 ? "processing" : "completed",
    billing: { email: customer ? `c${i}@bench.example` : `guest${i % 500}@bench.example` },
    line_items: [{ product_id: 12 + (i % 2), quantity: 1 + (i % 3) }],
  });
}

const { url } = freshSqlite();
const db = createDb(url);
const bulk = createBulkWriter(db, url);
const encryptionKey = randomBytes(32);
const box = new SecretBox(encryptionKey);
const store = await db.store.create({
  data: {
    platform: "woocommerce",
    domain: new URL(sim.httpsUrl).host,
    baseUrl: sim.httpsUrl,
    credentials: sealKeys(box, sim.adminKey),
    webhookSecret: box.seal("bench"),
    embedSecret: box.seal("bench"),
  },
});
const tuning = { ca: sim.ca, allowPrivateAddresses: true };

say("backfill…");
const backfillStart = sim.requests.length;
let t = performance.now();
const runner = new WooSyncRunner({ db, box, encryptionKey, appUrl: "https://ciclo.invalid", clientTuning: tuning });
// Orders only: the simulator builds every customer document (scanning all orders) per page, which WooCommerce
// does not; a 10,000-customer pass would measure the simulator. Customers arrive with their orders anyway.
const { run } = await runner.run(store.id, "install", { customers: false });
const backfillSeconds = (performance.now() - t) / 1000;
if (run.state !== "completed") throw new Error(`backfill failed: ${run.error}`);
const backfillRequests = sim.requests.length - backfillStart;
const orderRequests = sim.requests.slice(backfillStart).filter((r) => r.path.endsWith("/orders")).length;

say("scores and 10,000 changed customers…");
await recomputeStore({ db, bulk, dialect: "sqlite" }, store.id, "nightly");
// Every registered customer changed (the benchmark's premise): one outbox item each, whatever the recompute planned.
await db.tagOutboxPage.deleteMany({ where: { storeId: store.id } });
const registered = await db.customer.findMany({
  where: { storeId: store.id, NOT: { externalId: { startsWith: "guest:" } } },
  select: { id: true, externalId: true },
});
const changed = registered.filter((c) => c.externalId !== "1").slice(0, 10_000); // not the shop admin
const score = await db.customerScore.findMany({
  where: { storeId: store.id },
  select: { customerId: true, segment: true },
});
const segmentOf = new Map(score.map((s) => [s.customerId, s.segment]));
await queueTagChanges(
  db,
  store.id,
  changed.map((c) => ({
    customerId: c.id,
    customerExternalId: c.externalId,
    add: [`ciclo:rfm-${segmentOf.get(c.id) ?? "new"}`],
    remove: [],
    metafields: null,
  })),
);

say("write-back…");
const writebackStart = sim.requests.length;
t = performance.now();
const outbox = new TagOutbox(
  db,
  bulk,
  createWooLabelWriterFactory({ db, bulk, box, clientTuning: tuning, concurrency: CONCURRENCY }),
  { dialect: "sqlite" },
);
const pushed = await outbox.push(store.id);
const writebackSeconds = (performance.now() - t) / 1000;
const writebackRequests = sim.requests.length - writebackStart;
const rerunStart = sim.requests.length;
await outbox.push(store.id);
const rerunRequests = sim.requests.length - rerunStart;

console.log(
  JSON.stringify({
    backfill_orders_per_s: round(run.ordersDone / backfillSeconds),
    writeback_customers_per_s: round(pushed.applied / writebackSeconds),
    requests: {
      backfill: backfillRequests,
      backfill_orders: orderRequests,
      writeback: writebackRequests,
      rerun: rerunRequests,
    },
    orders: run.ordersDone,
    customers_written: pushed.applied,
    backfill_s: round(backfillSeconds),
    writeback_s: round(writebackSeconds),
    writeback_concurrency: CONCURRENCY,
    latency_ms: { get: 145, write: 580 },
  }),
);
bulk.close();
await db.$disconnect();
await sim.close();

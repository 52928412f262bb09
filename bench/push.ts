/**
 * npm run bench:push [-- --postgres] — how long the tag push holds the request thread.
 *
 * The push runs on the app's request thread (it waits on Shopify most of the time); every stretch of work it does
 * without a turn delays the webhooks and pages of the process by as much. A store of BENCH_CUSTOMERS (200,000)
 * customers is recomputed (in a process of its own, as the app runs it in a worker thread), then its full tag push
 * runs in this process against the Shopify simulator (its own process, Standard plan) with the event loop's delay
 * sampled every 10 ms. The floor: an idle Node process sampled the same way during the push — on a shared
 * machine a thread that does nothing still waits for a core now and then.
 * Prints one JSON object: max_event_loop_block_ms (the push's longest stretch), blocks_over_50ms (250 ms windows
 * whose longest delay was over 50 ms), idle_process_max_block_ms and block_ratio (the two divided).
 */
import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createDb, tuneDb } from "../app/db.server";
import { createBulkWriter } from "../app/db/bulk-writer.server";
import { freshDatabase } from "../tools/fresh-database";
import { recomputeInProcess } from "./recompute-process";
import { seedStore } from "./seed-store";
import { startTagPushTarget } from "./tag-push-target";
import { round } from "./support";

const POSTGRES = process.argv.includes("--postgres");
process.env.NODE_ENV ??= "development";
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 200_000);
const NOW = new Date("2026-11-20T03:00:00Z");
const SHOP = "bench-push.myshopify.com";
const FIRST_CUSTOMER_ID = 7_000_000_000_000;

const database = await freshDatabase(POSTGRES ? "postgres" : "sqlite");
const { url } = database;
await seedStore({
  url,
  storeId: "bench",
  domain: SHOP,
  customers: CUSTOMERS,
  orders: CUSTOMERS * 3,
  now: NOW,
  firstCustomerId: FIRST_CUSTOMER_ID,
});
const recompute = await recomputeInProcess({ databaseUrl: url, storeId: "bench", trigger: "nightly", now: NOW });
if (recompute.state !== "completed") throw new Error(`recompute ${recompute.state}`);

const db = createDb(url);
await tuneDb(db, url);
const bulk = createBulkWriter(db, url);
const dialect = POSTGRES ? "postgres" : "sqlite";
const { shopify, outbox } = await startTagPushTarget({
  db,
  bulk,
  dialect,
  domain: SHOP,
  customers: CUSTOMERS,
  firstCustomerId: FIRST_CUSTOMER_ID,
});
// Modules and connections the app has warm before any push (its server listens only once warm): load them here
// too, so the figure is the push's own work, not first use.
await outbox.pending("bench");
await fetch(shopify.graphqlUrl, { method: "HEAD" }).catch(() => undefined);

const idle = spawn(
  process.execPath,
  [
    "-e",
    `const { monitorEventLoopDelay } = require("node:perf_hooks");
     const d = monitorEventLoopDelay({ resolution: 10 }); d.enable();
     process.on("message", () => { process.send(d.max / 1e6); process.exit(0); });`,
  ],
  { stdio: ["ignore", "ignore", "inherit", "ipc"] },
);
const delay = monitorEventLoopDelay({ resolution: 10 });
let windows = 0;
let windowsOver50 = 0;
const window = monitorEventLoopDelay({ resolution: 10 });
window.enable();
const sampler = setInterval(() => {
  windows++;
  if (window.max / 1e6 > 50) windowsOver50++;
  window.reset();
}, 250);
delay.enable();
const started = performance.now();
const pushed = await outbox.push("bench");
const pushS = (performance.now() - started) / 1000;
delay.disable();
clearInterval(sampler);
const idleMaxMs = await new Promise<number>((resolve) => {
  idle.once("message", (ms) => resolve(Number(ms)));
  idle.send("done");
});
const maxBlockMs = delay.max / 1e6;

console.log(
  JSON.stringify({
    db: dialect,
    customers: CUSTOMERS,
    pushed: pushed.applied,
    push_s: round(pushS, 2),
    max_event_loop_block_ms: round(maxBlockMs, 1),
    p99_event_loop_delay_ms: round(delay.percentile(99) / 1e6, 1),
    blocks_over_50ms: windowsOver50,
    windows,
    idle_process_max_block_ms: round(idleMaxMs, 1),
    block_ratio: round(maxBlockMs / Math.max(1, idleMaxMs), 2),
  }),
);
await shopify.close();
bulk.close();
await db.$disconnect();
await database.drop();
process.exit(0);

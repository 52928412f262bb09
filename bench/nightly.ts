/**
 * npm run bench:nightly [-- --postgres] — the nightly pipeline on a 1,000,000-customer, 3,000,000-order store in
 * SQLite (or, with --postgres, on a PostgreSQL server started for the run), generated deterministically and
 * written straight into a fresh database (the benchmark measures the pipeline, not ingestion), then the push of
 * the resulting tag changes to the Shopify simulator on the Standard plan (100 points/s), then a second run.
 * Prints one JSON object.
 *
 * floor_s / floor_ratio: the machine's speed drifts 3-4x within a day, so the recompute is reported against a
 * floor measured on the same database in the same run (bench/floor.ts): a raw one-pass GROUP BY customer over the
 * same orders plus a raw insert of one row per customer. Target: floor_ratio <= 3.
 *
 * cpu: the same two measured in CPU seconds (bench/process-cpu.ts) — the recompute process's threads plus, on
 * PostgreSQL, the server's processes — and cpu.ratio, recompute against floor. The wall-time ratio also moves with
 * how the work happened to share the two cores; the CPU ratio is what the pipeline costs in work.
 *
 * push_min_s: the least time the platform allows: what Shopify's leaky bucket (Standard: 2,000 points, 100/s) needs
 * for the points the push was charged, plus the time the (simulated) Shopify itself was busy with the bulk
 * mutations (at least one queued or running; they are not charged per line). The simulator runs in its own
 * process, as Shopify runs on its own machines. push_s / push_min_s is then Ciclo's own overhead: reading the
 * outbox, building and uploading files, polling, recording results — whatever of it is not hidden behind
 * Shopify's work.
 *
 * intelligence_s: the customer-intelligence phases; intelligence_share is their part of recompute_s and
 * intelligence_added what they add on top of the rest (target <= 0.2), both from the phases' summed durations. Some
 * phases overlap on PostgreSQL (the score write with the intelligence phases, the intelligence write with the tag
 * diff), so the sum overstates what they add: intelligence_alone_s is the time during which an intelligence phase
 * and no other ran, and intelligence_alone_added that against the rest.
 */
import { createDb, tuneDb } from "../app/db.server";
import { createBulkWriter } from "../app/db/bulk-writer.server";
import { minimumSeconds } from "../app/platforms/shopify/tags";
import { PLAN_LIMITS } from "../simulators/shopify/graphql/throttle";
import { measureFloor } from "./floor";
import { recomputeInProcess } from "./recompute-process";
import { seedStore } from "./seed-store";
import { startTagPushTarget } from "./tag-push-target";
import { freshDatabase } from "../tools/fresh-database";
import { round } from "./support";
import { ownCpuSeconds, processCpuSeconds } from "./process-cpu";

const POSTGRES = process.argv.includes("--postgres");
// The app runs the recompute's thread at a lower priority than requests; here it runs at the priority the floor is
// measured at, so a busy machine slows both alike and the ratio stays a property of the code.
process.env.CICLO_WORKER_NICE = "0";
// The app code below runs in this process: its development defaults (dev secret, derived key) are opt-in.
process.env.NODE_ENV ??= "development";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 3_000_000);
const NOW = new Date("2026-11-20T03:00:00Z");
const SHOP = "bench-nightly.myshopify.com";
const FIRST_CUSTOMER_ID = 7_000_000_000_000;

// 1. Data: heterogeneous buyers (gamma purchase rates) over three years, ~3 orders per customer.
const database = await freshDatabase(POSTGRES ? "postgres" : "sqlite");
const { url } = database;
await seedStore({
  url,
  storeId: "bench",
  domain: SHOP,
  customers: CUSTOMERS,
  orders: ORDERS,
  now: NOW,
  firstCustomerId: FIRST_CUSTOMER_ID,
});
const db = createDb(url);
await tuneDb(db, url);
const bulk = createBulkWriter(db, url);
const orders = await db.order.count();
const dialect = POSTGRES ? "postgres" : "sqlite";

// The floor, on the same database in the same run: the least database work that can score this store.
/** The database server's CPU seconds so far (PostgreSQL runs in processes of its own; SQLite in the caller's). */
const serverCpu = () => (POSTGRES ? processCpuSeconds("postgres") : 0);
const floorCpu = { own: ownCpuSeconds(), server: serverCpu() };
const floor = await measureFloor(url, "bench");
const floorCpuS = ownCpuSeconds() - floorCpu.own + (serverCpu() ?? NaN) - (floorCpu.server ?? NaN);

// 2. The nightly recompute, in a process of its own as the app runs it (its peak RSS is the pipeline's: this
// process still holds the generator's and the floor's leftovers).
const serverBefore = serverCpu();
const recompute = await recomputeInProcess({ databaseUrl: url, storeId: "bench", trigger: "nightly", now: NOW });
const recomputeServerCpuS = (serverCpu() ?? NaN) - (serverBefore ?? NaN);
const run = await db.recomputeRun.findUniqueOrThrow({ where: { id: recompute.runId } });
const recomputeS = recompute.seconds;
if (run.state !== "completed") throw new Error(`recompute ${run.state}: ${run.error}`);
const tagChanges = JSON.parse(run.counts).tagChanges as number;
const phases = JSON.parse(run.phases) as { name: string; ms: number; startMs: number }[];
// The customer-intelligence phases (channels, cohorts, journey, products bought together, next product, their
// writes): what they add to the recompute. Target: at most 20 % on top of the rest.
const INTELLIGENCE_PHASES = new Set(["intelligence", "products", "intelligence-write"]);
const intelligenceS = phases.filter((p) => INTELLIGENCE_PHASES.has(p.name)).reduce((s, p) => s + p.ms, 0) / 1000;
const intelligenceAloneS = aloneSeconds(phases, INTELLIGENCE_PHASES);

/** Seconds during which a phase named in `names` ran and no other phase did (phases may overlap). */
function aloneSeconds(list: { name: string; ms: number; startMs: number }[], names: Set<string>): number {
  const edges = [...new Set(list.flatMap((p) => [p.startMs, p.startMs + p.ms]))].sort((a, b) => a - b);
  let alone = 0;
  for (let k = 0; k + 1 < edges.length; k++) {
    const at = (edges[k]! + edges[k + 1]!) / 2;
    const running = list.filter((p) => p.startMs <= at && at < p.startMs + p.ms);
    if (running.length > 0 && running.every((p) => names.has(p.name))) alone += edges[k + 1]! - edges[k]!;
  }
  return alone / 1000;
}

// 3. Push to the simulated Shopify (bench/tag-push-target.ts), in its own process as Shopify is on its own machines.
const { shopify, outbox } = await startTagPushTarget({
  db,
  bulk,
  dialect,
  domain: SHOP,
  customers: CUSTOMERS,
  firstCustomerId: FIRST_CUSTOMER_ID,
});
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
const secondRecompute = await recomputeInProcess({ databaseUrl: url, storeId: "bench", trigger: "nightly", now: NOW });
const second = await db.recomputeRun.findUniqueOrThrow({ where: { id: secondRecompute.runId } });
await outbox.push("bench");
const secondCalls = (await shopify.stats()).requests;

console.log(
  JSON.stringify({
    db: dialect,
    customers: CUSTOMERS,
    orders,
    recompute_s: round(recomputeS, 2),
    floor_s: round(floor.floor_s, 2),
    floor_ratio: round(recomputeS / floor.floor_s, 2),
    floor_parts: { group_s: round(floor.group_s, 2), insert_s: round(floor.insert_s, 2) },
    cpu: {
      recompute_s: round(recompute.cpuSeconds + recomputeServerCpuS, 2),
      recompute_app_s: round(recompute.cpuSeconds, 2),
      recompute_db_s: round(recomputeServerCpuS, 2),
      floor_s: round(floorCpuS, 2),
      ratio: round((recompute.cpuSeconds + recomputeServerCpuS) / floorCpuS, 2),
    },
    phases,
    intelligence_s: round(intelligenceS, 2),
    intelligence_share: round(intelligenceS / recomputeS, 3),
    intelligence_added: round(intelligenceS / (recomputeS - intelligenceS), 3),
    intelligence_alone_s: round(intelligenceAloneS, 2),
    intelligence_alone_added: round(intelligenceAloneS / (recomputeS - intelligenceAloneS), 3),
    // Where the intelligence phases spend their time (milliseconds per step, from the run's counts).
    intelligence_steps: JSON.parse(run.counts).intelligence?.steps ?? null,
    // Where the writing phases spend their time (milliseconds per write, from the run's counts).
    persist_steps: JSON.parse(run.counts).persistSteps ?? null,
    tag_diff_steps: JSON.parse(run.counts).tagDiffSteps ?? null,
    peak_rss_mb: Math.round(recompute.peakRssBytes / 1_048_576),
    tag_changes: tagChanges,
    tags_applied: pushed.applied,
    push_s: round(pushS, 2),
    push_min_s: round(pushMinS, 2),
    shopify_bulk_s: round(shopifyBulkS, 2),
    bulk_operations: stats.bulkOperations,
    api_calls: stats.requests,
    // The rerun rewrites every customer's rows over the stored ones (upserts rather than inserts).
    second_run_s: round(secondRecompute.seconds, 2),
    // What every night after a store's first takes: it also holds the stored labels and the previous run's keys.
    second_run_peak_rss_mb: Math.round(secondRecompute.peakRssBytes / 1_048_576),
    second_run_phases: JSON.parse(second.phases),
    second_run_persist_steps: JSON.parse(second.counts).persistSteps ?? null,
    second_run_tag_diff_steps: JSON.parse(second.counts).tagDiffSteps ?? null,
    second_run_intelligence_steps: JSON.parse(second.counts).intelligence?.steps ?? null,
    second_run_tag_changes: JSON.parse(second.counts).tagChanges,
    second_run_api_calls: secondCalls,
  }),
);
await shopify.close();
bulk.close();
await db.$disconnect();
await database.drop();

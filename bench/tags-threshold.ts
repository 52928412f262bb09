/**
 * Measures the two tag write-back paths against the local Shopify simulator over HTTP, to choose the threshold
 * between them (docs/decisions/042). For each N: a fresh shop of N customers whose segment changed (one
 * tagsRemove + one tagsAdd each), a full bucket at the plan's size, then the direct path (paced tagsAdd/tagsRemove)
 * and, on another fresh shop, the bulk path (staged upload + bulkOperationRunMutation, polled).
 *
 *   npx tsx bench/tags-threshold.ts [--sizes 10,50,100,500,1000,5000] [--direct-max 1000]
 *                                   [--bulk-start-ms 5000] [--bulk-lines-per-s 200] [--plan standard]
 *
 * Bulk timing is a model (Shopify publishes neither queueing delay nor throughput): the simulator holds an
 * operation CREATED for --bulk-start-ms and then runs --bulk-lines-per-s lines per second. Direct runs above
 * --direct-max are extrapolated from the largest measured run (marked "direct_extrapolated": true), since at
 * 100 points/s 5000 changes take a quarter of an hour. Prints one JSON object.
 */
import { parseArgs } from "node:util";
import { ShopifyTagWriter, type CustomerLabelChange, type WritePath } from "../app/platforms/shopify/tags";
import { simulatorAdminGraphql } from "../simulators/shopify/admin-client";
import { PLAN_LIMITS } from "../simulators/shopify/graphql/throttle";
import type { ShopPlan } from "../simulators/shopify/model";
import { start, type ShopifySimulator } from "../simulators/shopify/server";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10,50,100,500,1000,5000" },
    "direct-max": { type: "string", default: "1000" },
    "bulk-start-ms": { type: "string", default: "5000" },
    "bulk-lines-per-s": { type: "string", default: "200" },
    plan: { type: "string", default: "standard" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const directMax = Number(values["direct-max"]);
const plan = values.plan as ShopPlan;
const limits = PLAN_LIMITS[plan];
const RESERVE = 100;
const POINTS_PER_CHANGE = 20;

interface PathRun {
  seconds: number;
  calls: number;
  throttled: number;
  points: number;
}

let shopCounter = 0;

async function run(sim: ShopifySimulator, n: number, path: WritePath): Promise<PathRun> {
  const shop = sim.createShop({
    domain: `threshold-${path}-${n}-${++shopCounter}.myshopify.com`,
    plan,
    seed: shopCounter,
  });
  const changes: CustomerLabelChange[] = [];
  for (let i = 0; i < n; i++) {
    const c = shop.createCustomer({ tags: ["newsletter", "ciclo:rfm-at-risk"] });
    changes.push({ customerExternalId: String(c.id), add: ["ciclo:rfm-champions"], remove: ["ciclo:rfm-at-risk"] });
  }
  const gql = simulatorAdminGraphql(sim.graphqlUrl(shop.domain), shop.info.accessToken);
  const writer = new ShopifyTagWriter({ reservePoints: RESERVE });
  const t0 = performance.now();
  let applied = 0;
  for await (const r of writer.apply(changes, gql, { path })) if (r.status === "applied") applied++;
  const seconds = (performance.now() - t0) / 1000;
  if (applied !== n) throw new Error(`${path} ${n}: only ${applied} applied`);
  const stats = sim.stats(shop.domain);
  return { seconds, calls: stats.requests, throttled: stats.throttled, points: stats.pointsCharged };
}

/** Least time the bucket allows for the direct path: the burst (minus our reserve), then the restore rate. */
function directMinimum(n: number): number {
  return Math.max(0, n * POINTS_PER_CHANGE - (limits.maximumAvailable - RESERVE)) / limits.restoreRate;
}

const round = (x: number) => Math.round(x * 100) / 100;

const sim = await start({
  bulk: {
    mutationStartDelayMs: Number(values["bulk-start-ms"]),
    mutationLinesPerSecond: Number(values["bulk-lines-per-s"]),
  },
});
const rows: Record<string, unknown>[] = [];
let lastDirect: { n: number; run: PathRun } | null = null;
try {
  for (const n of sizes) {
    let direct: PathRun;
    let extrapolated = false;
    if (n <= directMax) {
      direct = await run(sim, n, "direct");
      lastDirect = { n, run: direct };
    } else {
      if (!lastDirect) throw new Error("--direct-max is below every size");
      // Same overhead over the bucket's minimum as the largest measured run.
      const overhead = lastDirect.run.seconds - directMinimum(lastDirect.n);
      direct = { seconds: directMinimum(n) + overhead, calls: 2 * n, throttled: 0, points: n * POINTS_PER_CHANGE };
      extrapolated = true;
    }
    const bulk = await run(sim, n, "bulk");
    rows.push({
      n,
      direct_s: round(direct.seconds),
      direct_min_s: round(directMinimum(n)),
      direct_calls: direct.calls,
      direct_throttled: direct.throttled,
      direct_extrapolated: extrapolated,
      bulk_s: round(bulk.seconds),
      bulk_calls: bulk.calls,
      bulk_points: bulk.points,
      faster: bulk.seconds < direct.seconds ? "bulk" : "direct",
    });
    process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
  }
} finally {
  await sim.close();
}
// Where the bulk path's time equals the direct path's, from the model fitted to the bulk runs (fixed + per line).
const bulkRows = rows as { n: number; bulk_s: number }[];
const first = bulkRows[0]!;
const last = bulkRows[bulkRows.length - 1]!;
const perChange = (last.bulk_s - first.bulk_s) / (last.n - first.n);
const fixed = first.bulk_s - perChange * first.n;
const directPerChange = POINTS_PER_CHANGE / limits.restoreRate;
const burstChanges = (limits.maximumAvailable - RESERVE) / POINTS_PER_CHANGE;
const crossover = Math.ceil((fixed + directPerChange * burstChanges) / (directPerChange - perChange));
console.log(
  JSON.stringify({
    plan,
    restore_rate: limits.restoreRate,
    bucket: limits.maximumAvailable,
    reserve_points: RESERVE,
    points_per_change: POINTS_PER_CHANGE,
    bulk_model: { start_delay_ms: Number(values["bulk-start-ms"]), lines_per_s: Number(values["bulk-lines-per-s"]) },
    rows,
    bulk_fit: { fixed_s: round(fixed), per_change_s: round(perChange * 1000) / 1000 },
    crossover_changes: crossover,
  }),
);

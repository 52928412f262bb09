/**
 * npm run bench:soak [-- --postgres] — nothing lost under load, and a crash in the middle.
 *
 * A store of 200,000 customers (~600,000 orders, written straight into a fresh SQLite file, or with --postgres a
 * PostgreSQL server started for the run) is recomputed and its tags fully pushed to a simulated Shopify in its
 * own process, while that Shopify sends signed order webhooks (create / paid / updated / refund / cancel) at a
 * steady rate for 60 s the way Shopify does: 5 s timeout, its retry schedule compressed, 20 % duplicate
 * deliveries, deliveries overtaking each other. The recompute starts after 10 s (as the nightly run starts on a
 * server that has been up); at 25 s, during the recompute or the push, the app is killed with SIGKILL and
 * restarted. Then everything settles and is checked against the truth:
 *   lost            orders created during the run that Ciclo does not hold in their final state
 *   double_counted  orders whose refunds Ciclo counts more than once
 *   tags_match      every customer's ciclo: tags in Shopify are what the final scores call for
 * and the delivery figures: attempts that timed out outside the kill window, latency percentiles of the
 * acknowledged attempts outside it, and the longest event-loop block of the app while a recompute ran. The kill
 * window runs from the kill to 3 s after the new process answers; the first process's first 3 s after it answers
 * (loading its modules on first use) are reported apart too (cold_start_max_ms).
 * Prints one JSON object. Targets: lost 0, double_counted 0, tags_match true, timeouts 0 outside the kill window,
 * p99 <= 250 ms, max_event_loop_block_ms <= 100.
 * Options: SOAK_CUSTOMERS (200000), SOAK_RATE (merchant actions/s, 20), SOAK_SECONDS (60), SOAK_KILL_AT_S (3),
 * SOAK_KILL_DURING ("recompute" by default, "push", or "any": after SOAK_KILL_AT_S, wait for that phase before the
 * kill — the machine's speed moves the phases, and a kill that should land mid-recompute must wait for it),
 * BENCH_SKIP_BUILD=1.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { createDb } from "../app/db.server";
import { EncryptedSessionStorage } from "../app/db/encrypted-session-storage.server";
import { RECOMPUTE_QUEUE } from "../app/jobs/queue/job-queue";
import { PgBossJobQueue } from "../app/jobs/queue/pgboss-queue.server";
import { SqliteJobQueue } from "../app/jobs/queue/sqlite-queue.server";
import { desiredTags, parseTagFamilies } from "../app/jobs/tags/desired-tags";
import { SecretBox } from "../app/security/secret-box.server";
import { freePort } from "../tools/free-port";
import { seedStore } from "./seed-store";
import { startSoakShopify } from "./soak/shopify";
import type { DeliveryReport } from "./soak/protocol";
import { buildApp } from "../tools/app-build";
import { startApp, type RunningApp } from "../tools/app-process";
import { freshDatabase } from "../tools/fresh-database";
import { round } from "./support";

const POSTGRES = process.argv.includes("--postgres");
const CUSTOMERS = Number(process.env.SOAK_CUSTOMERS ?? 200_000);
const RATE = Number(process.env.SOAK_RATE ?? 20);
const DURATION_MS = Number(process.env.SOAK_SECONDS ?? 60) * 1000;
const KILL_AT_MS = Number(process.env.SOAK_KILL_AT_S ?? 3) * 1000;
// The recompute starts once the app has been serving for a while, as the nightly run does in production.
const RECOMPUTE_AFTER_MS = Number(process.env.SOAK_RECOMPUTE_AT_S ?? 10) * 1000;
// A process that just started loads its modules on first use: its first seconds are reported apart.
const WARM_UP_MS = 3_000;
const SHOP = "soak-store.myshopify.com";
const STORE_ID = "soak";
const SECRET = "soak-webhook-secret";
const FIRST_CUSTOMER_ID = 8_000_000_000_000;
// Shopify's 8 retries over ~4 h, compressed to ~70 s: a delivery that fails in the kill window is retried after it.
const RETRY_SCALE = 0.005;
const ORDER_TOPICS = new Set(["orders/create", "orders/updated", "orders/paid", "orders/cancelled", "refunds/create"]);

const log = (message: string) => console.error(`[soak] ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (process.env.BENCH_SKIP_BUILD !== "1") buildApp();
const database = await freshDatabase(POSTGRES ? "postgres" : "sqlite");
const { url } = database;
const now = new Date();
log(`seeding ${CUSTOMERS.toLocaleString()} customers on ${database.kind}…`);
await seedStore({
  url,
  storeId: STORE_ID,
  domain: SHOP,
  customers: CUSTOMERS,
  orders: CUSTOMERS * 3,
  now,
  firstCustomerId: FIRST_CUSTOMER_ID,
});

const port = await freePort();
const shopify = await startSoakShopify({
  domain: SHOP,
  customers: CUSTOMERS,
  firstCustomerId: FIRST_CUSTOMER_ID,
  webhookUrl: `http://127.0.0.1:${port}/webhooks`,
  secret: SECRET,
  seed: 1,
  retryScale: RETRY_SCALE,
});

// The shop's offline session, as an install stores it (token sealed with the app's key).
const encryptionKey = randomBytes(32);
const db = createDb(url);
await new EncryptedSessionStorage(new PrismaSessionStorage(db), new SecretBox(encryptionKey)).storeSession(
  new Session({
    id: `offline_${SHOP}`,
    shop: SHOP,
    state: "soak",
    isOnline: false,
    accessToken: shopify.accessToken,
    scope: "read_customers,write_customers,read_orders,read_all_orders",
  }),
);
// The recompute (and the full tag push it leads to) waits in the queue for the app to start.
const recomputeJob = { startAfter: new Date(Date.now() + RECOMPUTE_AFTER_MS), singletonKey: STORE_ID };
if (POSTGRES) {
  const queue = new PgBossJobQueue({ connectionString: url });
  await queue.start();
  await queue.send(RECOMPUTE_QUEUE, { storeId: STORE_ID, trigger: "manual" }, recomputeJob);
  await queue.stop();
} else {
  await new SqliteJobQueue(db).send(RECOMPUTE_QUEUE, { storeId: STORE_ID, trigger: "manual" }, recomputeJob);
}

const loopFile = join(tmpdir(), `ciclo-soak-loop-${process.pid}.jsonl`);
rmSync(loopFile, { force: true });
// The floor of the event-loop figure on this machine at this hour: an idle Node process at the app's priority,
// sampled the same way. On a shared machine a thread that does nothing still waits for a core now and then.
const probeFile = join(tmpdir(), `ciclo-soak-probe-${process.pid}.jsonl`);
rmSync(probeFile, { force: true });
const probe = spawn(
  process.execPath,
  [
    "-e",
    `const { monitorEventLoopDelay } = require("node:perf_hooks");
     const { appendFileSync } = require("node:fs");
     process.on("disconnect", () => process.exit(0));
     const d = monitorEventLoopDelay({ resolution: 10 }); d.enable();
     setInterval(() => { appendFileSync(${JSON.stringify(probeFile)}, JSON.stringify({ t: Date.now(), maxMs: d.max / 1e6 }) + "\\n"); d.reset(); }, 250);`,
  ],
  { stdio: ["ignore", "ignore", "ignore", "ipc"] }, // the channel closes if this process dies: so does the probe
);
probe.unref();
probe.channel?.unref();
const appEnv = {
  PORT: String(port),
  DATABASE_URL: url,
  NODE_ENV: "development",
  SHOPIFY_API_KEY: "soak-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
  SHOPIFY_ADMIN_ORIGIN: shopify.baseUrl,
  CICLO_ENCRYPTION_KEY: encryptionKey.toString("base64"),
  CICLO_LOOP_STATS_FILE: loopFile,
  LOG_LEVEL: "error",
};
const firstStart = Date.now();
let app: RunningApp = await startApp(appEnv);
const firstReady = Date.now();
log("app started; webhooks begin");

const phaseNow = async () => {
  const run = await db.recomputeRun.findFirst({ where: { storeId: STORE_ID }, orderBy: { startedAt: "desc" } });
  const pendingTags = await db.tagOutboxPage.count({ where: { storeId: STORE_ID, state: "pending" } });
  return run?.state === "running" ? "recompute" : pendingTags > 0 ? "tag push" : (run?.state ?? "waiting");
};

const traffic = shopify.traffic({
  perSecond: RATE,
  durationMs: DURATION_MS,
  customers: CUSTOMERS,
  firstCustomerId: FIRST_CUSTOMER_ID,
  seed: 1,
});
// SOAK_KILL_AT_S=0: no kill (diagnostics, e.g. a CPU profile of one app process through BENCH_NODE_ARGS).
let killedDuring = "not killed";
let killAt = 0;
let readyAt = 0;
const KILL_DURING = { recompute: "recompute", push: "tag push", any: undefined }[
  process.env.SOAK_KILL_DURING ?? "recompute"
];
if (KILL_AT_MS > 0) {
  await sleep(KILL_AT_MS);
  const giveUp = Date.now() + 10 * 60_000; // the phase may be over already: then the kill lands where it lands
  if (KILL_DURING) while ((await phaseNow()) !== KILL_DURING && Date.now() < giveUp) await sleep(250);
  killedDuring = await phaseNow();
  killAt = Date.now();
  await new Promise<void>((resolve) => {
    app.child.once("exit", () => resolve());
    app.child.kill("SIGKILL");
  });
  log(`killed the app (kill -9) during the ${killedDuring}; restarting`);
  app = await startApp(appEnv);
  readyAt = Date.now();
}
const window = KILL_AT_MS > 0 ? { from: killAt, to: readyAt + WARM_UP_MS } : { from: 0, to: -1 };
// As for the restart: until 3 s after the process answers (its boot alone can take longer than 3 s on a busy machine).
const warmUp = { from: firstStart, to: firstReady + WARM_UP_MS };
const actions = await traffic;
log(`${actions} merchant actions sent; waiting for every delivery and retry`);
const deliveries = (await shopify.drain()).filter((d) => ORDER_TOPICS.has(d.topic));

// Settle: every receipt applied, a recompute completed after the restart, and its tags pushed.
const deadline = Date.now() + 20 * 60_000;
for (;;) {
  const pendingReceipts = await db.webhookReceipt.count({
    where: { OR: [{ status: "pending" }, { status: { startsWith: "processing:" } }] },
  });
  const latest = await db.recomputeRun.findFirst({ where: { storeId: STORE_ID }, orderBy: { startedAt: "desc" } });
  const pendingTags = await db.tagOutboxPage.count({ where: { storeId: STORE_ID, state: "pending" } });
  const planned = await db.tagOutboxPage.count({ where: { storeId: STORE_ID } });
  if (pendingReceipts === 0 && latest?.state === "completed" && planned > 0 && pendingTags === 0) break;
  if (Date.now() > deadline) throw new Error("the store did not settle within 20 minutes");
  await sleep(1000);
}
log("settled; checking against the truth");

// Orders: what Ciclo holds against what the store holds.
const truth = await shopify.truth();
const held = new Map(
  (
    await db.order.findMany({
      where: { storeId: STORE_ID, externalId: { in: truth.map((t) => t.externalId) } },
      select: { externalId: true, grossMinor: true, refundedMinor: true, cancelled: true },
    })
  ).map((o) => [o.externalId, o]),
);
let lost = 0;
let doubleCounted = 0;
for (const t of truth) {
  const o = held.get(t.externalId);
  if (!o || o.grossMinor !== BigInt(t.grossMinor) || o.cancelled !== t.cancelled) lost++;
  else if (o.refundedMinor > BigInt(t.refundedMinor)) doubleCounted++;
  else if (o.refundedMinor < BigInt(t.refundedMinor)) lost++;
}

// Tags: what the final scores call for, against what Shopify's customers carry.
const settings = { prefix: "ciclo:", families: parseTagFamilies("rfm,stage,clv") };
const actual = await shopify.tags(settings.prefix);
const externalIds = new Map(
  (await db.customer.findMany({ where: { storeId: STORE_ID }, select: { id: true, externalId: true } })).map((c) => [
    c.id,
    c.externalId,
  ]),
);
let tagMismatches = 0;
let cursor: string | undefined;
for (;;) {
  const page = await db.customerScore.findMany({
    where: { storeId: STORE_ID, ...(cursor ? { customerId: { gt: cursor } } : {}) },
    orderBy: { customerId: "asc" },
    take: 50_000,
    select: { customerId: true, segment: true, stage: true, clvPercentile: true },
  });
  for (const s of page) {
    const want = desiredTags(
      { segment: s.segment, stage: s.stage, clvPercentile: s.clvPercentile, npsCategory: null, jtbdAnswers: [] },
      settings,
    ).sort();
    const have = actual[externalIds.get(s.customerId) ?? ""] ?? [];
    if (want.join("|") !== have.join("|")) tagMismatches++;
  }
  if (page.length < 50_000) break;
  cursor = page[page.length - 1]!.customerId;
}

// Deliveries: timeouts and latency outside the kill window.
const inWindow = (at: number) => at >= window.from && at <= window.to;
const warming = (at: number) => at >= warmUp.from && at <= warmUp.to;
const attempts = deliveries.flatMap((d: DeliveryReport) => d.attempts);
const outside = attempts.filter((a) => !inWindow(a.at) && !warming(a.at));
const coldStart = attempts.filter((a) => warming(a.at)).map((a) => a.ms);
const isTimeout = (a: { error: string | null }) => a.error !== null && /timeout/i.test(a.error);
const acked = outside.filter((a) => a.status !== null && a.status >= 200 && a.status < 300).map((a) => a.ms);
acked.sort((a, b) => a - b);
const pct = (p: number) => (acked.length ? acked[Math.min(acked.length - 1, Math.floor(p * acked.length))]! : 0);

// The event loop while recomputes ran (the completed one and any the kill interrupted).
const runs = await db.recomputeRun.findMany({ where: { storeId: STORE_ID } });
const completed = runs.filter((r) => r.state === "completed").sort((a, b) => +b.startedAt - +a.startedAt)[0]!;
const loop = readFileSync(loopFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { t: number; maxMs: number });
// A run the kill interrupted stopped at the kill (it is only marked interrupted later, by the next process).
const runEnd = (r: (typeof runs)[number]) =>
  r.state === "interrupted" && killAt > 0
    ? Math.min(killAt, (r.finishedAt ?? r.startedAt).getTime())
    : (r.finishedAt ?? r.startedAt).getTime();
const whileRecomputing = (s: { t: number }) => runs.some((r) => s.t >= r.startedAt.getTime() && s.t <= runEnd(r) + 250);
const duringRecompute = loop.filter(whileRecomputing);
probe.kill();
const probeDuringRecompute = readFileSync(probeFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { t: number; maxMs: number })
  .filter(whileRecomputing);
const idleBlockMs = Math.max(0, ...probeDuringRecompute.map((s) => s.maxMs));

console.log(
  JSON.stringify({
    db: database.kind,
    sent: deliveries.length,
    acked_first_try: deliveries.filter((d) => {
      const first = d.attempts[0];
      return first?.status != null && first.status >= 200 && first.status < 300;
    }).length,
    non_2xx: attempts.filter((a) => a.status !== null && (a.status < 200 || a.status >= 300)).length,
    timeouts: outside.filter(isTimeout).length,
    p50_ms: round(pct(0.5), 1),
    p99_ms: round(pct(0.99), 1),
    max_event_loop_block_ms: round(Math.max(0, ...duringRecompute.map((s) => s.maxMs)), 1),
    idle_process_max_block_ms: round(idleBlockMs, 1),
    lost,
    double_counted: doubleCounted,
    tags_match: tagMismatches === 0,
    recompute_s: round((completed.finishedAt!.getTime() - completed.startedAt.getTime()) / 1000, 2),
    customers: CUSTOMERS,
    orders_checked: truth.length,
    tag_mismatches: tagMismatches,
    failed_deliveries: deliveries.filter((d) => d.outcome !== "delivered").length,
    killed_during: killedDuring,
    kill_window_s: round((window.to - window.from) / 1000, 1),
    timeouts_in_kill_window: attempts.filter((a) => inWindow(a.at) && isTimeout(a)).length,
    cold_start_max_ms: round(Math.max(0, ...coldStart), 1),
    timeouts_cold_start: attempts.filter((a) => warming(a.at) && isTimeout(a)).length,
    recompute_runs: runs.map((r) => r.state),
  }),
);

if (process.env.SOAK_DEBUG === "1") {
  // Where the event loop was blocked, against the run's timeline (ms from the first start).
  const t0 = loop[0]?.t ?? 0;
  console.error(
    JSON.stringify({
      killAt: killAt - t0,
      readyAt: readyAt - t0,
      runs: runs.map((r) => ({ state: r.state, from: +r.startedAt - t0, to: +(r.finishedAt ?? r.startedAt) - t0 })),
      blocks: loop.filter((s) => s.maxMs > 50).map((s) => [s.t - t0, round(s.maxMs, 0)]),
      slow: outside.filter((a) => a.ms > 250).map((a) => [a.at - t0, round(a.ms, 0)]),
    }),
  );
}

await app.stop();
await shopify.close();
await db.$disconnect();
await database.drop();
rmSync(loopFile, { force: true });
rmSync(probeFile, { force: true });

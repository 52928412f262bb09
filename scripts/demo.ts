/**
 * npm run demo — Ciclo end to end on the embedded default (SQLite), with no Shopify account:
 *  1. builds the app and prepares a fresh SQLite database (prisma migrate deploy);
 *  2. starts the local Shopify simulator with a demo shop holding a deterministic 3-year history
 *     (about 20,000 customers and 60,000 orders);
 *  3. starts the app in demo mode and installs the shop the way OAuth would (session + afterAuth);
 *  4. the app backfills the history through a real bulk operation on the simulator, then the simulator sends
 *     live signed webhooks (new orders, refunds, cancellations…) through the real ingestion path;
 *  5. serves the admin at http://localhost:3000/demo until Ctrl-C.
 * Options (environment): PORT (3000), DEMO_CUSTOMERS (20000), DEMO_ORDERS (60000), DEMO_LIVE_EVENTS (200),
 * DEMO_EXIT_WHEN_SYNCED=1 to stop after the sync instead of serving (CI and scripted checks).
 */
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { generateDemoHistory, LiveEventStream, start, WebhookSender } from "../simulators/shopify";
import { startApp } from "../tools/app-process";
import { ROOT } from "../tools/root";
import { enterDemoSpend } from "./demo-spend";
import { submitDemoSurveyResponses } from "./demo-surveys";

const PORT = process.env.PORT ?? "3000";
const CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? 20_000);
const ORDERS = Number(process.env.DEMO_ORDERS ?? 60_000);
const LIVE_EVENTS = Number(process.env.DEMO_LIVE_EVENTS ?? 200);
const SHOP = "ciclo-demo.myshopify.com";
const SECRET = "ciclo-demo-secret";
const DB_FILE = `${ROOT}prisma/demo.sqlite`;

const say = (message: string) => console.log(`[demo] ${message}`);

/** A fetch that keeps at most `limit` requests in flight (queues the rest). */
function limitConcurrency(inner: typeof fetch, limit: number): typeof fetch {
  let active = 0;
  const waiting: Array<() => void> = [];
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await inner(input, init);
    } finally {
      active--;
      waiting.shift()?.();
    }
  }) as typeof fetch;
}
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;

say("building the app…");
execSync("npm run --silent build", { cwd: ROOT, stdio: "ignore" });

say("preparing a fresh SQLite database…");
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(DB_FILE + suffix, { force: true });
mkdirSync(`${ROOT}prisma`, { recursive: true });
execSync("npx prisma migrate deploy", {
  cwd: ROOT,
  stdio: "ignore",
  env: { ...process.env, DATABASE_URL: `file:${DB_FILE}` },
});

say(
  `generating the demo shop's history (${CUSTOMERS.toLocaleString()} customers, ~${ORDERS.toLocaleString()} orders)…`,
);
const sim = await start({ port: 0 });
const shop = sim.createShop({ domain: SHOP, name: "Ciclo Demo Outdoor", plan: "standard", seed: 1 });
const history = generateDemoHistory({ seed: 42, customers: CUSTOMERS, targetOrders: ORDERS, end: new Date() });
shop.load(history);
// Shopify's own RFM groups and spend tiers, so the backfill reads them and the Shopify groups page has a matrix.
shop.computeStatistics(new Date());
say(
  `history ready: ${shop.customers.size.toLocaleString()} customers, ${shop.orders.size.toLocaleString()} orders (${elapsed()})`,
);

const app = await startApp({
  PORT,
  NODE_ENV: "development",
  LOG_LEVEL: "warn",
  CICLO_DEMO: "1",
  DATABASE_URL: `file:${DB_FILE}`,
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_ADMIN_ORIGIN: sim.baseUrl,
  CICLO_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
});
// Shopify delivers a shop's webhooks over a handful of connections, not thousands at once.
const sender = new WebhookSender({
  url: `${app.url}/webhooks`,
  secret: SECRET,
  retryScale: 0.001,
  fetch: limitConcurrency(fetch, 8),
});
sender.attach(shop);

say("installing the shop in Ciclo (the app starts its history backfill)…");
const install = await fetch(`${app.url}/demo`, {
  method: "POST",
  // The simulator's offline tokens expire after 60 minutes; the refresh token keeps the demo working past that.
  body: new URLSearchParams({
    shop: SHOP,
    accessToken: shop.info.accessToken,
    refreshToken: shop.info.refreshToken,
    expiresIn: "3600",
  }),
});
if (!install.ok) throw new Error(`install failed: ${install.status} ${await install.text()}`);

const db = new Database(DB_FILE, { readonly: true });
const latestRun = () =>
  db
    .prepare(
      `SELECT state, "ordersDone", "objectCount", "rowsDone", error FROM "BackfillRun" ORDER BY "startedAt" DESC LIMIT 1`,
    )
    .get() as
    | { state: string; ordersDone: number; objectCount: number | null; rowsDone: number; error: string | null }
    | undefined;
let lastReport = 0;
for (;;) {
  const run = latestRun();
  if (run?.state === "completed") break;
  if (run?.state === "failed" || run?.state === "cancelled") throw new Error(`backfill ${run.state}: ${run.error}`);
  if (run && performance.now() - lastReport > 2000) {
    lastReport = performance.now();
    const pct = run.objectCount ? Math.floor((100 * run.rowsDone) / run.objectCount) : 0;
    say(`backfill ${run.state}: ${run.ordersDone.toLocaleString()} orders imported (${pct}%)`);
  }
  await new Promise((r) => setTimeout(r, 250));
}
say(`backfill completed: ${latestRun()!.ordersDone.toLocaleString()} orders (${elapsed()})`);

say(`sending ${LIVE_EVENTS} live store events as signed webhooks…`);
new LiveEventStream(shop, { seed: 7 }).run(LIVE_EVENTS);
await sender.idle();
const pending = () =>
  (
    db
      .prepare(`SELECT COUNT(*) AS n FROM "WebhookReceipt" WHERE status = 'pending' OR status LIKE 'processing:%'`)
      .get() as { n: number }
  ).n;
while (pending() > 0) await new Promise((r) => setTimeout(r, 200));

const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

say("waiting for the first recompute (started when the backfill finished) and its tag push…");
for (;;) {
  const run = db.prepare(`SELECT state, error FROM "RecomputeRun" ORDER BY "startedAt" DESC LIMIT 1`).get() as
    { state: string; error: string | null } | undefined;
  if (run?.state === "failed") throw new Error(`recompute failed: ${run.error}`);
  const pendingTags = count(`SELECT COUNT(*) AS n FROM "TagOutboxPage" WHERE state = 'pending'`);
  const pushDone = count(`SELECT COUNT(*) AS n FROM "Job" WHERE queue = 'push-tags' AND state = 'done'`) > 0;
  if (run?.state === "completed" && pendingTags === 0 && pushDone) break;
  await new Promise((r) => setTimeout(r, 500));
}
const tagged = [...shop.customers.values()].filter((c) => c.tags.some((t) => t.startsWith("ciclo:"))).length;
say(
  `segments computed and pushed: ${tagged.toLocaleString()} simulated Shopify customers now carry ciclo: tags (${elapsed()})`,
);

say("simulated customers answer the post-purchase survey (through the real, token-verified endpoints)…");
const surveys = await submitDemoSurveyResponses(app.url, SHOP, SECRET, Number(process.env.DEMO_SURVEYS ?? 400), {
  databaseFile: DB_FILE,
});
say(`survey answers: ${surveys.answersStored} stored from ${surveys.customers} customers (${elapsed()})`);

// "The next night": more store activity, then a second recompute, so segment movement and the Journey's stage
// changes have something to show (the first run after an import records no moves).
say(`sending ${LIVE_EVENTS} more live store events, then the next recompute…`);
new LiveEventStream(shop, { seed: 8 }).run(LIVE_EVENTS);
await sender.idle();
while (pending() > 0) await new Promise((r) => setTimeout(r, 200));
const runsBefore = count(`SELECT COUNT(*) AS n FROM "RecomputeRun" WHERE state = 'completed'`);
const again = await fetch(`${app.url}/demo`, {
  method: "POST",
  body: new URLSearchParams({ shop: SHOP, intent: "recompute" }),
});
if (!again.ok) throw new Error(`second recompute refused: ${again.status} ${await again.text()}`);
for (;;) {
  const run = db.prepare(`SELECT state, error FROM "RecomputeRun" ORDER BY "startedAt" DESC LIMIT 1`).get() as
    { state: string; error: string | null } | undefined;
  if (run?.state === "failed") throw new Error(`second recompute failed: ${run.error}`);
  if (count(`SELECT COUNT(*) AS n FROM "RecomputeRun" WHERE state = 'completed'`) > runsBefore) break;
  await new Promise((r) => setTimeout(r, 500));
}
say(`second recompute done (${elapsed()})`);
say("the merchant enters their ad spend per channel and per campaign on the Channels page…");
const spend = await enterDemoSpend(app.url, SHOP);
say(`spend entered: ${spend.channels} channels, campaigns ${spend.campaigns.join(", ")} (${elapsed()})`);
const summary = {
  customers: count(`SELECT COUNT(*) AS n FROM "Customer" WHERE "deletedAt" IS NULL`),
  orders: count(`SELECT COUNT(*) AS n FROM "Order" WHERE "deletedAt" IS NULL`),
  simulatorOrders: [...shop.orders.values()].length,
  webhooksApplied: count(`SELECT COUNT(*) AS n FROM "WebhookReceipt" WHERE status IN ('processed','ignored')`),
  webhooksFailed: count(`SELECT COUNT(*) AS n FROM "WebhookReceipt" WHERE status = 'failed'`),
  scoredCustomers: count(`SELECT COUNT(*) AS n FROM "CustomerScore"`),
  taggedInShopify: tagged,
  surveyAnswers: count(`SELECT COUNT(*) AS n FROM "SurveyResponse"`),
  // Customer intelligence (Channels, Retention, Journey, Products, Shopify groups pages) and next products.
  insightKinds: count(`SELECT COUNT(*) AS n FROM "StoreInsight"`),
  nextProducts: count(`SELECT COUNT(*) AS n FROM "CustomerInsight" WHERE "nextProduct" IS NOT NULL`),
  leads: count(`SELECT COUNT(*) AS n FROM "CustomerInsight" WHERE "journeyStage" = 'Lead'`),
  customersWithShopifyGroup: count(`SELECT COUNT(*) AS n FROM "Customer" WHERE "shopifyRfmGroup" IS NOT NULL`),
  campaignSpend: count(
    `SELECT COUNT(*) AS n FROM "StoreInsight" WHERE kind = 'campaign-spend' AND data LIKE '%"spendMinor":{"%'`,
  ),
  journeyMoveDays: count(
    `SELECT COUNT(*) AS n FROM "StoreInsight" WHERE kind = 'journey-moves' AND data LIKE '%"moves":[{%'`,
  ),
};
say(`synced: ${JSON.stringify(summary)} (${elapsed()})`);
db.close();

if (process.env.DEMO_EXIT_WHEN_SYNCED === "1") {
  await app.stop();
  await sim.close();
  // Every order in, tags pushed, and every customer-intelligence page with data.
  const intelligence =
    summary.insightKinds > 0 &&
    summary.nextProducts > 0 &&
    summary.leads > 0 &&
    summary.customersWithShopifyGroup > 0 &&
    summary.journeyMoveDays > 0 &&
    summary.campaignSpend > 0;
  process.exit(summary.orders === summary.simulatorOrders && summary.taggedInShopify > 0 && intelligence ? 0 : 1);
}
say(`open ${app.url.replace("127.0.0.1", "localhost")}/demo — Ctrl-C to stop`);
process.on(
  "SIGINT",
  () =>
    void app
      .stop()
      .then(() => sim.close())
      .then(() => process.exit(0)),
);

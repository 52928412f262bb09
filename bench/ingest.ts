/**
 * npm run bench:ingest — webhook ingestion throughput of the running app on loopback with SQLite.
 * Signed orders/create + orders/updated webhooks from the Shopify simulator, ~20% duplicate deliveries and some
 * updates delivered before their create; a trivial route on the same server is the baseline, measured in the
 * same run. Afterwards (not timed): the compliance webhooks of a shop that uninstalled (no session, token revoked)
 * must be recorded, and forged deliveries refused. Prints one JSON object.
 */
import Database from "better-sqlite3";
import { sqliteTimestamp } from "../app/db/sqlite-connection.server";
import { SimulatedShop } from "../simulators/shopify/store";
import { buildWebhookRequest, type WebhookEvent } from "../simulators/shopify/webhooks";
import { Random } from "../simulators/random";
import { buildApp } from "../tools/app-build";
import { startApp } from "../tools/app-process";
import { freshSqlite } from "../tools/fresh-database";
import { round, runLoad, type PreparedRequest } from "./support";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECRET = "bench-webhook-secret";
const SHOP = "bench-store.myshopify.com";
const REVOKED_SHOP = "bench-revoked.myshopify.com";

const rng = new Random("bench-ingest");
const shop = new SimulatedShop({ domain: SHOP, now: new Date("2026-06-01T00:00:00Z"), seed: 1 });
const events: WebhookEvent[] = [];
shop.onEvent((e) => events.push(e));
const customers = Array.from({ length: Math.ceil(ORDERS / 3) }, (_, i) =>
  shop.createCustomer({ email: `c${i}@example.com` }),
);
events.length = 0; // customer webhooks are not part of this benchmark
for (let i = 0; i < ORDERS; i++) {
  shop.clock.advance(1000);
  const o = shop.createOrder({
    customerId: customers[rng.int(0, customers.length - 1)]!.id,
    lineItems: [{ title: "Item", price: `${rng.int(5, 200)}.${rng.int(10, 99)}`, quantity: rng.int(1, 3) }],
    financialStatus: "pending",
  });
  if (rng.next() < 0.25) {
    shop.clock.advance(1000);
    shop.markPaid(o.id);
  }
}
const orderEvents = events.filter(
  (e) => e.topic === "orders/create" || e.topic === "orders/updated" || e.topic === "orders/paid",
);

// Delivery order: mostly in order, ~5% of neighbours swapped (an update before its create), ~20% duplicates.
const deliveries: WebhookEvent[] = [...orderEvents];
for (let i = 1; i < deliveries.length; i++) {
  if (rng.next() < 0.05) [deliveries[i - 1], deliveries[i]] = [deliveries[i]!, deliveries[i - 1]!];
}
const duplicates = Math.round(deliveries.length * 0.25); // 25% extra of the unique set = 20% of all sent
for (let i = 0; i < duplicates; i++)
  deliveries.splice(rng.int(0, deliveries.length), 0, deliveries[rng.int(0, deliveries.length - 1)]!);

const webhooks: PreparedRequest[] = deliveries.map((e) => {
  const r = buildWebhookRequest({
    topic: e.topic,
    shopDomain: e.shopDomain,
    payload: e.payload,
    secret: SECRET,
    eventId: e.eventId,
    webhookId: e.eventId,
    triggeredAt: e.triggeredAt,
  });
  return { method: "POST", path: "/webhooks", headers: r.headers, body: r.body };
});
const baseline: PreparedRequest[] = webhooks.map(() => ({ method: "GET", path: "/health", headers: {} }));

buildApp();
const { file, url } = freshSqlite();
const seed = new Database(file);
seed
  .prepare(
    `INSERT INTO "Store" ("id","platform","domain","currency","timezone","status","installedAt","createdAt","updatedAt") VALUES ('bench-store','shopify',?,'EUR','Europe/Berlin','installed',?,?,?)`,
  )
  .run(SHOP, ...Array(3).fill(sqliteTimestamp(new Date())));
// A shop that uninstalled: no offline session, its token revoked; Shopify still sends the privacy webhooks.
seed
  .prepare(
    `INSERT INTO "Store" ("id","platform","domain","currency","timezone","status","installedAt","uninstalledAt","createdAt","updatedAt") VALUES ('revoked-store','shopify',?,'EUR','Europe/Berlin','uninstalled',?,?,?,?)`,
  )
  .run(REVOKED_SHOP, ...Array(4).fill(sqliteTimestamp(new Date())));
seed.close();

const app = await startApp({
  DATABASE_URL: url,
  SHOPIFY_API_SECRET: SECRET,
  ...(process.env.BENCH_WORKERS === "off" ? { CICLO_WORKERS: "off" } : {}),
});
try {
  // Warm up both paths (JIT, connection pools), then measure baseline and webhooks in the same run.
  await runLoad(app.url, baseline.slice(0, 500), CONCURRENCY);
  // The baseline runs before the webhooks and again once their backlog is applied (the mean is reported):
  // the machine's speed drifts, and the second run must not compete with the processor.
  const baseBefore = await runLoad(app.url, baseline, CONCURRENCY);
  const hooks = await runLoad(app.url, webhooks, CONCURRENCY);

  const db = new Database(file, { readonly: true });
  const deadline = Date.now() + (process.env.BENCH_WORKERS === "off" ? 0 : 120_000);
  const pending = () =>
    (
      db
        .prepare(`SELECT COUNT(*) AS n FROM "WebhookReceipt" WHERE status = 'pending' OR status LIKE 'processing:%'`)
        .get() as { n: number }
    ).n;
  while (pending() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const baseAfter = await runLoad(app.url, baseline, CONCURRENCY);

  // Revoked shop and forgeries (not timed).
  const revoked = new SimulatedShop({ domain: REVOKED_SHOP, now: new Date("2026-06-01T00:00:00Z"), seed: 2 });
  const privacy: WebhookEvent[] = [];
  revoked.onEvent((e) => privacy.push(e));
  const gone = revoked.createCustomer({ email: "gone@example.com" });
  revoked.uninstallApp();
  revoked.redactCustomer(gone.id);
  revoked.redactShop();
  const complianceRequests = privacy
    .filter((e) => e.topic !== "customers/create")
    .map((e) => {
      const r = buildWebhookRequest({ ...e, secret: SECRET });
      return { method: "POST", path: "/webhooks", headers: r.headers, body: r.body };
    });
  const compliance = await runLoad(app.url, complianceRequests, 1);
  const forged = await runLoad(
    app.url,
    webhooks
      .slice(0, 20)
      .map((w) => ({ ...w, body: w.body!.replace(/"total_price":"[^"]+"/, '"total_price":"0.01"') })),
    4,
  );
  const base = { perSecond: (baseBefore.perSecond + baseAfter.perSecond) / 2 };
  const stored = (db.prepare(`SELECT COUNT(*) AS n FROM "Order" WHERE "deletedAt" IS NULL`).get() as { n: number }).n;
  // An order is "lost" when it is missing or does not hold its newest state.
  const rows = db.prepare(`SELECT "externalId", "platformUpdatedAt" AS u FROM "Order"`).all() as Array<{
    externalId: string;
    u: number | string;
  }>;
  const held = new Map(rows.map((r) => [r.externalId, new Date(r.u).getTime()]));
  let lost = 0;
  for (const o of shop.orders.values()) if (held.get(String(o.id)) !== o.updatedAt.getTime()) lost++;
  // Applied, not only answered: shop/redact removes the uninstalled shop's row (and its receipts with it).
  while (pending() > 0 && Date.now() < deadline + 30_000) await new Promise((r) => setTimeout(r, 200));
  const revokedRedacted =
    process.env.BENCH_WORKERS === "off"
      ? null
      : !db.prepare(`SELECT 1 FROM "Store" WHERE "id" = 'revoked-store'`).get();
  db.close();

  console.log(
    JSON.stringify({
      webhooks_per_s: round(hooks.perSecond),
      p50_ms: round(hooks.p50, 2),
      p99_ms: round(hooks.p99, 2),
      baseline_per_s: round(base.perSecond),
      ratio: round(hooks.perSecond / base.perSecond, 3),
      sent: hooks.sent,
      statuses: hooks.statuses,
      stored_orders: stored,
      expected_orders: shop.orders.size,
      lost,
      revoked_shop_compliance: { sent: compliance.sent, statuses: compliance.statuses, redacted: revokedRedacted },
      forged: { sent: forged.sent, statuses: forged.statuses },
    }),
  );
} finally {
  await app.stop();
}

/**
 * The WooCommerce scenarios end to end against a real WordPress + WooCommerce store on this machine
 * (/work/shared/peers/woocommerce). Run with `npm run test:woo-live` (scripts/test-woo-live.ts loads
 * $WOO_ROOT/credentials.env). Not part of CI: it needs the real store.
 *
 * Set-up it does in the local store (undone at the end): copies the Ciclo plugin into wp-content/plugins and
 * activates it through WordPress's REST API; adds a one-file mu-plugin that makes WordPress trust this test's
 * certificate for https requests to 127.0.0.1, because WooCommerce only posts keys to an https callback_url.
 * The last scenario runs the whole app flow (connect with the store's manual keys, install backfill, nightly
 * recompute, tag outbox) on a fresh SQLite file in the OS temp dir; the webhooks it registers point at a loopback
 * receiver and are deleted at its end, and the file is removed.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Store } from "@prisma/client";
import { createDb, tuneDb } from "../../app/db.server";
import { createBulkWriter } from "../../app/db/bulk-writer.server";
import { recomputeStore } from "../../app/jobs/nightly/recompute.server";
import { TagOutbox } from "../../app/jobs/tags/tag-outbox.server";
import { SecretBox } from "../../app/security/secret-box.server";
import { WooConnectService } from "../../app/platforms/woocommerce/connect.server";
import { createWooLabelWriterFactory, formatMinor } from "../../app/platforms/woocommerce/label-writer.server";
import { migrateSqliteFile } from "../../tools/migrations";
import { openKeys, type WooClientTuning } from "../../app/platforms/woocommerce/store-keys.server";
import { WooSyncRunner } from "../../app/platforms/woocommerce/sync-runner.server";
import {
  aggregateCustomerOrders,
  assignSegments,
  countsTowardCustomerValue,
  netOrderAmountMinor,
  RFM_SEGMENTS,
  scoreRfm,
} from "../../app/domain";
import {
  buildAuthorizeUrl,
  checkCredentials,
  classifyWooDelivery,
  createWooClient,
  createWooPlatform,
  ensureWebhooks,
  listWebhooks,
  parseKeyExchangeCallback,
  reconcile,
  syncWooCustomers,
  syncWooOrders,
  writeCustomerMeta,
  type CustomerMetaChange,
  type WooClient,
  type WooStoreOrder,
} from "../../app/platforms/woocommerce";
import {
  headerLookup,
  startReceiver,
  waitFor,
  type ReceivedRequest,
  type Receiver,
} from "../../simulators/woocommerce/receiver";
import { WpAdminSession } from "../support/wp-admin";
import { tagOutboxItems } from "../../app/read-models/tag-sync.server";

// The app code below runs in this process: its development defaults (dev secret, derived key) are opt-in.
process.env.NODE_ENV ??= "development";

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through scripts/test-woo-live.ts`);
  return v;
};
const ROOT = process.env["WOO_ROOT"] ?? "/tmp/woo";
const HTTP = env("WOO_BASE_URL");
const HTTPS = env("WOO_HTTPS_BASE_URL");
const STORE_CA = readFileSync(env("WOO_CA_CERT"));
const TEST_CA = new URL("../../simulators/woocommerce/tls/cert.pem", import.meta.url);
const PLUGIN_SRC = new URL("../../extensions/woocommerce/ciclo", import.meta.url).pathname;
const PLUGIN_DIR = join(ROOT, "wp/wp-content/plugins/ciclo");
const TRUST_PLUGIN = join(ROOT, "wp/wp-content/mu-plugins/ciclo-live-test-trust.php");
const TRUST_CA = join(ROOT, "ciclo-live-test-ca.pem");
const GUEST_KEY = "live-test-guest-key";
const SECRET = `live-${Date.now()}-webhook-secret`;
const RUN = Date.now().toString(36);

const summary: Record<string, unknown> = {};
let admin: WpAdminSession;
let hooks: Receiver; // Ciclo's webhook endpoint
let callback: Receiver; // Ciclo's https key-exchange callback
let http: WooClient; // OAuth 1.0a
let https: WooClient; // Basic auth
let keys: { consumerKey: string; consumerSecret: string };

/** Ciclo's endpoint in miniature; `failTopic` makes it answer 500 for one topic. */
let failTopic: string | null = null;
function deliveriesFor(topic: string, resourceId?: number): ReceivedRequest[] {
  return hooks.received.filter(
    (r) =>
      r.headers["x-wc-webhook-topic"] === topic &&
      (resourceId === undefined || JSON.parse(r.rawBody).id === resourceId),
  );
}

before(async () => {
  admin = new WpAdminSession(HTTP);
  await admin.login(env("WOO_ADMIN_USER"), env("WOO_ADMIN_PASS"));
  hooks = await startReceiver();
  hooks.respond = (req) => {
    const result = classifyWooDelivery(headerLookup(req.headers), req.rawBody, SECRET);
    if (result.kind === "rejected") return result.status;
    if (result.kind === "delivery" && result.topic === failTopic) return 500;
    return 200;
  };
  callback = await startReceiver({ https: true });
  // WordPress verifies https peers against its own CA bundle; trust this test's certificate for loopback only.
  writeFileSync(TRUST_CA, readFileSync(TEST_CA));
  mkdirSync(join(ROOT, "wp/wp-content/mu-plugins"), { recursive: true });
  writeFileSync(
    TRUST_PLUGIN,
    `<?php // Ciclo live test: trust the test CA for https requests to 127.0.0.1 (removed after the run).
add_filter( 'http_request_args', function ( $args, $url ) {
	if ( 0 === strpos( (string) $url, 'https://127.0.0.1:' ) ) { $args['sslcertificates'] = ${JSON.stringify(TRUST_CA)}; }
	return $args;
}, 10, 2 );
`,
  );
});

after(async () => {
  try {
    if (https) {
      const { webhooks } = await listWebhooks(https);
      for (const w of webhooks.filter((w) => w.deliveryUrl.startsWith(hooks.url)))
        await https.delete(`webhooks/${w.id}`, { force: true });
    }
    await admin.setPluginStatus("ciclo/ciclo", "inactive").catch(() => undefined);
  } finally {
    rmSync(PLUGIN_DIR, { recursive: true, force: true });
    rmSync(TRUST_PLUGIN, { force: true });
    rmSync(TRUST_CA, { force: true });
    await hooks?.close();
    await callback?.close();
    console.log(`\nLIVE SUMMARY ${JSON.stringify(summary)}`);
  }
});

test("the Ciclo plugin installs and activates on the real WordPress", async () => {
  rmSync(PLUGIN_DIR, { recursive: true, force: true });
  cpSync(PLUGIN_SRC, PLUGIN_DIR, { recursive: true });
  assert.equal(await admin.setPluginStatus("ciclo/ciclo", "active"), "active");
  await admin.disconnectCiclo(); // a connection left by an interrupted run of the last scenario
  const settings = await admin.request("/wp-admin/admin.php?page=ciclo-settings");
  assert.equal(settings.status, 200);
  assert.match(await settings.text(), /Connect to Ciclo/);
  summary["plugin"] = "active";
});

test("key exchange: the merchant approves, WooCommerce posts read_write keys to the https callback", async () => {
  const userId = `live-${RUN}`;
  const back = await admin.approveKeyExchange(
    buildAuthorizeUrl({
      storeUrl: HTTP,
      appName: "Ciclo live test",
      userId,
      returnUrl: `${callback.url}/return`,
      callbackUrl: `${callback.url}/callback`,
    }),
  );
  assert.equal(back.searchParams.get("success"), "1");
  assert.equal(back.searchParams.get("user_id"), userId);
  const posted = callback.received.find((r) => r.path === "/callback");
  assert.ok(posted, "callback received");
  const parsed = parseKeyExchangeCallback(posted.rawBody, userId);
  assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
  keys = { consumerKey: parsed.value.consumerKey, consumerSecret: parsed.value.consumerSecret };
  http = createWooClient({ allowPrivateAddresses: true, storeUrl: HTTP, ...keys });
  https = createWooClient({ allowPrivateAddresses: true, storeUrl: HTTPS, ...keys, ca: STORE_CA });
  assert.deepEqual(await checkCredentials(http), {
    ok: true,
    ordersVisible: (await https.get("orders", { per_page: 1 })).total,
  });
  summary["keyExchange"] = { keyId: parsed.value.keyId, permissions: parsed.value.keyPermissions };
});

test("bad credentials are rejected with a reason", async () => {
  const wrongSecret = await checkCredentials(
    createWooClient({
      allowPrivateAddresses: true,
      storeUrl: HTTPS,
      consumerKey: keys.consumerKey,
      consumerSecret: `cs_${"0".repeat(40)}`,
      ca: STORE_CA,
    }),
  );
  assert.deepEqual(wrongSecret, { ok: false, reason: "these keys can't read orders: Consumer secret is invalid." });
  const unknown = await checkCredentials(
    createWooClient({
      allowPrivateAddresses: true,
      storeUrl: HTTP,
      consumerKey: `ck_${"1".repeat(40)}`,
      consumerSecret: `cs_${"2".repeat(40)}`,
    }),
  );
  assert.deepEqual(unknown, { ok: false, reason: "these keys can't read orders: Consumer key is invalid." });
  // A write-only key from a second approval (scope=write).
  const writeUrl = new URL(
    buildAuthorizeUrl({
      storeUrl: HTTP,
      appName: "Ciclo live test (write)",
      userId: `w-${RUN}`,
      returnUrl: `${callback.url}/return`,
      callbackUrl: `${callback.url}/callback`,
    }),
  );
  writeUrl.searchParams.set("scope", "write");
  await admin.approveKeyExchange(writeUrl.toString());
  const writeOnly = JSON.parse(callback.received.at(-1)!.rawBody) as {
    consumer_key: string;
    consumer_secret: string;
    key_permissions: string;
  };
  assert.equal(writeOnly.key_permissions, "write");
  assert.equal(parseKeyExchangeCallback(callback.received.at(-1)!.rawBody).ok, false);
  const denied = await checkCredentials(
    createWooClient({
      allowPrivateAddresses: true,
      storeUrl: HTTPS,
      consumerKey: writeOnly.consumer_key,
      consumerSecret: writeOnly.consumer_secret,
      ca: STORE_CA,
    }),
  );
  assert.deepEqual(denied, {
    ok: false,
    reason: "these keys can't read orders: The API key provided does not have read permissions.",
  });
  const basicOverHttp = await fetch(`${HTTP}/wp-json/wc/v3/orders`, {
    headers: { Authorization: `Basic ${Buffer.from(`${keys.consumerKey}:${keys.consumerSecret}`).toString("base64")}` },
  });
  assert.equal(basicOverHttp.status, 401);
  assert.equal(((await basicOverHttp.json()) as { code: string }).code, "woocommerce_rest_cannot_view");
  summary["badCredentials"] = "4 rejected with reasons";
});

let seeded: Record<string, number> = {};
let customerIds: number[] = [];

test("both auth modes read the same data (OAuth over http, Basic and query keys over https)", async () => {
  const query = createWooClient({
    allowPrivateAddresses: true,
    storeUrl: HTTPS,
    ...keys,
    ca: STORE_CA,
    queryStringAuth: true,
  });
  const totals = await Promise.all(
    [http, https, query].map(async (c) => (await c.get("orders", { per_page: 1, search: "a b/é" })).status),
  );
  assert.deepEqual(totals, [200, 200, 200]);
  const listed = await http.get<unknown[]>("orders", { per_page: 3, orderby: "id", order: "asc" });
  assert.ok(Array.isArray(listed.data));
});

test("webhooks: the 7 topics register, each creation pings synchronously", async () => {
  const report = await ensureWebhooks(http, `${hooks.url}/woo`, SECRET);
  assert.equal(report.created.length + report.unchanged.length, 7);
  const pings = hooks.received.filter((r) => /^webhook_id=\d+$/.test(r.rawBody));
  assert.equal(pings.length, report.created.length);
  for (const p of pings) {
    assert.equal(p.status, 200);
    assert.equal(classifyWooDelivery(headerLookup(p.headers), p.rawBody, SECRET).kind, "ping");
    assert.equal(p.headers["x-wc-webhook-signature"], undefined);
  }
  summary["webhooks"] = { created: report.created.length, pings: pings.length, requests: report.requests };
});

test("seed: customers, orders of every status, guests, refunds, trash", async () => {
  const made = await https.post<{ create: { id: number; error?: unknown }[] }>("customers/batch", {
    create: [0, 1, 2].map((i) => ({
      email: `live-${RUN}-${i}@example.com`,
      first_name: `Live${i}`,
      meta_data: [{ key: "other_plugin", value: "keep" }],
    })),
  });
  customerIds = made.data.create.map((c) => c.id);
  assert.equal(customerIds.length, 3);
  const [c0, c1] = customerIds as [number, number];
  const line = (productId: number, quantity = 1) => [{ product_id: productId, quantity }];
  const products = (await https.get<{ id: number; sku: string }[]>("products", { per_page: 10 })).data;
  const widget = products.find((p) => p.sku === "PEER-WIDGET")!.id;
  const gadget = products.find((p) => p.sku === "PEER-GADGET")!.id;
  const specs: [string, Record<string, unknown>][] = [
    ["completed", { status: "completed", customer_id: c0, line_items: line(gadget, 2), set_paid: true }],
    ["processing", { status: "processing", customer_id: c0, line_items: line(widget), set_paid: true }],
    ["on-hold", { status: "on-hold", customer_id: c1, line_items: line(widget) }],
    ["pending", { status: "pending", customer_id: c1, line_items: line(widget) }],
    ["failed", { status: "failed", customer_id: c1, line_items: line(widget) }],
    ["cancelled", { status: "cancelled", customer_id: c1, line_items: line(widget) }],
    ["checkout-draft", { status: "checkout-draft", customer_id: c1, line_items: line(widget) }],
    ["partRefund", { status: "completed", customer_id: c1, line_items: line(gadget, 2), set_paid: true }],
    ["fullRefund", { status: "processing", customer_id: c1, line_items: line(widget), set_paid: true }],
    ["trashed", { status: "completed", customer_id: c1, line_items: line(widget), set_paid: true }],
    [
      "guestA",
      {
        status: "completed",
        billing: { email: `Guest.${RUN}@Example.COM`, first_name: "G" },
        line_items: line(widget, 2),
        set_paid: true,
      },
    ],
    [
      "guestB",
      {
        status: "processing",
        billing: { email: `guest.${RUN}@example.com` },
        line_items: line(gadget),
        set_paid: true,
      },
    ],
  ];
  const created = await https.post<{ create: { id: number; status: string }[] }>("orders/batch", {
    create: specs.map(([, s]) => s),
  });
  seeded = Object.fromEntries(specs.map(([name], i) => [name, created.data.create[i]!.id]));
  await https.post(`orders/${seeded["partRefund"]}/refunds`, { amount: "5.25", reason: "dent", api_refund: false });
  await https.post(`orders/${seeded["fullRefund"]}/refunds`, { amount: "10.00", reason: "all", api_refund: false });
  await https.delete(`orders/${seeded["trashed"]}`);
  // Pagination material: 45 guest orders in one batch.
  await https.post("orders/batch", {
    create: Array.from({ length: 45 }, (_, i) => ({
      status: "completed",
      billing: { email: `bulk-${RUN}-${i}@example.com` },
      line_items: line(widget),
      set_paid: true,
    })),
  });
});

const backfill: WooStoreOrder[] = [];
let watermark: Date;

test("backfill: per_page=100 in id order, statuses, guests, refunds", async () => {
  for await (const page of syncWooOrders(http, { guestKey: GUEST_KEY, refundDetails: true })) {
    backfill.push(...page.orders);
    watermark = page.nextModifiedAfter;
  }
  const byId = new Map(backfill.map((o) => [Number(o.externalId), o]));
  const counts = (name: string) => countsTowardCustomerValue(byId.get(seeded[name]!)!);
  assert.equal(counts("completed"), true);
  assert.equal(counts("processing"), true);
  for (const s of ["on-hold", "pending", "failed", "cancelled", "checkout-draft", "fullRefund"])
    assert.equal(counts(s), false, s);
  assert.equal(byId.get(seeded["fullRefund"]!)!.wooStatus, "refunded");
  assert.equal(netOrderAmountMinor(byId.get(seeded["partRefund"]!)!), 4900 - 525);
  assert.ok(byId.get(seeded["partRefund"]!)!.refunds[0]!.refundedAt instanceof Date);
  assert.equal(byId.has(seeded["trashed"]!), false, "a backfill does not read the trash");
  const gA = byId.get(seeded["guestA"]!)!.customer!;
  const gB = byId.get(seeded["guestB"]!)!.customer!;
  assert.ok(gA.guest && gB.guest && gA.externalId === gB.externalId && gA.externalId.startsWith("guest:"));
  const ids = backfill.map((o) => Number(o.externalId));
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  );
  assert.equal(new Set(ids).size, ids.length);
  summary["backfill"] = {
    orders: backfill.length,
    counted: backfill.filter((o) => countsTowardCustomerValue(o)).length,
  };
});

test("pagination survives an order trashed mid-pass (real HPOS offsets)", async () => {
  const seen: number[] = [];
  let trashedOne = false;
  let victim = 0;
  for await (const page of syncWooOrders(https, { guestKey: GUEST_KEY, perPage: 20 })) {
    seen.push(...page.orders.map((o) => Number(o.externalId)));
    if (!trashedOne) {
      victim = seen[3]!;
      await https.delete(`orders/${victim}`);
      trashedOne = true;
    }
  }
  const expected = backfill.map((o) => Number(o.externalId));
  assert.deepEqual(seen, expected, "every order exactly once, in id order");
  summary["paginationShift"] = { pages: Math.ceil(seen.length / 19), orders: seen.length, trashedMidPass: victim };
});

test("increment: modified_after from the store clock sees edits and trash", async () => {
  await new Promise((r) => setTimeout(r, 1100));
  await https.put(`orders/${seeded["processing"]}`, { status: "completed" });
  const seen: WooStoreOrder[] = [];
  for await (const page of syncWooOrders(http, { guestKey: GUEST_KEY, modifiedAfter: watermark }))
    seen.push(...page.orders);
  const byId = new Map(seen.map((o) => [Number(o.externalId), o.wooStatus]));
  assert.equal(byId.get(seeded["processing"]!), "completed");
  assert.equal(byId.get(seeded["trashed"]!), "trash");
  summary["increment"] = { orders: seen.length };
});

test("deliveries are signed; forged ones are rejected; payloads map", async () => {
  const res = await https.post<{ id: number }>("orders", {
    status: "processing",
    customer_id: customerIds[2],
    line_items: [
      { product_id: (await https.get<{ id: number }[]>("products", { per_page: 1 })).data[0]!.id, quantity: 1 },
    ],
    set_paid: true,
  });
  const delivery = await waitFor(
    () => deliveriesFor("order.created", res.data.id)[0],
    30_000,
    "order.created delivery",
  );
  assert.equal(delivery.status, 200);
  assert.match(String(delivery.headers["user-agent"]), /^WooCommerce\/10\.0\.2 Hookshot/);
  const verified = classifyWooDelivery(headerLookup(delivery.headers), delivery.rawBody, SECRET);
  assert.equal(verified.kind, "delivery");
  const mapped = createWooPlatform({ guestKey: GUEST_KEY }).mapWebhook("order.created", JSON.parse(delivery.rawBody));
  assert.equal(mapped.kind, "order.upsert");
  const forged = await fetch(`${hooks.url}/woo`, {
    method: "POST",
    headers: {
      ...Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k, String(v)])),
      "content-length": String(Buffer.byteLength(delivery.rawBody.replace("processing", "completed"))),
    },
    body: delivery.rawBody.replace("processing", "completed"),
  });
  assert.equal(forged.status, 401);
  summary["signedDelivery"] = {
    headers: Object.keys(delivery.headers).filter((h) => h.startsWith("x-wc-webhook")).length,
    escapedSlashes: delivery.rawBody.includes("\\/"),
  };
});

test("quick updates collapse, and payloads are built at delivery time", async () => {
  const created = await https.post<{ id: number }>("orders", {
    status: "pending",
    customer_id: customerIds[2],
    billing: { email: `late-${RUN}@example.com` },
    line_items: [],
  });
  const id = created.data.id;
  const statuses = ["on-hold", "processing", "completed"];
  await Promise.all(
    statuses.map((status, i) =>
      new Promise((r) => setTimeout(r, i * 50)).then(() => https.put(`orders/${id}`, { status })),
    ),
  );
  await https.put(`orders/${id}`, { status: "completed", customer_note: "final" });
  await waitFor(
    () => deliveriesFor("order.updated", id).length > 0 && deliveriesFor("order.created", id).length > 0,
    30_000,
    "deliveries",
  );
  await new Promise((r) => setTimeout(r, 4000)); // let any straggler arrive
  const updated = deliveriesFor("order.updated", id);
  const createdBody = JSON.parse(deliveriesFor("order.created", id)[0]!.rawBody) as { status: string };
  const last = JSON.parse(updated.at(-1)!.rawBody) as { status: string; customer_note: string };
  assert.equal(last.status, "completed");
  assert.equal(last.customer_note, "final");
  assert.ok(updated.length < statuses.length + 1, `4 updates gave ${updated.length} deliveries`);
  summary["collapse"] = {
    updates: statuses.length + 1,
    deliveries: updated.length,
    createdPayloadStatus: createdBody.status,
  };
});

test("a webhook disabled after failures is re-enabled and reconcile finds what was missed", async () => {
  failTopic = "customer.updated";
  const target = customerIds[0]!;
  const since = new Date(Date.now() - 60_000);
  let failures = 0;
  for (let i = 0; i < 10 && failures < 7; i++) {
    const before = deliveriesFor("customer.updated", target).length;
    await https.put(`customers/${target}`, { first_name: `Fail${i}` });
    await waitFor(() => deliveriesFor("customer.updated", target).length > before, 30_000, "failed delivery");
    failures = deliveriesFor("customer.updated", target).filter((d) => d.status === 500).length;
  }
  const { webhooks } = await listWebhooks(https);
  const hook = webhooks.find((w) => w.topic === "customer.updated" && w.deliveryUrl.startsWith(hooks.url))!;
  assert.equal(hook.status, "disabled", `after ${failures} failures`);
  failTopic = null;
  // While it is off, changes are not delivered.
  await https.put(`orders/${seeded["completed"]}`, { customer_note: "changed while a webhook was off" });
  const rec = await reconcile(http, since, {
    guestKey: GUEST_KEY,
    webhooks: { deliveryUrl: `${hooks.url}/woo`, secret: SECRET },
  });
  assert.deepEqual(rec.webhooks?.reactivated, [{ topic: "customer.updated", previousStatus: "disabled" }]);
  const seen: string[] = [];
  for await (const page of rec.pages) seen.push(...page.orders.map((o) => o.externalId));
  assert.ok(seen.includes(String(seeded["completed"])));
  const again = deliveriesFor("customer.updated", target).length;
  await https.put(`customers/${target}`, { first_name: "Recovered" });
  await waitFor(() => deliveriesFor("customer.updated", target).length > again, 30_000, "delivery after re-enabling");
  assert.equal(deliveriesFor("customer.updated", target).at(-1)!.status, 200);
  summary["disabledRecovery"] = { failuresUntilDisabled: failures, reconciledOrders: seen.length };
});

test("segments are written back as _ciclo_ meta via the batch endpoint, diff-only, other meta untouched", async () => {
  const customers = new Map<string, string>();
  for await (const page of syncWooCustomers(https))
    for (const c of page.customers) customers.set(c.externalId, c.email ?? "");
  const agg = aggregateCustomerOrders(backfill, { referenceDay: Math.floor(Date.now() / 86_400_000) });
  const scores = scoreRfm(
    { orders: agg.orders, lastOrderDay: agg.lastPurchaseDay, netSpend: agg.totalSpend },
    Math.floor(Date.now() / 86_400_000),
  );
  const segments = assignSegments(scores);
  const changes: CustomerMetaChange[] = agg.customerIds.map((id, i) => ({
    customerExternalId: id,
    next: {
      segment: RFM_SEGMENTS[segments[i]!]!,
      stage: agg.orders[i]! > 1 ? "repeat" : "first",
      clv: (agg.totalSpend[i]! / 100).toFixed(2),
      tags: ["ciclo-live"],
    },
    previous: null,
  }));
  const ours = changes.filter((c) => customerIds.includes(Number(c.customerExternalId)));
  const result = await writeCustomerMeta(https, changes);
  assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
  assert.ok(result.skippedGuests > 0);
  assert.equal(result.requests, Math.ceil(result.written.length / 100));
  const doc = (await https.get<{ meta_data: { key: string; value: unknown }[] }>(`customers/${customerIds[0]}`)).data;
  const meta = Object.fromEntries(doc.meta_data.map((m) => [m.key, m.value]));
  assert.equal(meta["other_plugin"], "keep");
  assert.equal(meta["_ciclo_segment"], ours.find((c) => c.customerExternalId === String(customerIds[0]))!.next.segment);
  assert.equal(meta["_ciclo_tags"], "ciclo-live");
  const noop = await writeCustomerMeta(
    https,
    changes.map((c) => ({ ...c, previous: c.next })),
  );
  assert.equal(noop.requests, 0);
  const tooMany = await https
    .post("customers/batch", { update: Array.from({ length: 101 }, () => ({ id: customerIds[0] })) })
    .catch((e: unknown) => e);
  assert.equal((tooMany as { status: number }).status, 413);
  summary["writeBack"] = {
    customersInStore: customers.size,
    written: result.written.length,
    skippedGuests: result.skippedGuests,
    requests: result.requests,
    segments: Object.fromEntries(ours.map((c) => [c.customerExternalId, c.next.segment])),
  };
});

test("the whole Ciclo flow: connect, backfill, nightly recompute, tag outbox -> _ciclo_ meta read back through WooCommerce", async () => {
  // 1. A fresh SQLite database migrated from the files production deploys.
  const dir = mkdtempSync(join(tmpdir(), "ciclo-woo-live-"));
  const file = join(dir, "live.sqlite");
  migrateSqliteFile(file);
  const url = `file:${file}`;
  const db = createDb(url);
  await tuneDb(db, url);
  const bulk = createBulkWriter(db, url);
  // Ciclo's public URL: a loopback receiver answering 200, so WooCommerce's synchronous webhook pings succeed.
  const app = await startReceiver();
  const storeClient = createWooClient({
    allowPrivateAddresses: true,
    storeUrl: HTTPS,
    consumerKey: env("WOO_CK"),
    consumerSecret: env("WOO_CS"),
    ca: STORE_CA,
  });
  try {
    const encryptionKey = randomBytes(32);
    const box = new SecretBox(encryptionKey);
    const tuning: WooClientTuning = { ca: STORE_CA, allowPrivateAddresses: true };
    const manualKeys = { consumerKey: env("WOO_CK"), consumerSecret: env("WOO_CS") };

    // 2. Manual key entry through Ciclo's connect service (keys sealed), then the install backfill.
    const connect = new WooConnectService({ db, box, encryptionKey, appUrl: app.url, clientTuning: tuning });
    const connected = await connect.connectWithKeys(HTTPS, manualKeys);
    assert.ok(connected.ok, connected.ok ? "" : connected.reason);
    const storeId = connected.store.id;
    const stored = await db.store.findUniqueOrThrow({ where: { id: storeId } });
    assert.ok(stored.credentials && SecretBox.isSealed(stored.credentials), "keys are stored sealed");
    assert.ok(!stored.credentials.includes(manualKeys.consumerSecret));
    assert.deepEqual(openKeys(box, stored.credentials), manualKeys);
    assert.ok(!("error" in connected.webhooks), JSON.stringify(connected.webhooks));
    assert.deepEqual(connected.plugin, { connected: true });

    const sync = new WooSyncRunner({ db, box, encryptionKey, appUrl: app.url, clientTuning: tuning });
    const backfilled = await sync.run(storeId, "install");
    assert.equal(backfilled.run.state, "completed", backfilled.run.error ?? "");

    // 3. The real nightly recompute, then the push through the WooCommerce label writer.
    const now = () => new Date();
    const recompute = await recomputeStore({ db, bulk, dialect: "sqlite", now }, storeId, "manual");
    assert.equal(recompute.state, "completed", recompute.error ?? "");
    const writerClients: WooClient[] = [];
    const writerFor = createWooLabelWriterFactory({
      db,
      bulk,
      box,
      clientFor: (store: Store) => {
        const client = createWooClient({ ...tuning, storeUrl: store.baseUrl!, ...openKeys(box, store.credentials!) });
        writerClients.push(client);
        return client;
      },
    });
    const writeRequests = () => writerClients.reduce((n, c) => n + c.requestCount, 0);
    const outbox = new TagOutbox(db, bulk, writerFor, { dialect: "sqlite" });
    const items = (await tagOutboxItems(db, storeId)).filter((i) => i.state === "pending");
    const registeredItems = items.filter((i) => /^\d+$/.test(i.customerExternalId));
    const pushed = await outbox.push(storeId);
    assert.equal(pushed.skipped, undefined);
    assert.ok(pushed.applied > 0, "the outbox applied changes");
    assert.equal(pushed.applied, registeredItems.length, JSON.stringify(pushed));
    assert.equal(pushed.notFound, 0);
    assert.equal(pushed.userErrors, items.length - registeredItems.length, "only guests are user errors");
    const firstPushRequests = writeRequests();
    assert.ok(firstPushRequests >= Math.ceil(registeredItems.length / 100));

    // 4. Every registered customer of the store is scored in Ciclo.
    const inStore: number[] = [];
    for await (const page of syncWooCustomers(storeClient))
      inStore.push(...page.customers.map((c) => Number(c.externalId)));
    assert.ok(inStore.length > 0);
    const customerRows = await db.customer.findMany({ where: { storeId, externalId: { in: inStore.map(String) } } });
    const scoreOf = new Map((await db.customerScore.findMany({ where: { storeId } })).map((s) => [s.customerId, s]));
    const rows = customerRows.map((r) => ({ ...r, score: scoreOf.get(r.id) ?? null }));
    const byExternal = new Map(rows.map((r) => [Number(r.externalId), r]));
    for (const id of inStore) {
      const score = byExternal.get(id)?.score;
      assert.ok(score, `customer ${id} has a CustomerScore`);
      assert.ok(score.segment && score.stage, `customer ${id} has a segment and stage`);
    }
    const labels = new Map(
      (await db.customerLabels.findMany({ where: { storeId } })).map((l) => [
        l.customerId,
        JSON.parse(l.tags) as string[],
      ]),
    );
    const written = new Set(registeredItems.map((i) => Number(i.customerExternalId)));

    // The _ciclo_ meta, read through WooCommerce's own REST API with the same keys.
    let withMeta = 0;
    const withoutMeta: string[] = [];
    for (let i = 0; i < inStore.length; i += 8) {
      await Promise.all(
        inStore.slice(i, i + 8).map(async (id) => {
          const doc = (await storeClient.get<{ meta_data: { key: string; value: unknown }[] }>(`customers/${id}`)).data;
          const meta = Object.fromEntries(doc.meta_data.map((m) => [m.key, m.value]));
          const row = byExternal.get(id)!;
          const score = row.score!;
          if (!written.has(id)) {
            // No tag change planned, so nothing was queued: Ciclo writes meta only through the tag outbox.
            withoutMeta.push(`${score.segment}/${score.stage}`);
            return;
          }
          withMeta++;
          const tags = [...(labels.get(row.id) ?? [])].sort();
          assert.deepEqual(
            {
              segment: meta["_ciclo_segment"],
              stage: meta["_ciclo_stage"],
              clv: meta["_ciclo_clv"],
              tags: meta["_ciclo_tags"],
            },
            {
              segment: score.segment,
              stage: score.stage,
              clv: formatMinor(score.predictedClvMinor ?? score.historicClvMinor, 2),
              tags: tags.length ? tags.join(",") : undefined,
            },
            `customer ${id}`,
          );
        }),
      );
    }
    assert.ok(withMeta > 0);
    // Only customers without orders (no Ciclo tags, so no outbox item) go without meta.
    assert.ok(
      withoutMeta.every((s) => s === "prospects/prospect"),
      `not queued: ${withoutMeta.join(", ")}`,
    );
    assert.equal(withMeta, registeredItems.length);

    // A rerun of recompute + push makes zero write requests.
    const rerun = await recomputeStore({ db, bulk, dialect: "sqlite", now }, storeId, "manual");
    assert.equal(rerun.state, "completed", rerun.error ?? "");
    const again = await outbox.push(storeId);
    assert.equal(again.applied, 0);
    assert.equal(writeRequests(), firstPushRequests, "the rerun made no request");

    const segments = [...new Set(rows.map((r) => r.score!.segment))].sort();
    const line = {
      customersScored: rows.length,
      segments,
      metaWritten: withMeta,
      metaRequests: firstPushRequests,
      notQueued: withoutMeta.length,
      rerunRequests: writeRequests() - firstPushRequests,
    };
    console.log(`CICLO FLOW ${JSON.stringify(line)}`);
    summary["cicloFlow"] = line;
  } finally {
    // Ciclo's connect told the plugin its store id and our URL: forget them, as the merchant's "Disconnect" does.
    await admin.disconnectCiclo().catch(() => undefined);
    const { webhooks } = await listWebhooks(storeClient).catch(() => ({ webhooks: [] }));
    for (const w of webhooks.filter((w) => w.deliveryUrl.startsWith(app.url)))
      await storeClient.delete(`webhooks/${w.id}`, { force: true }).catch(() => undefined);
    await app.close();
    bulk.close();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
});

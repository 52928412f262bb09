/**
 * Webhooks end to end against the simulator: registration with the synchronous ping, signed deliveries,
 * forged ones, collapsed and late payloads, and recovery after WooCommerce disables a failing webhook.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  classifyWooDelivery,
  createWooClient,
  createWooPlatform,
  ensureWebhooks,
  reconcile,
  signWooWebhook,
  verifyWooWebhook,
  WOO_WEBHOOK_TOPICS,
  type WooClient,
} from "../../../app/platforms/woocommerce";
import {
  headerLookup,
  startReceiver,
  startWooSimulator,
  waitFor,
  type Receiver,
  type WooSimulator,
} from "../../../simulators/woocommerce";

const SECRET = "per-store-webhook-secret";
let sim: WooSimulator;
let receiver: Receiver;
let client: WooClient;

/** Ciclo's endpoint logic in miniature: ping -> 200, verified -> 200, rejected -> 401/400. */
function cicloEndpoint(failUntil = 0) {
  receiver.respond = (req, n) => {
    if (n < failUntil) return 500;
    const result = classifyWooDelivery(headerLookup(req.headers), req.rawBody, SECRET);
    return result.kind === "rejected" ? result.status : 200;
  };
}

function deliveries(topic?: string) {
  return receiver.received.filter(
    (r) => r.headers["x-wc-webhook-topic"] && (!topic || r.headers["x-wc-webhook-topic"] === topic),
  );
}

beforeEach(async () => {
  sim = await startWooSimulator({ deliveryDelayMs: 80 });
  receiver = await startReceiver();
  cicloEndpoint();
  client = createWooClient({
    allowPrivateAddresses: true,
    storeUrl: sim.httpUrl,
    consumerKey: sim.adminKey.consumerKey,
    consumerSecret: sim.adminKey.consumerSecret,
  });
});
afterEach(async () => {
  await sim.close();
  await receiver.close();
});

describe("registration and the ping", () => {
  it("registers the 7 topics; each creation pings synchronously with webhook_id=N and no signature", async () => {
    const report = await ensureWebhooks(client, `${receiver.url}/webhooks/woo`, SECRET);
    expect(report.created).toEqual([...WOO_WEBHOOK_TOPICS]);
    expect(report.requests).toBe(8);
    const pings = receiver.received.filter((r) => !r.headers["x-wc-webhook-signature"]);
    expect(pings.map((p) => p.rawBody)).toEqual([...sim.store.webhooks.keys()].map((id) => `webhook_id=${id}`));
    expect(pings.every((p) => p.status === 200)).toBe(true);
    const ping = pings[0]!;
    expect(classifyWooDelivery(headerLookup(ping.headers), ping.rawBody, SECRET)).toEqual({
      kind: "ping",
      webhookId: "1",
    });
    const again = await ensureWebhooks(client, `${receiver.url}/webhooks/woo`, SECRET);
    expect(again).toMatchObject({ created: [], reactivated: [], requests: 1 });
  });
});

describe("deliveries", () => {
  it("verifies signed deliveries and rejects forged ones", async () => {
    await ensureWebhooks(client, `${receiver.url}/hook`, SECRET);
    const order = sim.store.createOrder({
      status: "processing",
      customer_id: 0,
      billing: { email: "Zoë@Example.com" },
      line_items: [{ product_id: 12 }],
    });
    const delivery = await waitFor(() => deliveries("order.created")[0], 5000, "order.created");
    expect(delivery.status).toBe(200);
    expect(delivery.rawBody).toContain("\\/"); // PHP-encoded: the signature covers these exact bytes
    expect(delivery.headers["user-agent"]).toBe("WooCommerce/10.0.2 Hookshot (WordPress/6.8.3)");
    const verified = classifyWooDelivery(headerLookup(delivery.headers), delivery.rawBody, SECRET);
    expect(verified).toMatchObject({
      kind: "delivery",
      topic: "order.created",
      resource: "order",
      event: "created",
      webhookId: expect.any(String),
    });
    const mapped = createWooPlatform({ guestKey: "k" }).mapWebhook("order.created", JSON.parse(delivery.rawBody));
    expect(mapped).toMatchObject({
      kind: "order.upsert",
      order: { externalId: String(order.id), customer: { guest: true } },
    });

    // Re-serialising the body breaks the signature; a forged signature or another secret is refused.
    const reserialised = JSON.stringify(JSON.parse(delivery.rawBody));
    expect(verifyWooWebhook(reserialised, String(delivery.headers["x-wc-webhook-signature"]), SECRET)).toBe(false);
    const tampered = delivery.rawBody.replace('"processing"', '"completed"');
    expect(classifyWooDelivery(headerLookup(delivery.headers), tampered, SECRET)).toMatchObject({
      kind: "rejected",
      status: 401,
    });
    expect(
      classifyWooDelivery(
        headerLookup({ ...delivery.headers, "x-wc-webhook-signature": signWooWebhook(tampered, "guess") }),
        tampered,
        SECRET,
      ),
    ).toMatchObject({ kind: "rejected", status: 401 });
    expect(
      classifyWooDelivery(headerLookup({ "content-type": "application/json" }), delivery.rawBody, SECRET),
    ).toMatchObject({ kind: "rejected", status: 401 });
    // Correctly signed, but not a JSON object: refused (400) before anything is stored.
    for (const body of ["[]", "null", '"order"', "{not json"])
      expect(
        classifyWooDelivery(
          headerLookup({ ...delivery.headers, "x-wc-webhook-signature": signWooWebhook(body, SECRET) }),
          body,
          SECRET,
        ),
      ).toMatchObject({ kind: "rejected", status: 400 });
    // A forged request posted to the endpoint is answered 401.
    const res = await fetch(`${receiver.url}/hook`, {
      method: "POST",
      headers: {
        "X-WC-Webhook-Topic": "order.created",
        "X-WC-Webhook-Signature": "AAAA",
        "Content-Type": "application/json",
      },
      body: tampered,
    });
    expect(res.status).toBe(401);
  });

  it("collapses quick updates into one delivery whose payload is built at delivery time", async () => {
    await ensureWebhooks(client, `${receiver.url}/hook`, SECRET);
    const order = sim.store.createOrder({
      status: "pending",
      line_items: [{ product_id: 13 }],
      billing: { email: "late@example.com" },
    });
    sim.store.updateOrder(order.id, { status: "on-hold" });
    sim.store.updateOrder(order.id, { status: "processing" });
    sim.store.updateOrder(order.id, { status: "completed" });
    await sim.dispatcher.idle();
    const created = deliveries("order.created");
    const updated = deliveries("order.updated");
    expect(created).toHaveLength(1);
    expect(updated).toHaveLength(1); // three updates, one delivery
    // Late payloads: the order.created body already shows the final status.
    expect(JSON.parse(created[0]!.rawBody).status).toBe("completed");
    expect(JSON.parse(updated[0]!.rawBody).status).toBe("completed");
    // Same webhook, same second, different resources: same Delivery-ID, different dedupe keys.
    const o1 = sim.store.createOrder({ status: "processing", line_items: [{ product_id: 12 }] });
    const o2 = sim.store.createOrder({ status: "processing", line_items: [{ product_id: 12 }] });
    await sim.dispatcher.idle();
    const pair = deliveries("order.created")
      .slice(1)
      .map((d) => classifyWooDelivery(headerLookup(d.headers), d.rawBody, SECRET));
    expect(pair.map((p) => (p.kind === "delivery" ? JSON.parse(JSON.stringify(p.payload)).id : null)).sort()).toEqual(
      [o1.id, o2.id].sort(),
    );
    const keys = pair.map((p) => (p.kind === "delivery" ? p.dedupeKey : ""));
    expect(new Set(keys).size).toBe(2);
  });

  it("maps deletion, restore and customer topics", async () => {
    await ensureWebhooks(client, `${receiver.url}/hook`, SECRET);
    const platform = createWooPlatform({ guestKey: "k" });
    const order = sim.store.createOrder({ status: "completed", line_items: [{ product_id: 12 }] });
    await sim.dispatcher.idle();
    sim.store.trashOrder(order.id);
    await sim.dispatcher.idle();
    sim.store.untrashOrder(order.id);
    const cust = sim.store.createCustomer({ email: "c@example.com" });
    await sim.dispatcher.idle();
    sim.store.deleteCustomer(cust.id);
    await sim.dispatcher.idle();
    const mapped = Object.fromEntries(
      deliveries().map((d) => [
        String(d.headers["x-wc-webhook-topic"]),
        platform.mapWebhook(String(d.headers["x-wc-webhook-topic"]), JSON.parse(d.rawBody)),
      ]),
    );
    expect(mapped["order.deleted"]).toMatchObject({ kind: "order.delete", orderExternalId: String(order.id) });
    expect(mapped["order.restored"]).toMatchObject({ kind: "order.restore", order: { wooStatus: "completed" } });
    expect(mapped["customer.created"]).toMatchObject({
      kind: "customer.upsert",
      customer: { externalId: String(cust.id), email: "c@example.com" },
    });
    expect(mapped["customer.deleted"]).toMatchObject({ kind: "customer.delete", customerExternalId: String(cust.id) });
    expect(platform.isComplianceTopic("customer.deleted")).toBe(true);
  });
});

describe("disabled-webhook recovery", () => {
  it("a webhook disabled after more than 5 failures is re-enabled, and reconcile finds what was missed", async () => {
    await ensureWebhooks(client, `${receiver.url}/hook`, SECRET, { topics: ["order.updated"] });
    const start = receiver.received.length;
    cicloEndpoint(start + 7); // the endpoint is down for the next 7 deliveries
    // Creating an order fires order.updated too (as on the real store); one order at a time, one delivery each.
    const orders = [];
    for (let i = 0; i < 8; i++) {
      orders.push(sim.store.createOrder({ status: "processing", line_items: [{ product_id: 12 }] }));
      await sim.dispatcher.idle();
    }
    const webhook = [...sim.store.webhooks.values()][0]!;
    expect(webhook.status).toBe("disabled"); // 7 failures: counts 1..6, then the 7th disables
    expect(sim.dispatcher.deliveries.filter((d) => d.status === 500)).toHaveLength(7);
    expect(sim.dispatcher.deliveries).toHaveLength(7); // the 8th change was never sent

    const since = new Date(sim.store.clock.nowMs() - 10_000);
    const { webhooks, pages } = await reconcile(client, since, {
      guestKey: "k",
      webhooks: { deliveryUrl: `${receiver.url}/hook`, secret: SECRET },
    });
    expect(webhooks?.reactivated).toEqual([{ topic: "order.updated", previousStatus: "disabled" }]);
    const seen: string[] = [];
    for await (const page of pages) seen.push(...page.orders.map((o) => o.externalId));
    expect(seen).toEqual(orders.map((o) => String(o.id)));
    expect(webhook.status).toBe("active");
    // WooCommerce keeps the failure count: one more failure disables it again at once.
    expect(webhook.failureCount).toBe(6);
    sim.store.updateOrder(orders[0]!.id, { status: "completed" });
    await sim.dispatcher.idle();
    expect(deliveries("order.updated").at(-1)!.status).toBe(200);
    expect(webhook.failureCount).toBe(0);
  });

  it("recreates a webhook the merchant deleted", async () => {
    await ensureWebhooks(client, `${receiver.url}/hook`, SECRET);
    const doomed = [...sim.store.webhooks.values()].find((w) => w.topic === "customer.updated")!;
    await client.delete(`webhooks/${doomed.id}`, { force: true });
    const paused = [...sim.store.webhooks.values()].find((w) => w.topic === "order.created")!;
    await client.put(`webhooks/${paused.id}`, { status: "paused" });
    const report = await ensureWebhooks(client, `${receiver.url}/hook`, SECRET);
    expect(report.created).toEqual(["customer.updated"]);
    expect(report.reactivated).toEqual([{ topic: "order.created", previousStatus: "paused" }]);
  });
});

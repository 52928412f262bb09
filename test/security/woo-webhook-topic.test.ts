/**
 * Attack: WooCommerce signs only the body of a delivery, not its X-WC-Webhook-Topic header. Someone who captured
 * one signed `order.updated` delivery re-sends it with `X-WC-Webhook-Topic: order.deleted` to delete the order for
 * good (or as `order.restored`). Each topic's webhook carries its own secret, so the replay must be refused (401)
 * and change nothing; the genuine delivery still goes through.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wooTopicSecret } from "../../app/platforms/woocommerce";
import { phpJsonEncode, SimStore } from "../../simulators/woocommerce";
import { DB_KINDS } from "../support/databases";
import { createWooStore, inboxDrained, startSecureApp, type SecureApp } from "../support/secure-app";

describe.each(DB_KINDS)("WooCommerce webhook topic binding on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  function delivery(body: string, topic: string, secret: string, id = 1) {
    const [resource, event] = topic.split(".");
    return {
      "content-type": "application/json",
      "x-wc-webhook-topic": topic,
      "x-wc-webhook-resource": resource!,
      "x-wc-webhook-event": event!,
      "x-wc-webhook-id": String(id),
      "x-wc-webhook-delivery-id": createHmac("md5", "x").update(`${id}${Date.now()}${Math.random()}`).digest("hex"),
      "x-wc-webhook-signature": createHmac("sha256", secret).update(body).digest("base64"),
    };
  }

  async function scene(topicSecrets: boolean) {
    const { store, webhookSecret } = await createWooStore(app);
    await app.database.db.store.update({ where: { id: store.id }, data: { webhookTopicSecrets: topicSecrets } });
    const sim = new SimStore();
    const order = sim.createOrder({ status: "completed", line_items: [{ product_id: 12, quantity: 1 }] });
    const body = phpJsonEncode(sim.orderDocument(order));
    const post = async (headers: Record<string, string>) => {
      const res = await fetch(`${app.url}/webhooks/woo/${store.id}`, { method: "POST", headers, body });
      await res.body?.cancel();
      return res.status;
    };
    const orderRow = () =>
      app.database.db.order.findUnique({
        where: { storeId_externalId: { storeId: store.id, externalId: String(order.id) } },
      });
    return { store, webhookSecret, body, post, orderRow };
  }

  it("a captured order.updated re-sent as order.deleted or order.restored is refused; the genuine one applies", async () => {
    const { webhookSecret, body, post, orderRow } = await scene(true);
    const updatedSecret = wooTopicSecret(webhookSecret, "order.updated");
    expect(await post(delivery(body, "order.updated", updatedSecret))).toBe(200);
    await inboxDrained(app);
    expect(await orderRow()).toMatchObject({ deletedAt: null });

    for (const topic of ["order.deleted", "order.restored", "customer.deleted", "order.created"]) {
      expect(await post(delivery(body, topic, updatedSecret)), topic).toBe(401);
    }
    // The store's shared secret alone no longer signs anything once per-topic secrets are registered.
    expect(await post(delivery(body, "order.deleted", webhookSecret))).toBe(401);
    expect(await post(delivery(body, "order.updated", webhookSecret))).toBe(401);
    await inboxDrained(app);
    expect(await orderRow()).toMatchObject({ deletedAt: null, countsForValue: true });
  });

  it("while a store still has its old shared secret, it signs only upserts: never a deletion or restore", async () => {
    const { webhookSecret, body, post, orderRow } = await scene(false);
    expect(await post(delivery(body, "order.updated", webhookSecret))).toBe(200);
    await inboxDrained(app);
    expect(await post(delivery(body, "order.deleted", webhookSecret))).toBe(401);
    expect(await post(delivery(body, "order.restored", webhookSecret))).toBe(401);
    await inboxDrained(app);
    expect(await orderRow()).toMatchObject({ deletedAt: null });
  });
});

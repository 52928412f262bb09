/**
 * WooCommerce's trash is reversible: a merchant trashes an order (order.deleted) and restores it
 * (order.restored). The order must come back in Ciclo — counted, with its lines — instead of staying deleted for
 * good; while a replay of an older delivery after a new deletion must not revive it.
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wooTopicSecret } from "../../app/platforms/woocommerce";
import { phpJsonEncode, SimStore } from "../../simulators/woocommerce";
import { DB_KINDS } from "../support/databases";
import { createWooStore, inboxDrained, startSecureApp, type SecureApp } from "../support/secure-app";

describe.each(DB_KINDS)("WooCommerce trash and restore on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("trash then restore brings the order back; an older restore replayed after a new trash does not", async () => {
    const { store, webhookSecret } = await createWooStore(app);
    await app.database.db.store.update({ where: { id: store.id }, data: { webhookTopicSecrets: true } });
    const sim = new SimStore();
    const send = async (topic: string, body: string) => {
      const res = await fetch(`${app.url}/webhooks/woo/${store.id}`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-wc-webhook-topic": topic,
          "x-wc-webhook-id": "7",
          "x-wc-webhook-delivery-id": randomUUID(),
          "x-wc-webhook-signature": createHmac("sha256", wooTopicSecret(webhookSecret, topic))
            .update(body)
            .digest("base64"),
        },
      });
      expect(res.status, topic).toBe(200);
      await inboxDrained(app);
    };
    const row = () =>
      app.database.db.order.findUniqueOrThrow({
        where: { storeId_externalId: { storeId: store.id, externalId: String(order.id) } },
        include: { lines: true },
      });

    const order = sim.createOrder({ status: "completed", line_items: [{ product_id: 12, quantity: 2 }] });
    await send("order.created", phpJsonEncode(sim.orderDocument(order)));
    expect(await row()).toMatchObject({ deletedAt: null, countsForValue: true });

    sim.clock.advance(60_000);
    sim.trashOrder(order.id);
    await send("order.deleted", phpJsonEncode({ id: order.id }));
    expect(await row()).toMatchObject({ deletedAt: expect.any(Date), countsForValue: false, lines: [] });

    sim.clock.advance(60_000);
    sim.untrashOrder(order.id);
    const restored = phpJsonEncode(sim.orderDocument(order));
    await send("order.restored", restored);
    const back = await row();
    expect(back).toMatchObject({ deletedAt: null, countsForValue: true });
    expect(back.lines).toHaveLength(1);

    // Trashed again; the earlier restore delivery replayed (captured or retried) must not bring it back.
    sim.clock.advance(60_000);
    sim.trashOrder(order.id);
    await send("order.deleted", phpJsonEncode({ id: order.id }));
    await send("order.restored", restored);
    expect(await row()).toMatchObject({ deletedAt: expect.any(Date), countsForValue: false });
  });
});

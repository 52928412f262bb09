/**
 * Orders from a simulated WooCommerce store into Ciclo's database, on SQLite and PostgreSQL: the install
 * backfill (statuses, refunds, guests grouped), webhooks through Ciclo's endpoint into the inbox and applied,
 * dedupe, forged signatures, the ping, and recovery after WooCommerce disabled the webhooks.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../support/databases";
import { WooHarness } from "../../support/woo-harness";

const widget = [{ product_id: 12 }]; // 10.00

describe.each(DB_KINDS)("WooCommerce sync on %s", (kind) => {
  let h: WooHarness;
  let storeId: string;
  beforeEach(async () => {
    h = await WooHarness.create(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  async function order(externalId: number) {
    return h.db.order.findUniqueOrThrow({
      where: { storeId_externalId: { storeId, externalId: String(externalId) } },
      include: { customer: true },
    });
  }

  it("backfills orders and customers with statuses mapped, refunds netted and guests grouped", async () => {
    const s = h.sim.store;
    const ada = s.createCustomer({ email: "ada@example.com", first_name: "Ada" });
    const completed = s.createOrder({ customer_id: ada.id, status: "completed", line_items: widget });
    const processing = s.createOrder({ customer_id: ada.id, status: "processing", line_items: widget });
    const statuses = ["pending", "failed", "cancelled", "on-hold", "checkout-draft"];
    const uncounted = statuses.map((status) => s.createOrder({ customer_id: ada.id, status, line_items: widget }));
    const trashed = s.createOrder({ customer_id: ada.id, status: "completed", line_items: widget });
    s.trashOrder(trashed.id);
    const partly = s.createOrder({ customer_id: ada.id, status: "completed", line_items: widget });
    s.createRefund(partly.id, "2.50", "scratched");
    const fully = s.createOrder({ customer_id: ada.id, status: "completed", line_items: widget });
    s.createRefund(fully.id, "10.00", "returned");
    const guest1 = s.createOrder({ status: "completed", billing: { email: "Guest@Example.com " }, line_items: widget });
    const guest2 = s.createOrder({ status: "processing", billing: { email: "guest@example.com" }, line_items: widget });
    const other = s.createOrder({ status: "completed", billing: { email: "other@example.com" }, line_items: widget });
    // Over several pages (perPage 3) to exercise pagination.
    const connected = await h.connect.connectWithKeys(h.sim.httpUrl, h.sim.adminKey);
    if (!connected.ok) throw new Error(connected.reason);
    storeId = connected.store.id;
    const { run } = await h.sync.run(storeId, "install", { perPage: 3 });
    expect(run).toMatchObject({ state: "completed", trigger: "install", ordersDone: 12, error: null });
    expect(run.objectCount).toBe(12); // the trashed order is not in a backfill
    expect(await h.db.order.count({ where: { storeId } })).toBe(12);

    expect(await order(completed.id)).toMatchObject({ countsForValue: true, grossMinor: 1000n, netMinor: 1000n });
    expect((await order(completed.id)).customer).toMatchObject({
      externalId: String(ada.id),
      email: "ada@example.com",
    });
    expect(await order(processing.id)).toMatchObject({ countsForValue: true });
    for (const o of uncounted) expect((await order(o.id)).countsForValue).toBe(false);
    expect(await order(partly.id)).toMatchObject({ countsForValue: true, refundedMinor: 250n, netMinor: 750n });
    expect(await order(fully.id)).toMatchObject({ refundedMinor: 1000n, netMinor: 0n, financialStatus: "refunded" });

    const [g1, g2, g3] = [await order(guest1.id), await order(guest2.id), await order(other.id)];
    expect(g1.customerExternalId).toMatch(/^guest:[0-9a-f]{32}$/);
    expect(g2.customerExternalId).toBe(g1.customerExternalId); // same person, e-mail normalized
    expect(g3.customerExternalId).not.toBe(g1.customerExternalId);
    expect(g1.customerExternalId).not.toContain("example");
    // Customers: Ada and the admin from /customers (role=all), and two guest groups from orders.
    const customers = await h.db.customer.findMany({ where: { storeId }, orderBy: { externalId: "asc" } });
    expect(customers.filter((c) => c.externalId.startsWith("guest:"))).toHaveLength(2);
    expect(customers.find((c) => c.externalId === String(ada.id))?.platformCreatedAt).not.toBeNull();
  });

  async function connectAndBackfill() {
    storeId = await h.connectByKeyExchange();
    const { run } = await h.sync.run(storeId, "install");
    expect(run.state).toBe("completed");
  }

  it("webhooks go through the endpoint into the inbox and are applied; duplicates, forgeries and pings are handled", async () => {
    await connectAndBackfill();
    const ada = h.sim.store.createCustomer({ email: "ada@example.com" });
    const o = h.sim.store.createOrder({ customer_id: ada.id, status: "processing", line_items: widget });
    await h.sim.dispatcher.idle();
    const deliveries = h.webhooks.filter((r) => r.headers["x-wc-webhook-topic"]);
    expect(deliveries.map((d) => d.headers["x-wc-webhook-topic"]).sort()).toEqual(
      ["customer.created", "customer.updated", "order.created", "order.updated"].sort(),
    );
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    expect(await h.db.webhookReceipt.count({ where: { storeId } })).toBe(4);
    expect(await h.applyInbox()).toEqual({ processed: 4, failed: [] });
    expect(await order(o.id)).toMatchObject({ countsForValue: true, customerExternalId: String(ada.id) });

    // A redelivery of the same request is stored once.
    const first = deliveries.find((d) => d.headers["x-wc-webhook-topic"] === "order.updated")!;
    const path = `/webhooks/woo/${storeId}`;
    expect(await h.post(path, first.rawBody, first.headers)).toBe(200);
    expect(await h.db.webhookReceipt.count({ where: { storeId } })).toBe(4);

    // A changed body with the old signature, a wrong secret, or no signature: 401 and nothing stored.
    const tampered = first.rawBody.replace('"status":"processing"', '"status":"completed"');
    expect(tampered).not.toBe(first.rawBody);
    expect(await h.post(path, tampered, first.headers)).toBe(401);
    const { ["x-wc-webhook-signature"]: _signature, ...unsigned } = first.headers;
    expect(await h.post(path, first.rawBody, unsigned)).toBe(401);
    expect(await h.db.webhookReceipt.count({ where: { storeId } })).toBe(4);

    // The ping needs no store and stores nothing.
    const ping = { "content-type": "application/x-www-form-urlencoded" };
    expect(await h.post(path, "webhook_id=42", ping)).toBe(200);
    expect(await h.post("/webhooks/woo/no-such-store", "webhook_id=42", ping)).toBe(200);
    expect(await h.post("/webhooks/woo/no-such-store", first.rawBody, first.headers)).toBe(404);

    // Trashing (order.deleted) voids the order; a late, collapsed update does not bring it back.
    h.sim.store.updateOrder(o.id, { status: "completed" });
    h.sim.store.trashOrder(o.id);
    await h.sim.dispatcher.idle();
    await h.applyInbox();
    expect((await order(o.id)).countsForValue).toBe(false);
  });

  it("after WooCommerce disabled the webhooks, reconciliation re-enables them and catches up from the checkpoint", async () => {
    await connectAndBackfill();
    const checkpoint = await h.sync.checkpoint(storeId);
    expect(checkpoint).not.toBeNull();

    h.webhookOutage = 500;
    const missed = [];
    for (let i = 0; i < 7; i++) {
      missed.push(
        h.sim.store.createOrder({ status: "completed", billing: { email: `g${i}@example.com` }, line_items: widget }),
      );
      await h.sim.dispatcher.idle();
    }
    const orderHooks = [...h.sim.store.webhooks.values()].filter((w) => w.topic.startsWith("order.c"));
    expect(orderHooks.every((w) => w.status === "disabled")).toBe(true);
    h.webhookOutage = null;
    // While disabled, changes are not delivered at all.
    const late = h.sim.store.createOrder({
      status: "processing",
      billing: { email: "late@example.com" },
      line_items: widget,
    });
    await h.sim.dispatcher.idle();
    expect(await h.db.order.count({ where: { storeId } })).toBe(0);

    const { run, webhooks } = await h.sync.run(storeId, "reconcile");
    expect(run).toMatchObject({ state: "completed", trigger: "reconcile" });
    expect(run.since?.getTime()).toBe(checkpoint!.getTime());
    expect(webhooks?.reactivated.map((r) => r.topic).sort()).toEqual(["order.created", "order.updated"]);
    expect([...h.sim.store.webhooks.values()].every((w) => w.status === "active")).toBe(true);
    for (const o of [...missed, late]) expect((await order(o.id)).countsForValue).toBe(true);
    // The checkpoint moved on: the next increment starts from this run.
    expect((await h.sync.checkpoint(storeId))!.getTime()).toBeGreaterThanOrEqual(checkpoint!.getTime());

    // And deliveries flow again.
    const after = h.sim.store.createOrder({
      status: "completed",
      billing: { email: "x@example.com" },
      line_items: widget,
    });
    await h.sim.dispatcher.idle();
    await h.applyInbox();
    expect((await order(after.id)).countsForValue).toBe(true);
  });

  it("a failed run is recorded with a safe reason and the next run starts from the last checkpoint", async () => {
    await connectAndBackfill();
    const checkpoint = await h.sync.checkpoint(storeId);
    h.sim.failNext(10, 500);
    const { run } = await h.sync.run(storeId, "reconcile");
    expect(run.state).toBe("failed");
    expect(run.error).toMatch(/500/);
    const store = await h.db.store.findUniqueOrThrow({ where: { id: storeId } });
    const keys = JSON.parse(h.box.open(store.credentials!)) as { consumerKey: string; consumerSecret: string };
    expect(run.error).not.toContain(keys.consumerKey);
    expect(run.error).not.toContain(keys.consumerSecret);
    expect((await h.sync.checkpoint(storeId))!.getTime()).toBe(checkpoint!.getTime());
  });
});

/**
 * The Shopify conformance driver: a shop on the HTTP simulator (simulators/shopify), its webhooks signed by the
 * simulator and verified by the app's own Shopify endpoint, the shared inbox processor, the hourly reconciler's
 * GraphQL read for backfill, and the tag outbox's Shopify writer (tags + `ciclo.*` metafields) over the Admin API.
 */
import { createShopifyLabelWriterFactory } from "../../../app/platforms/shopify/label-writer.server";
import { ShopifyReconciler } from "../../../app/platforms/shopify/reconcile.server";
import type { LabelResult } from "../../../app/jobs/tags/tag-outbox.server";
import { start } from "../../../simulators/shopify";
import type { WebhookEvent } from "../../../simulators/shopify/webhooks";
import { ShopifyHarness } from "../shopify-harness";
import { simulatorAdmin } from "../simulator-admin";
import {
  CONFORMANCE_CURRENCY,
  CONFORMANCE_PRODUCTS,
  type ConformanceDriver,
  type ConformanceStore,
  type Delivery,
} from "./driver";

let shops = 0;
const PREFIX = "ciclo:";

export const shopifyDriver: ConformanceDriver = {
  prefix: PREFIX,
  async open(): Promise<ConformanceStore> {
    const h = await ShopifyHarness.create("sqlite");
    const sim = await start();
    const admin = simulatorAdmin(sim);
    const shop = sim.createShop({
      domain: `conformance-${process.pid}-${++shops}.myshopify.com`,
      seed: shops,
      currency: CONFORMANCE_CURRENCY,
      plan: "plus",
    });
    shop.onEvent((e) => h.events.push(e));
    await admin.install(shop);
    const store = await h.db.store.create({
      data: {
        platform: "shopify",
        domain: shop.domain,
        currency: shop.info.currency,
        scopes: shop.auth.grantedScopes.join(","),
        installedAt: shop.clock.now(),
      },
    });
    let last: WebhookEvent | null = null;
    const id = Number;

    return {
      db: h.db,
      storeId: store.id,
      orderTopics: ["orders/create", "orders/updated", "orders/paid", "refunds/create", "orders/cancelled"],
      async createCustomer(input) {
        return String(shop.createCustomer(input).id);
      },
      async createOrder(order) {
        const created = shop.createOrder({
          customerId: id(order.customer),
          financialStatus: order.paid ? "paid" : "pending",
          lineItems: order.lines.map((l) => ({
            title: CONFORMANCE_PRODUCTS[l.product].title,
            price: CONFORMANCE_PRODUCTS[l.product].priceMinor,
            quantity: l.quantity,
          })),
        });
        return String(created.id);
      },
      async touchOrder(orderId) {
        shop.updateOrder(id(orderId), { note: "Gift wrap, please" });
      },
      async markPaid(orderId) {
        shop.markPaid(id(orderId));
      },
      async refund(orderId, amountMinor) {
        shop.refund(id(orderId), { amountCents: amountMinor });
      },
      async cancel(orderId) {
        shop.cancel(id(orderId), { reason: "customer" });
      },
      async uninstall() {
        shop.uninstallApp();
      },
      async privacyRequest(customerId) {
        shop.redactCustomer(id(customerId));
      },
      async deliver() {
        const out: Delivery[] = [];
        for (const event of h.takeEvents()) {
          out.push({ topic: event.topic, status: await h.deliver(event) });
          last = event;
        }
        await h.processor.drain();
        return out;
      },
      async deliverTampered() {
        if (!last) throw new Error("nothing delivered yet");
        const signed = JSON.stringify(last.payload);
        return h.deliver(last, { signedBody: signed, body: `${signed} ` });
      },
      async readBack() {
        await new ShopifyReconciler(h.db, { adminFor: admin.adminFor }).run(
          { id: store.id, domain: shop.domain },
          new Date(Math.max(Date.now(), shop.clock.now().getTime())),
        );
        await h.processor.drain();
      },
      async writeLabels(customerId, _labels, tags, encoded) {
        const writer = await createShopifyLabelWriterFactory({ adminFor: admin.adminFor })(store, PREFIX);
        const results: LabelResult[] = [];
        const metafields = encoded?.carried ? (JSON.parse(encoded.carried) as Record<string, string>) : undefined;
        for await (const r of writer.apply([{ customerExternalId: customerId, add: tags, remove: [], metafields }]))
          results.push(r);
        return results.map((r) => r.status);
      },
      async readLabels(customerId) {
        const tags = shop
          .customer(id(customerId))
          .tags.filter((t) => t.startsWith(PREFIX))
          .sort();
        const meta = new Map(
          shop
            .metafieldsOf(id(customerId))
            .filter((m) => m.namespace === "ciclo")
            .map((m) => [m.key, m.value]),
        );
        if (meta.size === 0) return { tags, values: null, confirmed: null };
        // The shop keeps metafields in the order they were first written, which is the order of the encoded JSON.
        const record = Object.fromEntries(meta);
        return {
          tags,
          values: {
            segment: meta.get("segment") ?? null,
            stage: meta.get("stage") ?? null,
            clv: meta.get("clv") ?? null,
          },
          confirmed: JSON.stringify(record),
        };
      },
      async close() {
        await h.close();
        await sim.close();
      },
    };
  },
};

/**
 * The WooCommerce conformance driver: a store on the WooCommerce simulator (simulators/woocommerce), connected
 * through the key exchange, its webhooks signed by the simulator's dispatcher and posted over https to the app's
 * own WooCommerce endpoint, the shared inbox processor, the install backfill for read-back, and the label writer's
 * `_ciclo_*` customer meta over the REST API (the Ciclo plugin active, as it must be for protected meta).
 */
import { createWooLabelWriterFactory } from "../../../app/platforms/woocommerce/label-writer.server";
import { platformForStore } from "../../../app/platforms/registry.server";
import { InboxProcessor } from "../../../app/sync/inbox-processor.server";
import type { LabelResult } from "../../../app/jobs/tags/tag-outbox.server";
import type { CustomerLabels } from "../../../app/platforms/platform";
import { WooHarness, type ReceivedWebhook } from "../woo-harness";
import {
  CONFORMANCE_CURRENCY,
  CONFORMANCE_PRODUCTS,
  type ConformanceDriver,
  type ConformanceStore,
  type Delivery,
} from "./driver";

const PREFIX = "ciclo:";
const META = "_ciclo_";

/** The simulator's catalogue ids for the suite's products (simulators/woocommerce/store.ts PRODUCTS). */
const PRODUCT_IDS = { widget: 12, gadget: 13 } as const satisfies Record<keyof typeof CONFORMANCE_PRODUCTS, number>;

export const wooDriver: ConformanceDriver = {
  prefix: PREFIX,
  async open(): Promise<ConformanceStore> {
    const h = await WooHarness.create("sqlite", { currency: CONFORMANCE_CURRENCY, deliveryDelayMs: 5 });
    const s = h.sim.store;
    s.cicloPluginActive = true;
    const storeId = await h.connectByKeyExchange();
    const processor = new InboxProcessor(h.db, {
      platformForStore: (store) => platformForStore(store, h.encryptionKey),
    });
    const emails = new Map<string, string>();
    let seen = h.webhooks.length;
    let last: ReceivedWebhook | null = null;
    const id = Number;
    const minor = (amount: number) => (amount / 100).toFixed(2);

    return {
      db: h.db,
      storeId,
      orderTopics: ["order.created", "order.updated"],
      async createCustomer(input) {
        const user = s.createCustomer({ email: input.email, first_name: input.firstName, last_name: input.lastName });
        emails.set(String(user.id), input.email);
        return String(user.id);
      },
      async createOrder(order) {
        const created = s.createOrder({
          customer_id: id(order.customer),
          status: order.paid ? "processing" : "pending",
          billing: { email: emails.get(order.customer) ?? "" },
          line_items: order.lines.map((l) => ({ product_id: PRODUCT_IDS[l.product], quantity: l.quantity })),
        });
        return String(created.id);
      },
      async touchOrder(orderId) {
        s.updateOrder(id(orderId), { status: "completed" });
      },
      async markPaid(orderId) {
        s.updateOrder(id(orderId), { status: "processing" });
      },
      async refund(orderId, amountMinor) {
        const refund = s.createRefund(id(orderId), minor(amountMinor), "conformance");
        if ("error" in refund) throw new Error(refund.error);
      },
      async cancel(orderId) {
        s.updateOrder(id(orderId), { status: "cancelled" });
      },
      uninstall: null,
      async privacyRequest(customerId) {
        s.deleteCustomer(id(customerId));
      },
      async deliver() {
        await h.sim.dispatcher.idle();
        const received = h.webhooks.slice(seen).filter((w) => w.headers["x-wc-webhook-topic"]);
        seen = h.webhooks.length;
        if (received.length) last = received.at(-1)!;
        await processor.drain();
        return received.map((w): Delivery => ({ topic: w.headers["x-wc-webhook-topic"]!, status: w.status }));
      },
      async deliverTampered() {
        if (!last) throw new Error("nothing delivered yet");
        return h.post(`/webhooks/woo/${encodeURIComponent(storeId)}`, `${last.rawBody} `, last.headers);
      },
      async readBack() {
        const { run } = await h.sync.run(storeId, "install");
        if (run.state !== "completed") throw new Error(`backfill ${run.state}: ${run.error}`);
      },
      async writeLabels(customerId, labels, tags) {
        // What the nightly job leaves for the writer: the customer's scores (the meta's segment, stage and CLV)
        // and insight.
        const customer = await h.db.customer.findUniqueOrThrow({
          where: { storeId_externalId: { storeId, externalId: customerId } },
        });
        const score = {
          computedAt: new Date(),
          orders: 1,
          purchaseDays: 1,
          monetaryMinor: 0n,
          rScore: 5,
          fScore: 5,
          mScore: 5,
          segment: labels.segment,
          stage: labels.stage,
          historicClvMinor: labels.clvMinor,
          predictedClvMinor: labels.clvMinor,
          pAlive: labels.pAlive,
          nextOrderAt: labels.nextOrder,
        };
        await h.db.customerScore.upsert({
          where: { storeId_customerId: { storeId, customerId: customer.id } },
          create: { storeId, customerId: customer.id, ...score },
          update: score,
        });
        // The suggested next product, where the labels carry one, sits in the customer's insight row.
        const insight = {
          computedAt: new Date(),
          nextProduct: (labels as CustomerLabels & { nextProduct?: string | null }).nextProduct ?? null,
        };
        await h.db.customerInsight.upsert({
          where: { storeId_customerId: { storeId, customerId: customer.id } },
          create: { storeId, customerId: customer.id, ...insight },
          update: insight,
        });
        const store = await h.db.store.findUniqueOrThrow({ where: { id: storeId } });
        const factory = createWooLabelWriterFactory({ db: h.db, bulk: h.bulk, box: h.box, clientTuning: h.tuning });
        const writer = await factory(store, PREFIX);
        const results: LabelResult[] = [];
        for await (const r of writer.apply([{ customerExternalId: customerId, add: tags, remove: [] }]))
          results.push(r);
        return results.map((r) => r.status);
      },
      async readLabels(customerId) {
        const meta = new Map(
          (s.users.get(id(customerId))?.meta ?? []).filter((m) => m.key.startsWith(META)).map((m) => [m.key, m.value]),
        );
        const text = (key: string) => {
          const value = meta.get(`${META}${key}`);
          return typeof value === "string" ? value : null;
        };
        const tags = (text("tags") ?? "")
          .split(",")
          .filter((t) => t.startsWith(PREFIX))
          .sort();
        if (meta.size === 0) return { tags, values: null, confirmed: null };
        return {
          tags,
          values: { segment: text("segment"), stage: text("stage"), clv: text("clv") },
          confirmed: JSON.stringify(Object.fromEntries(meta)),
        };
      },
      async close() {
        await processor.stop();
        await h.close();
      },
    };
  },
};

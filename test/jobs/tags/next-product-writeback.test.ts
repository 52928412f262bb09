/**
 * The nightly's next-product suggestion written back through the neutral labels, with both simulators, on SQLite and
 * PostgreSQL: the intelligence phase runs before the tag diff, so the same run's suggestion becomes Shopify's
 * `ciclo.next_product` metafield (with the other `ciclo.*` metafields) and WooCommerce's `_ciclo_next_product` meta,
 * plus a `next-` tag when the merchant turns that family on. Only changes are written, only under our namespace.
 */
import type { Store } from "@prisma/client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { productTagWord } from "../../../app/jobs/tags/desired-tags";
import { TagOutbox } from "../../../app/jobs/tags/tag-outbox.server";
import { createShopifyLabelWriterFactory } from "../../../app/platforms/shopify/label-writer.server";
import { createWooClient } from "../../../app/platforms/woocommerce";
import { createWooLabelWriterFactory } from "../../../app/platforms/woocommerce/label-writer.server";
import { openKeys } from "../../../app/platforms/woocommerce/store-keys.server";
import { generateDemoHistory, start, type ShopifySimulator } from "../../../simulators/shopify";
import type { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { simulatorAdmin } from "../../support/simulator-admin";
import { importShop } from "../../support/store-fixture";
import { WooHarness } from "../../support/woo-harness";
import { tagOutboxItems } from "../../../app/read-models/tag-sync.server";

const NOW = new Date("2026-10-01T02:30:00Z");

describe.each(DB_KINDS)("next product written back to Shopify on %s", (kind) => {
  let sim: ShopifySimulator;
  let admin: ReturnType<typeof simulatorAdmin>;
  let database: TestDatabase;
  let bulk: BulkWriter;
  let shop: SimulatedShop;
  let storeId: string;

  beforeAll(async () => {
    sim = await start({ port: 0 });
    admin = simulatorAdmin(sim);
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    shop = sim.createShop({ domain: `next-${kind}.myshopify.com`, seed: 1, plan: "plus" });
    shop.load(
      generateDemoHistory({ seed: 9, customers: 150, targetOrders: 500, years: 2, end: new Date("2026-09-30Z") }),
    );
    await admin.install(shop);
    storeId = (await importShop(database.db, shop)).store.id;
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
    await sim.close();
  });

  const recompute = () => recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
  const push = () =>
    new TagOutbox(
      database.db,
      bulk,
      createShopifyLabelWriterFactory({ adminFor: (d) => admin.adminFor(d), writer: { bulkThreshold: 60 } }),
      {
        dialect: kind,
      },
    ).push(storeId);

  it("writes the suggestion as ciclo.next_product and, when asked, a next- tag; a rerun writes nothing", async () => {
    // The merchant's own metafield in another namespace must survive.
    const first = [...shop.customers.values()][0]!;
    shop.setCustomerMetafields([
      {
        ownerId: `gid://shopify/Customer/${first.id}`,
        ownerCustomerId: first.id,
        namespace: "custom",
        key: "size",
        type: "single_line_text_field",
        value: "M",
      },
    ]);
    await database.db.storeSettings.upsert({
      where: { storeId },
      create: { storeId, pushMetafields: true, tagFamilies: "rfm,stage,clv,next" },
      update: { pushMetafields: true, tagFamilies: "rfm,stage,clv,next" },
    });
    const run = await recompute();
    expect(run.state).toBe("completed");
    const phases = (JSON.parse(run.phases) as { name: string }[]).map((p) => p.name);
    expect(phases.indexOf("products")).toBeLessThan(phases.indexOf("tag-diff"));
    await push();

    const insights = await database.db.customerInsight.findMany({
      where: { storeId, nextProduct: { not: null } },
      select: { customerId: true, nextProduct: true },
    });
    expect(insights.length).toBeGreaterThan(50);
    const customers = new Map(
      (await database.db.customer.findMany({ where: { storeId }, select: { id: true, externalId: true } })).map((c) => [
        c.id,
        Number(c.externalId),
      ]),
    );
    for (const insight of insights) {
      const id = customers.get(insight.customerId)!;
      const held = shop.metafieldsOf(id).find((m) => m.namespace === "ciclo" && m.key === "next_product");
      expect(held?.value).toBe(insight.nextProduct);
      expect(held?.type).toBe("single_line_text_field");
      const nextTags = shop.customers.get(id)!.tags.filter((t) => t.startsWith("ciclo:next-"));
      expect(nextTags).toEqual([`ciclo:next-${productTagWord(insight.nextProduct!)}`]);
    }
    expect(shop.metafieldsOf(first.id).find((m) => m.namespace === "custom")?.value).toBe("M");

    // Diff-only: the same night again plans and sends nothing.
    sim.resetStats(shop.domain);
    const again = await recompute();
    expect(JSON.parse(again.counts).tagChanges).toBe(0);
    await push();
    expect(sim.stats(shop.domain).requests).toBe(0);

    // Family off again (the default): the next- tags go, the metafield stays (it follows "also write metafields").
    await database.db.storeSettings.update({ where: { storeId }, data: { tagFamilies: "rfm,stage,clv" } });
    await recompute();
    await push();
    for (const c of shop.customers.values()) expect(c.tags.some((t) => t.startsWith("ciclo:next-"))).toBe(false);
    const one = customers.get(insights[0]!.customerId)!;
    expect(shop.metafieldsOf(one).some((m) => m.namespace === "ciclo" && m.key === "next_product")).toBe(true);
  }, 120_000);

  it("a failed intelligence write still completes the run, and the tags follow the suggestions stored", async () => {
    await database.db.storeSettings.upsert({
      where: { storeId },
      create: { storeId, pushMetafields: true },
      update: { pushMetafields: true },
    });
    expect((await recompute()).state).toBe("completed");
    await push();
    // What last night stored differs from what tonight computes: tonight's write fails, so the table keeps last
    // night's, and the outbox (what the WooCommerce writer cross-checks against the table) must carry those.
    const KEPT = "Kept from last night";
    await database.db.customerInsight.updateMany({
      where: { storeId, nextProduct: { not: null } },
      data: { nextProduct: KEPT },
    });
    const kept = await database.db.customerInsight.count({ where: { storeId, nextProduct: KEPT } });
    expect(kept).toBeGreaterThan(50);
    const failing = writerWhoseBesideFails(bulk, "CustomerInsight");
    const run = await recomputeStore(
      { db: database.db, bulk: failing, dialect: kind, now: () => NOW },
      storeId,
      "manual",
    );
    expect(run.state).toBe("completed");
    const counts = JSON.parse(run.counts) as { intelligence: { error?: string; suggestions: number } };
    expect(counts.intelligence.error).toContain("CustomerInsight write refused");
    expect(counts.intelligence.suggestions).toBeGreaterThan(50);
    // Planned once with tonight's suggestions, then again from the stored ones.
    const phases = (JSON.parse(run.phases) as { name: string }[]).map((p) => p.name);
    expect(phases.filter((p) => p === "tag-diff")).toHaveLength(2);
    const items = await tagOutboxItems(database.db, storeId);
    const nextProducts = items
      .map((i) => (JSON.parse(i.metafields ?? "{}") as Record<string, string>).next_product)
      .filter((v) => v !== undefined);
    expect(nextProducts.length).toBe(kept);
    expect(new Set(nextProducts)).toEqual(new Set([KEPT]));
    expect(await database.db.customerInsight.count({ where: { storeId, nextProduct: KEPT } })).toBe(kept);
  }, 120_000);
});

/** The run's writer, except that writes beside it into `table` fail (as a lost connection would). */
function writerWhoseBesideFails(bulk: BulkWriter, table: string): BulkWriter {
  const beside = bulk.beside() ?? bulk;
  const refusing: BulkWriter = {
    write: (options, rows) =>
      options.table === table ? Promise.reject(new Error(`${table} write refused`)) : beside.write(options, rows),
    writeColumns: (options, chunk) =>
      options.table === table
        ? Promise.reject(new Error(`${table} write refused`))
        : beside.writeColumns(options, chunk),
    update: (options, rows) => beside.update(options, rows),
    execute: (sql, ...params) => beside.execute(sql, ...params),
    deleteIds: (t, ids) => beside.deleteIds(t, ids),
    reader: beside.reader,
    beside: () => refusing,
    chunksAhead: beside.chunksAhead,
    warmUp: () => beside.warmUp(),
    close: () => undefined,
  };
  return {
    write: (options, rows) => bulk.write(options, rows),
    writeColumns: (options, chunk) => bulk.writeColumns(options, chunk),
    update: (options, rows) => bulk.update(options, rows),
    execute: (sql, ...params) => bulk.execute(sql, ...params),
    deleteIds: (t, ids) => bulk.deleteIds(t, ids),
    reader: bulk.reader,
    beside: () => refusing,
    chunksAhead: bulk.chunksAhead,
    warmUp: () => bulk.warmUp(),
    close: () => undefined,
  };
}

describe.each(DB_KINDS)("next product written back to WooCommerce on %s", (kind) => {
  let h: WooHarness;
  beforeEach(async () => {
    h = await WooHarness.create(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  it("writes _ciclo_next_product for customers with a suggestion, and a next- tag in _ciclo_tags when asked", async () => {
    const s = h.sim.store;
    s.cicloPluginActive = true;
    // Widget and Gadget are bought together; customers who own only the Widget are suggested the Gadget.
    const pairs = Array.from({ length: 6 }, (_, i) => s.createCustomer({ email: `pair${i}@example.com` }));
    const single = Array.from({ length: 3 }, (_, i) => s.createCustomer({ email: `single${i}@example.com` }));
    for (const p of pairs)
      s.createOrder({
        customer_id: p.id,
        status: "completed",
        line_items: [{ product_id: 12 }, { product_id: 13 }],
      });
    for (const p of single)
      s.createOrder({ customer_id: p.id, status: "completed", line_items: [{ product_id: 12, quantity: 2 }] });

    const connected = await h.connect.connectWithKeys(h.sim.httpsUrl, h.sim.adminKey);
    if (!connected.ok) throw new Error(connected.reason);
    const storeId = connected.store.id;
    expect((await h.sync.run(storeId, "install")).run.state).toBe("completed");
    await h.db.storeSettings.upsert({
      where: { storeId },
      create: { storeId, tagFamilies: "rfm,stage,next" },
      update: { tagFamilies: "rfm,stage,next" },
    });
    expect((await recomputeStore({ db: h.db, bulk: h.bulk, dialect: kind }, storeId, "nightly")).state).toBe(
      "completed",
    );
    const factory = createWooLabelWriterFactory({
      db: h.db,
      bulk: h.bulk,
      box: h.box,
      concurrency: 1,
      clientFor: (store: Store) =>
        createWooClient({ ...h.tuning, storeUrl: store.baseUrl!, ...openKeys(h.box, store.credentials!) }),
    });
    const outbox = new TagOutbox(h.db, h.bulk, factory, { dialect: kind });
    await outbox.push(storeId);

    const meta = (id: number) => Object.fromEntries(s.users.get(id)!.meta.map((m) => [m.key, m.value]));
    for (const p of single) {
      expect(meta(p.id)._ciclo_next_product).toBe("Peer Gadget");
      expect(String(meta(p.id)._ciclo_tags).split(",")).toContain("ciclo:next-peer-gadget");
    }
    // Who owns both products has nothing left to suggest: no key at all.
    for (const p of pairs) expect(meta(p.id)._ciclo_next_product).toBeUndefined();

    // Diff-only: an unchanged night sends no request.
    const before = h.sim.requests.length;
    await recomputeStore({ db: h.db, bulk: h.bulk, dialect: kind }, storeId, "nightly");
    await outbox.push(storeId);
    expect(h.sim.requests.length).toBe(before);
  });
});

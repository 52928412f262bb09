/**
 * Recompute -> tag outbox -> ShopifyTagWriter -> the Shopify simulator over HTTP, on SQLite and PostgreSQL:
 * exactly the intended tags, merchant tags untouched, zero API calls on an unchanged rerun, a crash mid-push
 * converging to the same result, deleted customers recorded, other shops untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { TagOutbox, type LabelWriter, type LabelWriterFactory } from "../../../app/jobs/tags/tag-outbox.server";
import { tagOutboxItems, tagSyncStatus } from "../../../app/read-models/tag-sync.server";
import { createShopifyLabelWriterFactory } from "../../../app/platforms/shopify/label-writer.server";
import { generateDemoHistory, start, type ShopifySimulator } from "../../../simulators/shopify";
import type { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { simulatorAdmin } from "../../support/simulator-admin";
import { importShop } from "../../support/store-fixture";

const NOW = new Date("2026-10-01T02:30:00Z");
// Each shop gets its own copy: the simulator keeps the objects it is given.
const history = () =>
  generateDemoHistory({ seed: 5, customers: 150, targetOrders: 450, years: 2, end: new Date("2026-09-30T00:00:00Z") });

describe.each(DB_KINDS)("tag push on %s", (kind) => {
  let sim: ShopifySimulator;
  let admin: ReturnType<typeof simulatorAdmin>;
  let database: TestDatabase;
  let bulk: BulkWriter;
  let shop: SimulatedShop;
  let other: SimulatedShop;
  let storeId: string;
  let crashAfter = Infinity;
  const merchantTagged: number[] = [];

  // The app's own factory (shared slots and bucket per push), with a crash injected after `crashAfter` results.
  const shopifyWriters = createShopifyLabelWriterFactory({
    adminFor: (d) => admin.adminFor(d),
    writer: { bulkThreshold: 60 },
  });
  const writerFor: LabelWriterFactory = async (store, prefix) => {
    const writer = await shopifyWriters(store, prefix);
    return {
      pagesInFlight: writer.pagesInFlight,
      async *apply(changes) {
        let n = 0;
        for await (const r of writer.apply(changes)) {
          // The crash hits the current-prefix pass (old-prefix removals were sent before it).
          if (prefix !== "ciclo:" && n++ >= crashAfter) throw new Error("process killed mid-push");
          yield r;
        }
      },
    } satisfies LabelWriter;
  };
  const waiting = async () => (await tagOutboxItems(database.db, storeId)).filter((i) => i.state === "pending");
  const recompute = () => recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
  const ourTags = (s: SimulatedShop, id: number) =>
    s.customers
      .get(id)!
      .tags.filter((t) => t.includes(":"))
      .sort();

  beforeAll(async () => {
    sim = await start({ port: 0 });
    admin = simulatorAdmin(sim);
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    shop = sim.createShop({ domain: `tags-${kind}.myshopify.com`, seed: 1 });
    shop.load(history());
    other = sim.createShop({ domain: `other-${kind}.myshopify.com`, seed: 1 });
    other.load(history());
    for (const c of [...shop.customers.values()].slice(0, 40)) {
      c.tags = ["vip", "wholesale"];
      merchantTagged.push(c.id);
    }
    await admin.install(shop);
    await admin.install(other);
    storeId = (await importShop(database.db, shop)).store.id;
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
    await sim.close();
  });

  it("writes exactly the planned Ciclo tags and leaves the merchant's own tags alone", async () => {
    const run = await recompute();
    const planned = await waiting();
    expect(planned.length).toBe(JSON.parse(run.counts).tagChanges);
    const result = await new TagOutbox(database.db, bulk, writerFor, { dialect: kind, flushEvery: 100 }).push(storeId);
    expect(result.applied).toBe(planned.length);
    for (const item of planned) {
      const id = Number(item.customerExternalId);
      expect(ourTags(shop, id)).toEqual([...item.add].sort());
    }
    for (const c of [...shop.customers.values()].slice(0, 40))
      expect(c.tags).toEqual(expect.arrayContaining(["vip", "wholesale"]));
    // The other shop was never touched.
    expect([...other.customers.values()].every((c) => !c.tags.some((t) => t.startsWith("ciclo:")))).toBe(true);
    expect(sim.stats(other.domain).requests).toBe(0);
  });

  it("makes zero API calls when nothing changed", async () => {
    sim.resetStats(shop.domain);
    const run = await recompute();
    expect(JSON.parse(run.counts).tagChanges).toBe(0);
    await new TagOutbox(database.db, bulk, writerFor, { dialect: kind, flushEvery: 100 }).push(storeId);
    expect(sim.stats(shop.domain).requests).toBe(0);
  });

  it("converges to exactly the intended tags after a crash mid-push, and records deleted customers", async () => {
    // The merchant switches the prefix: every customer needs ciclo:* removed and cc:* added.
    await database.db.storeSettings.update({ where: { storeId }, data: { tagPrefix: "cc:" } });
    await recompute();
    const planned = await waiting();
    expect(planned.length).toBeGreaterThan(60); // the bulk path
    const gone = Number(planned[0]!.customerExternalId);
    shop.customers.delete(gone); // deleted in the store meanwhile

    crashAfter = 110; // results are recorded every 100, and what came before the crash when it hits
    await expect(
      new TagOutbox(database.db, bulk, writerFor, { dialect: kind, flushEvery: 100 }).push(storeId),
    ).rejects.toThrow(/killed/);
    crashAfter = Infinity;
    const afterCrash = (await waiting()).length;
    expect(afterCrash).toBe(planned.length - 110);

    const result = await new TagOutbox(database.db, bulk, writerFor, { dialect: kind, flushEvery: 100 }).push(storeId);
    // Only what was not confirmed before the crash is sent again.
    expect(result.applied + result.notFound).toBe(afterCrash);
    const items = await tagOutboxItems(database.db, storeId);
    expect(items.filter((i) => i.state === "not_found")).toEqual([
      expect.objectContaining({ customerExternalId: String(gone), error: expect.any(String) }),
    ]);
    expect(items.filter((i) => i.state === "pending")).toEqual([]);
    expect(await tagSyncStatus(database.db, storeId)).toMatchObject({ pending: 0, notFound: 1, failed: 0 });
    for (const item of planned) {
      const id = Number(item.customerExternalId);
      if (id === gone) continue;
      const tags = ourTags(shop, id);
      expect(tags.every((t) => t.startsWith("cc:"))).toBe(true);
      expect(tags).toEqual([...item.add].sort());
    }
    for (const id of merchantTagged) {
      if (id !== gone) expect(shop.customers.get(id)!.tags).toEqual(expect.arrayContaining(["vip", "wholesale"]));
    }
  });

  it("writes the optional ciclo.* metafields when the merchant turns them on, and only when they change", async () => {
    await database.db.storeSettings.update({ where: { storeId }, data: { pushMetafields: true } });
    // The customer deleted in the store earlier: its customers/delete webhook marks it deleted here too.
    const deleted = (await tagOutboxItems(database.db, storeId)).filter((i) => i.state === "not_found");
    await database.db.customer.updateMany({
      where: { storeId, id: { in: deleted.map((d) => d.customerId) } },
      data: { deletedAt: new Date() },
    });
    await recompute();
    const planned = await waiting();
    expect(planned.length).toBeGreaterThan(0); // tags unchanged, metafields new
    await new TagOutbox(database.db, bulk, writerFor, { dialect: kind, flushEvery: 100 }).push(storeId);
    const present = planned.filter((item) => shop.customers.has(Number(item.customerExternalId)));
    expect(present.length).toBeGreaterThan(20);
    for (const item of present.slice(0, 20)) {
      const wanted = JSON.parse(item.metafields!) as Record<string, string>;
      const held = Object.fromEntries(
        shop
          .metafieldsOf(Number(item.customerExternalId))
          .filter((m) => m.namespace === "ciclo")
          .map((m) => [m.key, m.value]),
      );
      expect(held).toMatchObject({ segment: wanted.segment, stage: wanted.stage, clv: wanted.clv });
    }
    sim.resetStats(shop.domain);
    const rerun = await recompute();
    expect(JSON.parse(rerun.counts).tagChanges).toBe(0);
    await new TagOutbox(database.db, bulk, writerFor, { dialect: kind, flushEvery: 100 }).push(storeId);
    expect(sim.stats(shop.domain).requests).toBe(0);
    await database.db.storeSettings.update({ where: { storeId }, data: { pushMetafields: false } });
  });

  it("pipelines a large push page by page: pages overlap on Shopify, every item is recorded once", async () => {
    // A segment change for every customer (new prefix), pushed in pages of 20 through the bulk path.
    await database.db.storeSettings.update({ where: { storeId }, data: { tagPrefix: "px:" } });
    await recompute();
    const planned = await waiting();
    expect(planned.length).toBeGreaterThan(100); // at least six pages
    let inFlight = 0;
    let mostInFlight = 0;
    let failPage: number | null = 2;
    let page = 0;
    const app = createShopifyLabelWriterFactory({
      adminFor: (d) => admin.adminFor(d),
      writer: { bulkThreshold: 1, bulk: { pollInitialMs: 10, pollMaxMs: 40 } },
    });
    const writers: LabelWriterFactory = async (store, prefix) => {
      const writer = await app(store, prefix);
      return {
        pagesInFlight: writer.pagesInFlight,
        async *apply(changes) {
          const mine = prefix === "px:" ? ++page : 0; // pages counted by their current-prefix pass
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          try {
            for await (const r of writer.apply(changes)) {
              if (mine === failPage) throw new Error("network gone for one page");
              yield r;
            }
          } finally {
            inFlight--;
          }
        },
      } satisfies LabelWriter;
    };
    // Bulk operations running in the shop at once: every page has an old-prefix round (remove cc:*) and a
    // current-prefix round (add px:*), one operation each, and both prefixes share the shop's two slots.
    sim.bulk.resetMutationActivity(shop.domain);
    const outbox = new TagOutbox(database.db, bulk, writers, { dialect: kind, pageSize: 20, flushEvery: 7 });
    await expect(outbox.push(storeId)).rejects.toThrow(/network gone/);
    expect(sim.bulk.mutationActivity(shop.domain).mostActive).toBe(2);
    // The failed page's items stay pending; pages that were with Shopify at the same time were recorded.
    const pending = (await waiting()).length;
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThan(planned.length - 20);
    expect(mostInFlight).toBe(3); // two rounds on Shopify, the next page ready

    failPage = null;
    const result = await outbox.push(storeId);
    expect(result.applied + result.notFound).toBe(pending);
    const after = await tagOutboxItems(database.db, storeId);
    expect(after.map((i) => i.customerId)).toEqual(planned.map((p) => p.customerId));
    expect(after.every((i) => i.state !== "pending")).toBe(true);
    // Recorded exactly once each, whichever push confirmed it: the pages' tallies add up to their items.
    const pages = await database.db.tagOutboxPage.findMany({ where: { storeId } });
    expect(pages.every((p) => p.state === "settled" && p.applied + p.notFound + p.userErrors === p.size)).toBe(true);
    expect(pages.reduce((n, p) => n + p.size, 0)).toBe(planned.length);
    for (const item of planned) {
      const id = Number(item.customerExternalId);
      if (!shop.customers.has(id)) continue;
      expect(ourTags(shop, id)).toEqual([...item.add].sort());
      const labels = await database.db.customerLabels.findUniqueOrThrow({
        where: { storeId_customerId: { storeId, customerId: item.customerId } },
      });
      expect(JSON.parse(labels.tags)).toEqual([...item.add].sort());
    }
  });

  it("skips an uninstalled store entirely", async () => {
    await database.db.store.update({ where: { id: storeId }, data: { status: "uninstalled" } });
    sim.resetStats(shop.domain);
    const result = await new TagOutbox(database.db, bulk, writerFor, { dialect: kind, flushEvery: 100 }).push(storeId);
    expect(result.skipped).toMatch(/not installed/);
    expect(sim.stats(shop.domain).requests).toBe(0);
    await database.db.store.update({ where: { id: storeId }, data: { status: "installed" } });
  });
});

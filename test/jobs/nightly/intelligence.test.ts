/**
 * The nightly's customer-intelligence phases on real SQLite and PostgreSQL: channels from the simulator's
 * sources and UTM tags, cohorts and churn, the nine-stage journey (Shopify guests as Ghosts), products bought
 * together and a next-product suggestion per customer, all scoped to one store and recorded as run phases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { generateDemoHistory } from "../../../simulators/shopify";
import { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { importShop } from "../../support/store-fixture";
import { storeView, type StoreView } from "../../../app/read-models/store-view";
import { deleteStoreData } from "../../../app/read-models/store-data.server";
import { CHANNELS } from "../../../app/domain/intelligence/channels";
import {
  customerInsight,
  loadChannelsPage,
  loadJourneyPage,
  loadProductsPage,
  loadRetentionPage,
  loadShopifyGroupsPage,
  parseAcquisitionForm,
  parseTopQuery,
  saveAcquisitionSettings,
  topCustomerRows,
} from "../../../app/read-models/intelligence/intelligence.server";

const END = new Date("2026-10-01T00:00:00Z");
const NOW = new Date("2026-10-01T02:30:00Z");
const history = generateDemoHistory({ seed: 5, customers: 400, targetOrders: 1400, years: 3, end: END });

describe.each(DB_KINDS)("customer intelligence on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let storeId: string;
  let otherStoreId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    const shop = new SimulatedShop({ domain: `intel-${kind}.myshopify.com`, timezone: "Europe/Rome", seed: 2 });
    shop.load(history);
    storeId = (await importShop(database.db, shop)).store.id;
    const other = new SimulatedShop({ domain: `other-${kind}.myshopify.com`, timezone: "UTC", seed: 3 });
    other.load(generateDemoHistory({ seed: 6, customers: 50, targetOrders: 120, years: 1, end: END }));
    otherStoreId = (await importShop(database.db, other)).store.id;
    await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  it("records the phases and stores one summary per kind for the store only", async () => {
    const run = await database.db.recomputeRun.findFirstOrThrow({ where: { storeId, state: "completed" } });
    const phases = (JSON.parse(run.phases) as { name: string }[]).map((p) => p.name);
    expect(phases).toEqual(expect.arrayContaining(["intelligence", "products", "intelligence-write"]));
    const counts = JSON.parse(run.counts) as {
      intelligence: { error?: string; products: number; suggestions: number };
    };
    expect(counts.intelligence.error).toBeUndefined();
    expect(counts.intelligence.products).toBeGreaterThan(5);
    expect(counts.intelligence.suggestions).toBeGreaterThan(100);
    const kinds = await database.db.storeInsight.findMany({ where: { storeId }, select: { kind: true } });
    expect(kinds.map((k) => k.kind).sort()).toEqual([
      "channels",
      "journey",
      "journey-moves",
      "products",
      "retention",
      "shopify-groups",
    ]);
    expect(await database.db.storeInsight.count({ where: { storeId: otherStoreId } })).toBe(0);
    expect(await database.db.customerInsight.count({ where: { storeId: otherStoreId } })).toBe(0);
  });

  it("classifies channels from sources and UTM tags, with campaigns", async () => {
    const row = await database.db.storeInsight.findUniqueOrThrow({
      where: { storeId_kind: { storeId, kind: "channels" } },
    });
    const data = JSON.parse(row.data) as {
      channels: { channel: string; customers: number }[];
      campaigns: { campaign: string }[];
      maxCac: Record<string, { channel: string | null; customers: number }[]>;
    };
    const names = data.channels.map((c) => c.channel);
    expect(names).toEqual(expect.arrayContaining(["Direct", "Organic search", "Email"]));
    const buyers = await database.db.customerScore.count({ where: { storeId, orders: { gt: 0 } } });
    expect(data.channels.reduce((s, c) => s + c.customers, 0)).toBe(buyers);
    expect(data.campaigns.length).toBeGreaterThan(0);
    expect(data.maxCac["365"]![0]!.channel).toBeNull();
    expect(data.maxCac["365"]![0]!.customers).toBeGreaterThan(0);
  });

  it("stores cohorts, churn and the journey with every stage and guests as Ghosts", async () => {
    const retention = JSON.parse(
      (await database.db.storeInsight.findUniqueOrThrow({ where: { storeId_kind: { storeId, kind: "retention" } } }))
        .data,
    ) as { cohorts: { cohorts: string[]; size: number[] }; churnYears: { rate: number | null }[] };
    expect(retention.cohorts.cohorts.length).toBe(24);
    expect(retention.churnYears[0]!.rate).toBeGreaterThan(0);
    const journey = JSON.parse(
      (await database.db.storeInsight.findUniqueOrThrow({ where: { storeId_kind: { storeId, kind: "journey" } } }))
        .data,
    ) as { counts: { stage: string; count: number }[] };
    expect(journey.counts.map((c) => c.stage)).toHaveLength(10);
    const ghosts = journey.counts.find((c) => c.stage === "Ghost")!;
    expect(ghosts.count).toBeGreaterThan(0);
  });

  it("suggests a product each customer has not bought yet", async () => {
    const insights = await database.db.customerInsight.findMany({
      where: { storeId, nextProductId: { not: null } },
      take: 200,
    });
    expect(insights.length).toBeGreaterThan(10);
    for (const insight of insights) {
      const bought = await database.db.orderLine.count({
        // Among the counted orders (a cancelled or fully refunded order is not in the history).
        where: {
          storeId,
          productId: insight.nextProductId,
          order: { customerId: insight.customerId, countsForValue: true, deletedAt: null, netMinor: { gt: 0 } },
        },
      });
      expect(bought, insight.customerId).toBe(0);
    }
  });

  it("gives the same suggestions whatever order the database returns the lines in", async () => {
    const suggestions = async () =>
      (
        await database.db.customerInsight.findMany({
          where: { storeId },
          select: { customerId: true, nextProductId: true, nextProduct: true },
          orderBy: { customerId: "asc" },
        })
      ).map((i) => `${i.customerId}:${i.nextProductId}:${i.nextProduct}`);
    const before = await suggestions();
    // The same lines stored again in reverse: a table scan now meets them the other way round (as PostgreSQL's
    // does after rows are updated), so products are first seen in another order.
    const lines = await database.db.orderLine.findMany({ where: { storeId }, orderBy: { id: "asc" } });
    await database.db.orderLine.deleteMany({ where: { storeId } });
    for (let end = lines.length; end > 0; end -= 200) {
      await database.db.orderLine.createMany({ data: lines.slice(Math.max(0, end - 200), end).reverse() });
    }
    // And each order's product ids (what the nightly reads) the other way round.
    const orders = await database.db.order.findMany({
      where: { storeId, productIds: { not: null } },
      select: { id: true, productIds: true },
    });
    expect(orders.some((o) => (JSON.parse(o.productIds!) as string[]).length > 1)).toBe(true);
    await database.db.$transaction(
      orders.map((o) =>
        database.db.order.update({
          where: { id: o.id },
          data: { productIds: JSON.stringify((JSON.parse(o.productIds!) as string[]).reverse()) },
        }),
      ),
    );
    await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
    expect(await suggestions()).toEqual(before);
  });

  it("writes the same suggestions and products summary when the products phase runs on a thread of its own", async () => {
    const written = async () => ({
      suggestions: await database.db.customerInsight.findMany({
        where: { storeId },
        select: { customerId: true, nextProductId: true, nextProduct: true, nextBecause: true },
        orderBy: { customerId: "asc" },
      }),
      summary: (
        await database.db.storeInsight.findUniqueOrThrow({ where: { storeId_kind: { storeId, kind: "products" } } })
      ).data,
    });
    await recomputeStore(
      { db: database.db, bulk, dialect: kind, now: () => NOW, productsInWorker: false },
      storeId,
      "manual",
    );
    const inPlace = await written();
    await recomputeStore(
      { db: database.db, bulk, dialect: kind, now: () => NOW, productsInWorker: true },
      storeId,
      "manual",
    );
    const run = await database.db.recomputeRun.findFirstOrThrow({ where: { storeId }, orderBy: { startedAt: "desc" } });
    expect(JSON.parse(run.counts).intelligence.error).toBeUndefined();
    expect(inPlace.suggestions.filter((s) => s.nextProduct).length).toBeGreaterThan(100);
    expect(await written()).toEqual(inPlace);
  });

  it("drops the rows of customers a run no longer classifies, in this store only", async () => {
    const old = new Date(NOW.getTime() - 86_400_000);
    // More than one delete batch of customers gone since the last run, and an old row of another store.
    const gone = Array.from({ length: 2_500 }, (_, i) => ({ storeId, customerId: `gone-${i}`, computedAt: old }));
    await database.db.customerInsight.createMany({ data: gone });
    await database.db.customerInsight.create({
      data: { storeId: otherStoreId, customerId: "gone-0", computedAt: old, channel: "Email" },
    });
    const kept = await database.db.customerInsight.count({ where: { storeId, computedAt: { gte: NOW } } });
    const later = new Date(NOW.getTime() + 3_600_000);
    await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => later }, storeId, "manual");
    expect(await database.db.customerInsight.count({ where: { storeId, customerId: { startsWith: "gone-" } } })).toBe(
      0,
    );
    expect(await database.db.customerInsight.count({ where: { storeId, computedAt: later } })).toBe(kept);
    expect(await database.db.customerInsight.count({ where: { storeId: otherStoreId } })).toBe(1);
  });

  it("a failed write of the customers' rows leaves the journey moves as they were: the next run counts them once", async () => {
    const moves = async () =>
      (await database.db.storeInsight.findUnique({ where: { storeId_kind: { storeId, kind: "journey-moves" } } }))
        ?.data;
    const before = await moves();
    // The database refuses every customer insight row (as a full disk or a lost connection would).
    const refuse =
      kind === "sqlite"
        ? [`CREATE TRIGGER refuse_insight BEFORE INSERT ON "CustomerInsight" BEGIN SELECT RAISE(ABORT, 'refused'); END`]
        : [
            `CREATE FUNCTION refuse_insight() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql`,
            `CREATE TRIGGER refuse_insight BEFORE INSERT OR UPDATE ON "CustomerInsight" FOR EACH ROW EXECUTE FUNCTION refuse_insight()`,
          ];
    for (const sql of refuse) await database.db.$executeRawUnsafe(sql);
    try {
      // Two months on: many customers' journey stages move.
      const later = new Date(NOW.getTime() + 60 * 86_400_000);
      const run = await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => later }, storeId, "manual");
      expect(run.state).toBe("completed"); // the intelligence phases never fail the run
      expect((JSON.parse(run.counts) as { intelligence: { error?: string } }).intelligence.error).toMatch(/refused/);
      expect(await moves()).toBe(before);
    } finally {
      await database.db.$executeRawUnsafe(
        `DROP TRIGGER refuse_insight${kind === "sqlite" ? "" : ` ON "CustomerInsight"`}`,
      );
      if (kind !== "sqlite") await database.db.$executeRawUnsafe(`DROP FUNCTION refuse_insight()`);
    }
  });
});

describe.each(DB_KINDS)("customer intelligence read models on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let store: StoreView;
  let other: StoreView;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    const shop = new SimulatedShop({ domain: `read-${kind}.myshopify.com`, timezone: "UTC", seed: 4 });
    shop.load(history);
    store = storeView((await importShop(database.db, shop)).store);
    const otherShop = new SimulatedShop({ domain: `read-other-${kind}.myshopify.com`, timezone: "UTC", seed: 5 });
    otherShop.load(generateDemoHistory({ seed: 8, customers: 40, targetOrders: 100, years: 1, end: END }));
    other = storeView((await importShop(database.db, otherShop)).store);
    // Shopify's own groups for some customers (as a backfill that reads CustomerStatistics would store them).
    const customers = await database.db.customer.findMany({ where: { storeId: store.id }, take: 120 });
    const groups = ["CHAMPIONS", "LOYAL", "AT_RISK", "NEW", "DORMANT"];
    for (const [k, c] of customers.entries()) {
      await database.db.customer.update({
        where: { id: c.id },
        data: {
          shopifyRfmGroup: groups[k % groups.length],
          shopifyPredictedSpendTier: ["HIGH", "MEDIUM", "LOW"][k % 3],
        },
      });
    }
    await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, store.id, "manual");
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  const status = async (work: () => Promise<unknown>) => {
    try {
      await work();
      return 200;
    } catch (error) {
      if (error instanceof Response) return error.status;
      throw error;
    }
  };

  it("Channels: value per channel, the maximum acquisition cost with the merchant's numbers, actual cost", async () => {
    const empty = await loadChannelsPage(database.db, other);
    expect(empty.insight).toBeNull();
    const form = new FormData();
    form.set("horizonDays", "180");
    form.set("grossMarginPercent", "40");
    form.set("targetRatio", "2");
    form.set("spendPeriodDays", "365");
    form.set(`spend-${CHANNELS.indexOf("Email")}`, "1,000.50");
    const parsed = parseAcquisitionForm(form);
    expect(parsed.errors).toBeNull();
    await saveAcquisitionSettings(database.db, store.id, parsed.settings!);
    const page = await loadChannelsPage(database.db, store);
    expect(page.insight!.channels.length).toBeGreaterThan(2);
    const overall = page.maxCac.find((r) => r.channel === null)!;
    expect(overall.maxCac).toBeCloseTo((overall.valuePerCustomer * 0.4) / 2, 6);
    expect(overall.explanation).toContain("40 %");
    expect(page.cost.map((r) => r.channel)).toEqual(["Email"]);
    expect(page.cost[0]!.spendMinor).toBe(100050);
    // The other store sees none of it.
    expect((await loadChannelsPage(database.db, other)).settings.spendMinor).toEqual({});
    const bad = new FormData();
    bad.set("horizonDays", "12");
    bad.set("grossMarginPercent", "140");
    bad.set("targetRatio", "x");
    bad.set("spendPeriodDays", "90");
    bad.set("spend-0", "-5");
    expect(Object.keys(parseAcquisitionForm(bad).errors!).sort()).toEqual(
      ["grossMarginPercent", "horizonDays", "spend-0", "targetRatio"].sort(),
    );
  });

  it("Retention: cohorts, churn and a what-if for the chosen segment; an unknown segment is a 400", async () => {
    const page = await loadRetentionPage(database.db, store, "loyal");
    expect(page.insight!.cohorts.cohorts).toHaveLength(24);
    expect(page.whatIf.every((r) => r.segment === "Loyal")).toBe(true);
    expect(await status(() => loadRetentionPage(database.db, store, "nope"))).toBe(400);
  });

  it("Products: pairs ranked by the chosen measure, a product view, 400/404 on bad input", async () => {
    const page = await loadProductsPage(database.db, store, { basis: "histories", rank: "support", product: null });
    expect(page.pairs.length).toBeGreaterThan(0);
    for (let k = 1; k < page.pairs.length; k++)
      expect(page.pairs[k - 1]!.support).toBeGreaterThanOrEqual(page.pairs[k]!.support);
    const first = page.products[0]!;
    const view = await loadProductsPage(database.db, store, { basis: null, rank: null, product: first.id });
    expect(view.product!.segments.length).toBeGreaterThan(0);
    expect(await status(() => loadProductsPage(database.db, store, { basis: "x", rank: null, product: null }))).toBe(
      400,
    );
    expect(
      await status(() => loadProductsPage(database.db, store, { basis: null, rank: null, product: "missing" })),
    ).toBe(404);
    expect(
      await status(() => loadProductsPage(database.db, other, { basis: null, rank: null, product: first.id })),
    ).toBe(404);
  });

  it("Top customers: any N by predicted or historic value, ranked and scoped; bad N is a 400", async () => {
    const url = (q: string) => new URL(`http://x/app/top-customers${q}`);
    expect(parseTopQuery(url(""))).toEqual({ n: 100, basis: "predicted" });
    expect(await status(async () => parseTopQuery(url("?n=0")))).toBe(400);
    expect(await status(async () => parseTopQuery(url("?n=abc")))).toBe(400);
    expect(await status(async () => parseTopQuery(url("?basis=best")))).toBe(400);
    const historic = await topCustomerRows(database.db, store.id, 25, "historic");
    expect(historic).toHaveLength(25);
    for (let k = 1; k < historic.length; k++)
      expect(BigInt(historic[k - 1]!.historicMinor)).toBeGreaterThanOrEqual(BigInt(historic[k]!.historicMinor));
    const best = await database.db.customerScore.aggregate({
      where: { storeId: store.id },
      _max: { monetaryMinor: true },
    });
    expect(historic[0]!.historicMinor).toBe(best._max.monetaryMinor!.toString());
    const predicted = await topCustomerRows(database.db, store.id, 10, "predicted");
    expect(predicted.length).toBeGreaterThan(0);
    const ids = new Set((await database.db.customer.findMany({ where: { storeId: other.id } })).map((c) => c.id));
    expect(historic.some((r) => ids.has(r.id))).toBe(false);
  });

  it("Journey, Shopify groups and the customer card", async () => {
    const journey = await loadJourneyPage(database.db, store);
    expect(journey.insight!.counts.find((c) => c.stage === "Ghost")!.taggable).toBe(false);
    const groups = await loadShopifyGroupsPage(database.db, store);
    expect(groups.insight!.available).toBe(true);
    expect(groups.insight!.withGroup).toBe(120);
    expect(groups.insight!.rfm!.counts).toHaveLength(121);
    expect(groups.insight!.rfmExplanation).toContain("same group");
    const insight = await database.db.customerInsight.findFirstOrThrow({
      where: { storeId: store.id, nextProduct: { not: null } },
    });
    expect((await customerInsight(database.db, store.id, insight.customerId))!.nextProduct).toBe(insight.nextProduct);
    expect(await customerInsight(database.db, other.id, insight.customerId)).toBeNull();
  });

  // deleteStoreData takes its SQL dialect from the app's DATABASE_URL (SQLite in the test process).
  it("deleting the store's data removes its insights and no other store's", async () => {
    await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, other.id, "manual");
    const result = await deleteStoreData(database.db, store, store.domain);
    expect(result.ok).toBe(true);
    expect(await database.db.storeInsight.count({ where: { storeId: store.id } })).toBe(0);
    expect(await database.db.customerInsight.count({ where: { storeId: store.id } })).toBe(0);
    expect(await database.db.storeInsight.count({ where: { storeId: other.id } })).toBeGreaterThan(0);
  });
});

/**
 * The nightly's customer-intelligence phases on real SQLite and PostgreSQL: channels from the simulator's
 * sources and UTM tags, cohorts and churn, the nine-stage journey (Shopify guests as Ghosts), products bought
 * together and a next-product suggestion per customer, all scoped to one store and recorded as run phases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import { recomputeStore } from "../../app/jobs/nightly/recompute.server";
import { generateDemoHistory } from "../simulators/shopify";
import { SimulatedShop } from "../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";
import { importShop } from "../support/store-fixture";

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
    expect(kinds.map((k) => k.kind).sort()).toEqual(["channels", "journey", "products", "retention", "shopify-groups"]);
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
});

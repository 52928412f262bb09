/**
 * Journey stage moves in segment movement, on SQLite and PostgreSQL: the nightly compares each customer's journey
 * stage with the previous run's, keeps the moves per day, and the overview's segment movement and the Journey page
 * show them — including moves between the journey-only stages (Lead, Occasional, Ghost) that SegmentTransition's
 * lifecycle columns cannot hold.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../app/db/bulk-writer.server";
import { recomputeStore } from "../../app/jobs/nightly/recompute.server";
import { mapRestCustomer } from "../../app/platforms/shopify/map-webhook";
import { loadJourneyPage } from "../../app/read-models/intelligence/intelligence.server";
import {
  journeyMovesBetween,
  mergeJourneyMoves,
  JOURNEY_MOVE_DAYS,
} from "../../app/read-models/intelligence/insight-types";
import { journeyMoveDays, loadOverview } from "../../app/read-models/overview.server";
import { storeView } from "../../app/read-models/store-view";
import { applyStoreEvent } from "../../app/sync/apply-event.server";
import { generateDemoHistory } from "../../simulators/shopify";
import { restCustomer } from "../../simulators/shopify/payloads";
import { SimulatedShop } from "../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";
import { importShop } from "../support/store-fixture";

const END = new Date("2026-10-01T00:00:00Z");

describe("journey move days", () => {
  it("a rerun on the same day adds up, days are kept newest last and at most JOURNEY_MOVE_DAYS", () => {
    let days = mergeJourneyMoves([], "2026-10-01", [{ from: "Lead", to: "New", customers: 2 }]);
    days = mergeJourneyMoves(days, "2026-10-01", [
      { from: "Lead", to: "New", customers: 1 },
      { from: "Repeat", to: "Occasional", customers: 5 },
    ]);
    expect(days).toEqual([
      {
        day: "2026-10-01",
        moves: [
          { from: "Repeat", to: "Occasional", customers: 5 },
          { from: "Lead", to: "New", customers: 3 },
        ],
      },
    ]);
    for (let d = 2; d <= 40; d++)
      days = mergeJourneyMoves(days, `2026-11-${String(d % 30 || 30).padStart(2, "0")}`, []);
    expect(days.length).toBeLessThanOrEqual(JOURNEY_MOVE_DAYS);
    const series = [
      { day: "2026-10-01", moves: [{ from: "Hero", to: "Waiting", customers: 4 }] },
      { day: "2026-10-05", moves: [{ from: "Hero", to: "Waiting", customers: 1 }] },
      { day: "2026-10-09", moves: [{ from: "(new)", to: "Lead", customers: 7 }] },
    ];
    expect(journeyMovesBetween(series, "2026-10-01", "2026-10-09")).toEqual([
      { from: "(new)", to: "Lead", customers: 7 },
      { from: "Hero", to: "Waiting", customers: 1 },
    ]);
  });
});

describe.each(DB_KINDS)("journey stage moves on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let shop: SimulatedShop;
  let storeId: string;
  const at = (hour: number) => new Date(`2026-10-01T${String(hour).padStart(2, "0")}:30:00Z`);
  const recompute = (hour: number) =>
    recomputeStore({ db: database.db, bulk, dialect: kind, now: () => at(hour) }, storeId, "manual");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    shop = new SimulatedShop({ domain: `moves-${kind}.myshopify.com`, timezone: "UTC", seed: 3 });
    shop.load(generateDemoHistory({ seed: 11, customers: 120, targetOrders: 360, years: 2, end: END }));
    storeId = (await importShop(database.db, shop)).store.id;
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  it("records Lead arrivals and Lead -> New, shows them in segment movement and on the Journey page", async () => {
    const first = await recompute(2);
    expect(first.state).toBe("completed");
    // A first run has nothing to compare with: no moves.
    expect((await journeyMoveDays(database.db, storeId)).flatMap((d) => d.moves)).toEqual([]);

    // Three contacts subscribe without buying (Leads), read as the reconciliation would store them.
    const leads = [0, 1, 2].map((k) => shop.createCustomer({ email: `lead${k}@example.com` }));
    for (const c of leads) {
      const customer = {
        ...mapRestCustomer(restCustomer(c, shop.info) as Record<string, unknown>)!,
        acceptsMarketing: true,
      };
      await applyStoreEvent(
        { db: database.db, storeId, shopDomain: shop.domain },
        { kind: "customer.upsert", customer },
      );
    }
    await recompute(3);
    let days = await journeyMoveDays(database.db, storeId);
    expect(days.at(-1)!.moves).toContainEqual({ from: "(new)", to: "Lead", customers: 3 });

    // Two of them buy: Lead -> New, a move between journey-only and lifecycle stages.
    for (const c of leads.slice(0, 2))
      shop.createOrder({
        customerId: c.id,
        lineItems: [{ title: "Tent", price: "80.00" }],
        processedAt: new Date("2026-09-30T12:00:00Z"),
      });
    await importShop(database.db, shop, storeId);
    await recompute(4);
    days = await journeyMoveDays(database.db, storeId);
    expect(days).toHaveLength(1); // one local day: the runs add up
    expect(days[0]!.moves).toContainEqual({ from: "Lead", to: "New", customers: 2 });

    const store = storeView(await database.db.store.findUniqueOrThrow({ where: { id: storeId } }));
    const journey = await loadJourneyPage(database.db, store);
    expect(journey.stageMoves).toContainEqual({ from: "Lead", to: "New", customers: 2 });
    expect(journey.stageMoves.some((m) => m.from === "(new)")).toBe(false);
    // The overview's segment movement: the same days, its 7- and 30-day windows. (The whole overview reads the
    // configured database's SQL dialect, which is SQLite in this process, so it is loaded on SQLite only.)
    expect(journeyMovesBetween(days, "2026-09-24", "2026-10-01")).toContainEqual({
      from: "Lead",
      to: "New",
      customers: 2,
    });
    if (kind === "sqlite") {
      const overview = await loadOverview(database.db, store);
      expect(overview.stageMovesWeek).toContainEqual({ from: "Lead", to: "New", customers: 2 });
      expect(overview.stageMovesMonth).toContainEqual({ from: "(new)", to: "Lead", customers: 3 });
    }

    // Scoped to the store: another store sees none of it.
    const other = await database.db.store.create({ data: { platform: "shopify", domain: `x-${kind}.myshopify.com` } });
    expect(await journeyMoveDays(database.db, other.id)).toEqual([]);
  });
});

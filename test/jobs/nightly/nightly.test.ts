/**
 * The nightly recompute on real SQLite and PostgreSQL: the SQL aggregation agrees with the domain's reference
 * aggregation, every customer gets a score, snapshots add up, transitions are recorded, and the tag plan is
 * diff-only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { aggregateCustomerOrders } from "../../../app/domain/orders";
import { toEpochDay } from "../../../app/domain/clv/summary";
import { aggregateCustomers } from "../../../app/jobs/nightly/aggregate.server";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { storeStatus } from "../../../app/read-models/store-status.server";
import { tagOutboxItems } from "../../../app/read-models/tag-sync.server";
import { utcOffsetMinutes } from "../../../app/jobs/schedule";
import { productIdsOf } from "../../../app/sync/order-writer.server";
import type { StoreOrder } from "../../../app/domain/types";
import { generateDemoHistory } from "../../../simulators/shopify";
import { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { countedOrders, importShop } from "../../support/store-fixture";

const END = new Date("2026-10-01T00:00:00Z");
const NOW = new Date("2026-10-01T02:30:00Z");
const history = generateDemoHistory({ seed: 21, customers: 500, targetOrders: 1600, years: 3, end: END });

describe.each(DB_KINDS)("nightly recompute on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let storeId: string;
  let orders: StoreOrder[];
  let timezone: string;
  const waiting = async () => (await tagOutboxItems(database.db, storeId)).filter((i) => i.state === "pending");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    // A zone without DST and with a half-hour offset: PostgreSQL applies the zone per order, SQLite the current
    // offset (docs/decisions/008), so only here must both agree with the fixed-offset reference exactly.
    const shop = new SimulatedShop({ domain: `nightly-${kind}.myshopify.com`, timezone: "Asia/Kolkata", seed: 1 });
    shop.load(history);
    const imported = await importShop(database.db, shop);
    storeId = imported.store.id;
    orders = imported.orders;
    timezone = imported.store.timezone;
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });
  const aggregate = () =>
    aggregateCustomers(bulk.reader, {
      dialect: kind,
      storeId,
      timeZone: timezone,
      reference: NOW,
      utcOffsetMinutes: utcOffsetMinutes(NOW, timezone),
    });

  it("aggregates per customer in SQL exactly as the domain's reference does", async () => {
    const offset = utcOffsetMinutes(NOW, timezone);
    const table = await aggregate();
    const reference = aggregateCustomerOrders(
      orders.filter((o) => o.customer !== null),
      { referenceDay: toEpochDay(new Date(NOW.getTime() + offset * 60_000))!, utcOffsetMinutes: offset },
    );
    const byExternal = new Map(table.externalIds.map((id, i) => [id, i]));
    expect(reference.customerIds.length).toBeGreaterThan(300);
    for (let k = 0; k < reference.customerIds.length; k++) {
      const i = byExternal.get(reference.customerIds[k]!);
      expect(i, reference.customerIds[k]).toBeDefined();
      expect([
        table.orders[i!],
        table.purchaseDays[i!],
        table.firstDay[i!],
        table.lastDay[i!],
        table.totalSpend[i!],
      ]).toEqual([
        reference.orders[k],
        reference.purchaseDays[k],
        reference.firstPurchaseDay[k],
        reference.lastPurchaseDay[k],
        reference.totalSpend[k],
      ]);
      expect(table.repeatSpendMean[i!]).toBeCloseTo(reference.repeatSpendMean[k]!, 6);
    }
    // Customers with no counted order are still listed (they become Prospects).
    expect(table.size).toBe(await database.db.customer.count({ where: { storeId, deletedAt: null } }));
  });

  it("scores every customer, snapshots the segments and plans tags", async () => {
    const run = await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
    expect(run.state).toBe("completed");
    const counts = JSON.parse(run.counts) as { customers: number; tagChanges: number; transitions: number };
    const customers = await database.db.customer.count({ where: { storeId } });
    expect(counts.customers).toBe(customers);
    expect(await database.db.customerScore.count({ where: { storeId } })).toBe(customers);
    const snapshot = await database.db.segmentSnapshot.findMany({ where: { storeId } });
    expect(snapshot.reduce((n, s) => n + s.customers, 0)).toBe(customers);
    expect(snapshot.length).toBeGreaterThan(5);
    expect(JSON.parse(run.phases).map((p: { name: string }) => p.name)).toEqual([
      "aggregate",
      "score",
      "persist",
      "backtest",
      "intelligence",
      "products",
      "intelligence-write",
      "tag-diff",
    ]);
    // "How good are these predictions": a holdout backtest of the fitted models on the store's own history.
    const model = JSON.parse(run.model!) as {
      backtest: { customers: number; actualTotal: number; totalErrorPercent: number; buckets: unknown[] };
      selection: { candidates: { name: string }[] };
      sufficiency: { customers: number };
    };
    expect(model.backtest.customers).toBeGreaterThan(200);
    expect(model.backtest.actualTotal).toBeGreaterThan(0);
    expect(Math.abs(model.backtest.totalErrorPercent)).toBeLessThan(60);
    expect(model.backtest.buckets.length).toBeGreaterThan(1);
    expect(model.selection.candidates.map((c) => c.name)).toEqual(["bgnbd", "mbgnbd"]);
    expect(model.sufficiency.customers).toBeGreaterThan(300);
    expect(counts.transitions).toBe(0); // first run: nothing to compare with
    const items = await waiting();
    expect(items.length).toBe(counts.tagChanges);
    for (const item of items.slice(0, 50)) {
      for (const tag of item.add) expect(tag.startsWith("ciclo:")).toBe(true);
    }
    const champion = await database.db.customerScore.findFirst({ where: { storeId, segment: "champions" } });
    expect(champion?.rScore).toBeGreaterThanOrEqual(4);
  });

  it("reports the run as JSON status: phases, counts, duration, next run, and the tag push waiting", async () => {
    const status = await storeStatus(database.db, storeId, NOW);
    const last = status.recompute.last!;
    expect(last).toMatchObject({ state: "completed", trigger: "manual", error: null });
    expect(last.phases.map((p) => p.name)).toEqual([
      "aggregate",
      "score",
      "persist",
      "backtest",
      "intelligence",
      "products",
      "intelligence-write",
      "tag-diff",
    ]);
    expect(last.phases.every((p) => p.ms >= 0)).toBe(true);
    // The run's real duration: at least until its last phase ended (two of them may overlap), and not more than
    // this test has taken. Phases are listed in the order they started.
    const starts = last.phases.map((p) => p.startMs!);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const endMs = Math.max(...last.phases.map((p) => p.startMs! + p.ms));
    expect(last.durationMs).toBeGreaterThanOrEqual(endMs - 5);
    expect(last.durationMs).toBeLessThan(60_000);
    expect(last.counts.customers).toBe(status.customers);
    expect(status.tagPush.pending).toBe(last.counts.tagChanges);
    expect(status.recompute.next).toMatchObject({ hour: 3, timeZone: "Asia/Kolkata" });
    // A run that fails is reported with its error.
    await database.db.recomputeRun.create({
      data: { storeId, trigger: "nightly", state: "failed", error: "database is locked", finishedAt: NOW },
    });
    const failed = (await storeStatus(database.db, storeId, NOW)).recompute;
    expect(failed.last).toMatchObject({ state: "failed", error: "database is locked", phases: [], counts: {} });
    expect(failed.lastCompleted?.id).toBe(last.id);
    await database.db.recomputeRun.deleteMany({ where: { storeId, state: "failed" } });
  });

  it("plans nothing for customers whose confirmed tags already match", async () => {
    // Pretend the push confirmed every change, then recompute at the same moment: no tag changes.
    const items = await waiting();
    await database.db.customerLabels.createMany({
      data: items.map((i) => ({ storeId, customerId: i.customerId, tags: JSON.stringify(i.add) })),
    });
    await database.db.tagOutboxPage.updateMany({ where: { storeId }, data: { state: "settled" } });
    const run = await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
    expect(JSON.parse(run.counts).tagChanges).toBe(0);
    // The new plan replaced the previous run's pages, settled ones included.
    expect(await database.db.tagOutboxPage.count({ where: { storeId } })).toBe(0);
  });

  it("records segment transitions as time passes", async () => {
    const later = new Date(NOW.getTime() + 200 * 86_400_000);
    const before = new Map(
      (await database.db.customerScore.findMany({ where: { storeId } })).map((s) => [s.customerId, s.segment]),
    );
    const run = await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => later }, storeId, "nightly");
    const transitions = await database.db.segmentTransition.findMany({ where: { storeId } });
    expect(transitions.length).toBe(JSON.parse(run.counts).transitions);
    expect(transitions.length).toBeGreaterThan(50);
    for (const t of transitions.slice(0, 100)) expect(t.fromSegment).toBe(before.get(t.customerId));
    // RFM scores are relative to the store, but lifecycle stages measure each customer against the store's usual
    // gaps between orders: with 200 days and no new orders, customers slip toward At risk and Lost.
    for (const t of transitions) expect(t.fromSegment !== t.toSegment || t.fromStage !== t.toStage).toBe(true);
    const slipping = transitions.filter((t) => t.toStage === "lost" || t.toStage === "at-risk").length;
    expect(slipping).toBeGreaterThan(transitions.length / 2);
  });

  it("drops the score of a customer deleted since the last run, and only that one", async () => {
    const scored = await database.db.customerScore.findMany({ where: { storeId }, select: { customerId: true } });
    const gone = scored[7]!.customerId;
    await database.db.customer.update({ where: { id: gone }, data: { deletedAt: NOW } });
    try {
      // After every run of the tests above (one ran 200 days on).
      const later = new Date(NOW.getTime() + 201 * 86_400_000);
      await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => later }, storeId, "nightly");
      const after = await database.db.customerScore.findMany({ where: { storeId }, select: { customerId: true } });
      expect(after.map((s) => s.customerId).sort()).toEqual(
        scored
          .map((s) => s.customerId)
          .filter((id) => id !== gone)
          .sort(),
      );
    } finally {
      await database.db.customer.update({ where: { id: gone }, data: { deletedAt: null } });
    }
  });

  it("turns survey answers into nps and jtbd tags when the merchant pushes those families", async () => {
    const [a, b] = await database.db.customer.findMany({ where: { storeId }, take: 2, orderBy: { id: "asc" } });
    const answer = (customerId: string, orderExternalId: string, questionId: string, extra: object) =>
      database.db.surveyResponse.create({
        data: { storeId, customerId, orderExternalId, target: "thank-you", questionSet: "jtbd", questionId, ...extra },
      });
    await answer(a!.id, "9001", "nps", { score: 3 });
    await answer(a!.id, "9002", "nps", { score: 10 }); // the latest answer wins
    await answer(a!.id, "9001", "jtbd-job", { answerId: "hobby" });
    await answer(a!.id, "9001", "jtbd-alternatives", { answerId: "marketplace" }); // this question does not tag
    await answer(b!.id, "9003", "jtbd-job", { answerId: "other" }); // catch-alls make no tag
    await database.db.storeSettings.update({ where: { storeId }, data: { tagFamilies: "rfm,stage,clv,nps,jtbd" } });
    await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
    const planned = await waiting();
    expect(planned.find((i) => i.customerId === a!.id)?.add).toEqual(["ciclo:jtbd-hobby", "ciclo:nps-promoter"]);
    expect(planned.filter((i) => i.customerId === b!.id)).toEqual([]);
    await database.db.storeSettings.update({ where: { storeId }, data: { tagFamilies: "rfm,stage,clv" } });
  });

  it("applies the merchant's segment thresholds", async () => {
    await database.db.storeSettings.update({
      where: { storeId },
      data: { thresholds: JSON.stringify({ rfmBins: 3 }) },
    });
    await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "manual");
    const top = await database.db.customerScore.aggregate({ where: { storeId }, _max: { rScore: true, fScore: true } });
    expect(top._max).toEqual({ rScore: 3, fScore: 3 });
    await database.db.storeSettings.update({ where: { storeId }, data: { thresholds: null } });
  });

  it("skips an uninstalled store", async () => {
    await database.db.store.update({ where: { id: storeId }, data: { status: "uninstalled" } });
    const run = await recomputeStore({ db: database.db, bulk, dialect: kind, now: () => NOW }, storeId, "nightly");
    expect(run.state).toBe("skipped");
    await database.db.store.update({ where: { id: storeId }, data: { status: "installed" } });
  });

  it("reads each counted order once as a basket with its lines, also two orders of one customer at the same instant", async () => {
    // A second order at exactly the instant of an existing one, both with two product lines: the one read must not
    // merge or split them (the lines of an order come together whatever the ties).
    const existing = await database.db.order.findFirstOrThrow({
      where: {
        storeId,
        customerId: { not: null },
        countsForValue: true,
        netMinor: { gt: 0 },
        processedAt: { lte: NOW },
      },
      include: { lines: true },
    });
    await database.db.order.create({
      data: {
        storeId,
        externalId: "same-instant",
        customerId: existing.customerId,
        currency: existing.currency,
        grossMinor: 1500n,
        netMinor: 1500n,
        processedAt: existing.processedAt,
        platformCreatedAt: existing.processedAt,
        platformUpdatedAt: existing.processedAt,
        // As the order writer stores an order's product ids beside its lines.
        productIds: productIdsOf([{ productId: "p-one" }, { productId: "p-two" }]),
        lines: {
          create: ["p-one", "p-two"].map((productId, k) => ({
            storeId,
            externalId: `same-instant-${k}`,
            productId,
            title: productId,
            quantity: 1,
            priceMinor: 750n,
          })),
        },
      },
    });
    if (existing.lines.filter((l) => l.productId !== null).length < 2) {
      await database.db.orderLine.createMany({
        data: ["p-three", "p-four"].map((productId, k) => ({
          storeId,
          orderId: existing.id,
          externalId: `added-${k}`,
          productId,
          title: productId,
          quantity: 1,
          priceMinor: 100n,
        })),
      });
      const lines = await database.db.orderLine.findMany({ where: { orderId: existing.id } });
      await database.db.order.update({ where: { id: existing.id }, data: { productIds: productIdsOf(lines) } });
    }
    const table = await aggregate();
    const counted = countedOrders(storeId, NOW);
    const { baskets } = table;
    // One basket per counted order, and every product line of a counted order attached to one.
    expect(baskets.customer.length).toBe(await database.db.order.count({ where: counted }));
    expect(table.orders.reduce((a, b) => a + b, 0)).toBe(baskets.customer.length);
    expect(baskets.lineBasket.length).toBe(
      await database.db.orderLine.count({ where: { productId: { not: null }, order: counted } }),
    );
    // The customer with the two same-instant orders: their baskets hold exactly their orders' lines.
    const i = table.ids.indexOf(existing.customerId!);
    const stored = await database.db.order.findMany({
      where: { ...counted, customerId: existing.customerId },
      include: { lines: { where: { productId: { not: null } } } },
    });
    const linesPerBasket = new Map<number, string[]>();
    for (let k = 0; k < baskets.lineBasket.length; k++) {
      const b = baskets.lineBasket[k]!;
      if (baskets.customer[b] !== i) continue;
      linesPerBasket.set(b, [...(linesPerBasket.get(b) ?? []), baskets.productIds[baskets.lineProduct[k]!]!]);
    }
    const ofCustomer = baskets.customer.filter((c) => c === i).length;
    expect(ofCustomer).toBe(stored.length);
    const sorted = (lists: string[][]) => lists.map((l) => [...l].sort().join(",")).sort();
    expect(sorted([...linesPerBasket.values()])).toEqual(
      sorted(stored.map((o) => o.lines.map((l) => l.productId!)).filter((l) => l.length > 0)),
    );
    expect(table.orders[i]).toBe(stored.length);
  });

  it("names a product after its line in the greatest counted order id, the least external id among equals", async () => {
    const customer = await database.db.order.findFirstOrThrow({
      where: {
        storeId,
        customerId: { not: null },
        countsForValue: true,
        netMinor: { gt: 0 },
        processedAt: { lte: NOW },
      },
    });
    // Order ids chosen above every generated one; the greatest counted order holds the product twice, and a later
    // order that does not count (processed after the reference) must not name it.
    const orderWith = async (id: string, processedAt: Date, lines: [string, string | null][]) =>
      database.db.order.create({
        data: {
          id,
          storeId,
          externalId: id,
          customerId: customer.customerId,
          currency: customer.currency,
          grossMinor: 900n,
          netMinor: 900n,
          processedAt,
          platformCreatedAt: processedAt,
          platformUpdatedAt: processedAt,
          productIds: productIdsOf(lines.map(() => ({ productId: "p-renamed" }))),
          lines: {
            create: lines.map(([externalId, title]) => ({
              storeId,
              externalId,
              productId: "p-renamed",
              title,
              quantity: 1,
              priceMinor: 300n,
            })),
          },
        },
      });
    const before = new Date(NOW.getTime() - 86_400_000);
    await orderWith("zz-title-1", before, [["1", "First name"]]);
    await orderWith("zz-title-2", before, [
      ["b", "Second line's name"],
      ["a", "Latest name"],
    ]);
    await orderWith("zz-title-3", new Date(NOW.getTime() + 86_400_000), [["1", "Not counted yet"]]);
    const { baskets } = await aggregate();
    expect(baskets.titles[baskets.productIds.indexOf("p-renamed")]).toBe("Latest name");
    // A product whose naming line has no title is named after its id.
    await database.db.orderLine.updateMany({ where: { orderId: "zz-title-2" }, data: { title: null } });
    const untitled = await aggregate();
    expect(untitled.baskets.titles[untitled.baskets.productIds.indexOf("p-renamed")]).toBe("Product p-renamed");
  });
});

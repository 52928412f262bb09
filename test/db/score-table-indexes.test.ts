/**
 * The score table's segment and stage indexes exist on PostgreSQL, whose planner reads segments through them, and
 * not on SQLite, whose planner reads a segment's member page through the primary key either way
 * (docs/decisions/177-sqlite-score-rows-without-segment-indexes.md). Either way the segment counts and a member
 * page come out the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMembers } from "../../app/read-models/segment-members.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const SEGMENT_INDEXES = ["CustomerScore_storeId_segment_idx", "CustomerScore_storeId_stage_idx"];

describe.each(DB_KINDS)("score table indexes on %s", (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    for (const id of ["s1", "s2"])
      await database.db.store.create({ data: { id, platform: "shopify", domain: `${id}-scores.myshopify.com` } });
    const computedAt = new Date("2026-11-20T03:00:00Z");
    const row = (storeId: string, i: number) => ({
      storeId,
      customerId: `c${String(i).padStart(4, "0")}`,
      computedAt,
      orders: 1 + (i % 4),
      purchaseDays: 1 + (i % 4),
      monetaryMinor: BigInt(1_000 * (i + 1)),
      rScore: 1 + (i % 5),
      fScore: 1,
      mScore: 1,
      segment: i % 3 === 0 ? "champions" : "at-risk",
      stage: i % 2 === 0 ? "active" : "lapsing",
      historicClvMinor: BigInt(1_000 * (i + 1)),
      predictedClvMinor: BigInt(10 * i),
    });
    await database.db.customerScore.createMany({
      data: [
        ...Array.from({ length: 300 }, (_, i) => row("s1", i)),
        ...Array.from({ length: 50 }, (_, i) => row("s2", i)),
      ],
    });
  });
  afterAll(async () => {
    await database.drop();
  });

  it(kind === "sqlite" ? "has neither index" : "has both indexes", async () => {
    const names =
      kind === "sqlite"
        ? await database.db.$queryRawUnsafe<{ name: string }[]>(
            `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'CustomerScore'`,
          )
        : await database.db.$queryRawUnsafe<{ name: string }[]>(
            `SELECT indexname::text AS name FROM pg_indexes WHERE tablename = 'CustomerScore'`,
          );
    const present = SEGMENT_INDEXES.filter((index) => names.some((n) => n.name === index));
    expect(present).toEqual(kind === "sqlite" ? [] : SEGMENT_INDEXES);
  });

  it("counts a store's segments and pages its members alike", async () => {
    const counts = await database.db.customerScore.groupBy({
      by: ["segment"],
      where: { storeId: "s1" },
      _count: { _all: true },
    });
    expect(Object.fromEntries(counts.map((c) => [c.segment, c._count._all]))).toEqual({
      champions: 100,
      "at-risk": 200,
    });
    const page = await readMembers(database.db, "s1", "champions", {
      sort: "predicted-clv",
      direction: "desc",
      page: 2,
      stage: "active",
    });
    // Champions in stage "active": i divisible by 6, exactly 50 of them, so page 2 is empty and page 1 holds them
    // all, the highest predicted value first.
    expect(page.rows).toEqual([]);
    const first = await readMembers(database.db, "s1", "champions", {
      sort: "predicted-clv",
      direction: "desc",
      page: 1,
      stage: "active",
    });
    expect(first.rows.map((r) => r.customerId)).toEqual(
      Array.from({ length: 50 }, (_, k) => `c${String(294 - 6 * k).padStart(4, "0")}`),
    );
    expect(first.hasNext).toBe(false);
  });
});

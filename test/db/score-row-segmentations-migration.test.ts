/**
 * The migration that moves RFM groups and lifecycle stages from CustomerSegment rows into the score row, run on a
 * database holding rows as the release before it left them (SQLite and PostgreSQL): each score row takes its
 * previous key and since from the matching row, a row without one (or with a key the score row no longer has) takes
 * the score's time as since, the two segmentations' rows are gone and every other segmentation's stay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter } from "../../app/db/bulk-writer.server";
import { applyMigration, createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const MIGRATION = "20261205000000_score_row_segmentations";
const COMPUTED = new Date("2026-11-20T03:00:00Z");
const ENTERED = new Date("2026-08-02T03:00:00Z");

const SCORE_COLUMNS = [
  ["storeId", "text"],
  ["customerId", "text"],
  ["computedAt", "timestamp"],
  ["orders", "int"],
  ["purchaseDays", "int"],
  ["monetaryMinor", "bigint"],
  ["rScore", "int"],
  ["fScore", "int"],
  ["mScore", "int"],
  ["segment", "text"],
  ["stage", "text"],
  ["historicClvMinor", "bigint"],
] as const;
const SEGMENT_COLUMNS = [
  ["storeId", "text"],
  ["segmentationId", "text"],
  ["customerId", "text"],
  ["segmentKey", "text"],
  ["previousKey", "text"],
  ["since", "timestamp"],
  ["computedAt", "timestamp"],
] as const;
const columns = (list: readonly (readonly [string, string])[]) =>
  list.map(([name, type]) => ({ name, type: type as "text" | "int" | "bigint" | "timestamp" }));

describe.each(DB_KINDS)("moving RFM groups and stages into the score row on %s", (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind, { migrationsBefore: MIGRATION });
    for (const id of ["s1", "s2"])
      await database.db.store.create({ data: { id, platform: "shopify", domain: `${id}-migrate.myshopify.com` } });
    // Written raw: the Prisma client already knows the columns the migration adds.
    const bulk = createBulkWriter(database.db, database.url);
    const score = (storeId: string, customerId: string, segment: string, stage: string) =>
      [storeId, customerId, COMPUTED, 2, 2, 5000, 4, 3, 4, segment, stage, 5000] as unknown[];
    await bulk.write({ table: "CustomerScore", columns: columns(SCORE_COLUMNS) }, [
      score("s1", "moved", "champions", "repeat"),
      score("s1", "steady", "loyal", "active"),
      score("s1", "stale-row", "at-risk", "at-risk"),
      score("s1", "no-rows", "new", "new"),
      score("s2", "moved", "hibernating", "lost"),
    ]);
    const segment = (
      storeId: string,
      segmentationId: string,
      customerId: string,
      key: string,
      previous: string | null,
      since: Date,
    ) => [storeId, segmentationId, customerId, key, previous, since, since];
    await bulk.write({ table: "CustomerSegment", columns: columns(SEGMENT_COLUMNS) }, [
      segment("s1", "rfm", "moved", "champions", "loyal", ENTERED),
      segment("s1", "lifecycle", "moved", "repeat", "new", ENTERED),
      segment("s1", "rfm", "steady", "loyal", null, COMPUTED),
      segment("s1", "lifecycle", "steady", "active", null, COMPUTED),
      // A row whose key is not the score row's (written by an older run): it says nothing about the current key.
      segment("s1", "rfm", "stale-row", "loyal", "champions", ENTERED),
      segment("s1", "lifecycle", "stale-row", "active", "new", ENTERED),
      // The same customer id in another store keeps to its own store.
      segment("s2", "rfm", "moved", "hibernating", "about-to-sleep", ENTERED),
      // Another segmentation's rows are not the score row's business.
      segment("s1", "order-count", "moved", "many", "some", ENTERED),
      segment("s2", "order-count", "moved", "one", null, COMPUTED),
    ]);
    bulk.close();
    await applyMigration(database, MIGRATION);
  });
  afterAll(async () => {
    await database.drop();
  });

  it("fills previous key and since from the matching rows, and the score's time where no row matches", async () => {
    const rows = await database.db.customerScore.findMany({
      select: {
        storeId: true,
        customerId: true,
        previousSegment: true,
        segmentSince: true,
        previousStage: true,
        stageSince: true,
      },
      orderBy: [{ storeId: "asc" }, { customerId: "asc" }],
    });
    const t = (d: Date) => d.getTime();
    expect(
      rows.map((r) => [
        r.storeId,
        r.customerId,
        r.previousSegment,
        r.segmentSince && t(r.segmentSince),
        r.previousStage,
        r.stageSince && t(r.stageSince),
      ]),
    ).toEqual([
      ["s1", "moved", "loyal", t(ENTERED), "new", t(ENTERED)],
      ["s1", "no-rows", null, t(COMPUTED), null, t(COMPUTED)],
      ["s1", "stale-row", null, t(COMPUTED), null, t(COMPUTED)],
      ["s1", "steady", null, t(COMPUTED), null, t(COMPUTED)],
      ["s2", "moved", "about-to-sleep", t(ENTERED), null, t(COMPUTED)],
    ]);
  });

  it("deletes the RFM and lifecycle rows and keeps every other segmentation's", async () => {
    const rows = await database.db.customerSegment.findMany({
      select: { storeId: true, segmentationId: true, customerId: true, segmentKey: true },
      orderBy: [{ storeId: "asc" }],
    });
    expect(rows).toEqual([
      { storeId: "s1", segmentationId: "order-count", customerId: "moved", segmentKey: "many" },
      { storeId: "s2", segmentationId: "order-count", customerId: "moved", segmentKey: "one" },
    ]);
  });
});

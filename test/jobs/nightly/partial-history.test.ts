/**
 * No recompute on half a history. While a store's first full import runs, neither the schedule, nor a manual
 * request, nor a job already queued computes segments (they would tag half-synced customers, and Flow would act
 * on it). The import's completion triggers the first run, which records no transitions; a full re-import later
 * holds recomputes again and produces no phantom transitions either. On real SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { JobScheduler } from "../../../app/jobs/jobs.server";
import { RECOMPUTE_QUEUE } from "../../../app/jobs/queue/job-queue";
import { SqliteJobQueue } from "../../../app/jobs/queue/sqlite-queue.server";
import type { LabelWriterFactory } from "../../../app/jobs/tags/tag-outbox.server";
import { generateDemoHistory } from "../../../simulators/shopify";
import { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { importShop } from "../../support/store-fixture";

const END = new Date("2026-10-01T00:00:00Z");
// 14:00 in Rome, long past the 03:00 schedule hour, with no run today: the old rule made the nightly due at once.
const NOW = new Date("2026-10-01T12:00:00Z");
const history = generateDemoHistory({ seed: 5, customers: 300, targetOrders: 900, years: 2, end: END });

const noWriter: LabelWriterFactory = () => {
  throw new Error("no tag push in this test");
};

describe.each(DB_KINDS)("recompute and partial history on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let queue: SqliteJobQueue;
  let jobs: JobScheduler;
  let storeId: string;
  let shop: SimulatedShop;
  let clock: Date;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    clock = NOW;
    queue = new SqliteJobQueue(database.db, { now: () => clock });
    jobs = new JobScheduler({
      db: database.db,
      bulk,
      dialect: kind,
      queue,
      writerFor: noWriter,
      now: () => clock,
    });
    shop = new SimulatedShop({ domain: `partial-${kind}.myshopify.com`, timezone: "Europe/Rome", seed: 2 });
    shop.load(history);
    // Half the history is in; the install's full import is still running.
    storeId = (await importShop(database.db, shop, undefined, { limit: 450 })).store.id;
    await database.db.backfillRun.create({ data: { storeId, trigger: "install", state: "importing" } });
  });
  afterEach(async () => {
    await queue.stop();
    bulk.close();
    await database.drop();
  });

  const recomputeJobs = () => database.db.job.count({ where: { queue: RECOMPUTE_QUEUE } });

  it("runs nothing while the first import is incomplete, then a first run with no transitions", async () => {
    expect(await jobs.tick()).toBe(0);
    expect(await jobs.recomputeNow(storeId, "manual")).toBeNull();
    expect(await jobs.runRecompute(storeId, "nightly")).toBeNull(); // a job queued before: skipped, not run
    expect(await recomputeJobs()).toBe(0);
    expect(await database.db.recomputeRun.count()).toBe(0);
    expect(await jobs.nextRunAt(storeId)).toBeNull();

    // The import completes: the history is whole, and that completion queues the first run.
    const run = await database.db.backfillRun.findFirstOrThrow({ where: { storeId } });
    const done = await database.db.backfillRun.update({
      where: { id: run.id },
      data: { state: "completed", finishedAt: clock },
    });
    await jobs.onHistoryImported(done);
    expect(await recomputeJobs()).toBe(1);
    const first = await jobs.runRecompute(storeId, "backfill");
    expect(first?.state).toBe("completed");
    expect(JSON.parse(first!.counts)).toMatchObject({ transitions: 0, baseline: true });
    expect(await database.db.segmentTransition.count()).toBe(0);
    // That run counts as today's: the schedule does not start a second one an hour later.
    clock = new Date(NOW.getTime() + 3_600_000);
    expect(await jobs.tick()).toBe(0);

    // The next day's run compares with a run on the whole history: real movements are recorded.
    clock = new Date(NOW.getTime() + 90 * 86_400_000);
    const later = await jobs.runRecompute(storeId, "nightly");
    expect(JSON.parse(later!.counts).baseline).toBe(false);
    expect(JSON.parse(later!.counts).transitions).toBeGreaterThan(0); // 90 days on, customers have slipped
    expect(await database.db.segmentTransition.count()).toBe(JSON.parse(later!.counts).transitions);
  });

  it("holds recomputes during a full re-import, and the run after it records no phantom transitions", async () => {
    const run = await database.db.backfillRun.findFirstOrThrow({ where: { storeId } });
    await jobs.onHistoryImported(
      await database.db.backfillRun.update({ where: { id: run.id }, data: { state: "completed", finishedAt: clock } }),
    );
    await jobs.runRecompute(storeId, "backfill");

    // The merchant re-syncs the history: a full import runs again.
    clock = new Date(NOW.getTime() + 86_400_000);
    const reimport = await database.db.backfillRun.create({ data: { storeId, trigger: "manual", state: "running" } });
    // It brings the orders the first import lacked: many customers' scores change — corrections, not movements.
    await importShop(database.db, shop, storeId);
    expect(await jobs.tick()).toBe(0);
    expect(await jobs.recomputeNow(storeId, "manual")).toBeNull();
    expect(await jobs.runRecompute(storeId, "nightly")).toBeNull();

    await jobs.onHistoryImported(
      await database.db.backfillRun.update({
        where: { id: reimport.id },
        data: { state: "completed", finishedAt: clock },
      }),
    );
    const after = await jobs.runRecompute(storeId, "backfill");
    expect(JSON.parse(after!.counts)).toMatchObject({ transitions: 0, baseline: true });
    expect(await database.db.segmentTransition.count()).toBe(0);
  });

  it("an incremental import (reconciliation) neither completes a history nor triggers a run", async () => {
    await jobs.onHistoryImported({
      storeId,
      since: new Date(NOW.getTime() - 3_600_000),
      state: "completed",
      finishedAt: NOW,
    });
    expect((await database.db.store.findUniqueOrThrow({ where: { id: storeId } })).historyCompleteAt).toBeNull();
    expect(await recomputeJobs()).toBe(0);
  });
});

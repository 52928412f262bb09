/**
 * The app runs each recompute in a worker thread (its seconds of CPU and synchronous SQLite calls stay off the
 * request thread). The worker's run must be the same run: same scores as the in-thread pipeline, recorded the
 * same way, and a worker that dies leaves no run "running" for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { JobScheduler } from "../../../app/jobs/jobs.server";
import { markInterruptedRuns } from "../../../app/jobs/nightly/recompute.server";
import { SqliteJobQueue } from "../../../app/jobs/queue/sqlite-queue.server";
import type { LabelWriterFactory } from "../../../app/jobs/tags/tag-outbox.server";
import { generateDemoHistory } from "../../../simulators/shopify";
import { SimulatedShop } from "../../../simulators/shopify/store";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";
import { importShop } from "../../support/store-fixture";

const END = new Date("2026-10-01T00:00:00Z");
const NOW = new Date("2026-10-01T12:00:00Z");
const history = generateDemoHistory({ seed: 8, customers: 400, targetOrders: 1200, years: 2, end: END });
const noWriter: LabelWriterFactory = () => {
  throw new Error("no tag push in this test");
};

describe.each(DB_KINDS)("recompute in a worker thread on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let queue: SqliteJobQueue;
  let storeId: string;

  const jobs = (inWorker: boolean) =>
    new JobScheduler({
      db: database.db,
      bulk,
      dialect: kind,
      queue,
      writerFor: noWriter,
      now: () => NOW,
      ...(inWorker ? { recomputeWorker: { databaseUrl: database.url } } : {}),
    });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
    queue = new SqliteJobQueue(database.db, { now: () => NOW });
    const shop = new SimulatedShop({ domain: `worker-${kind}.myshopify.com`, timezone: "Europe/Rome", seed: 3 });
    shop.load(history);
    storeId = (await importShop(database.db, shop)).store.id;
    await database.db.store.update({ where: { id: storeId }, data: { historyCompleteAt: END } });
  });
  afterAll(async () => {
    await queue.stop();
    bulk.close();
    await database.drop();
  });

  const scores = async () =>
    (
      await database.db.customerScore.findMany({
        where: { storeId },
        orderBy: { customerId: "asc" },
        select: { customerId: true, segment: true, stage: true, predictedClvMinor: true, pAlive: true },
      })
    ).map((s) => ({ ...s, pAlive: s.pAlive === null ? null : Number(s.pAlive.toFixed(9)) }));

  it("writes the same scores as the in-thread pipeline and records the run", async () => {
    const inThread = await jobs(false).runRecompute(storeId, "manual");
    expect(inThread?.state).toBe("completed");
    const expected = await scores();
    expect(expected.length).toBeGreaterThan(300);

    const run = await jobs(true).runRecompute(storeId, "manual");
    expect(run?.state).toBe("completed");
    expect(run!.id).not.toBe(inThread!.id);
    expect(JSON.parse(run!.phases).map((p: { name: string }) => p.name)).toEqual(
      JSON.parse(inThread!.phases).map((p: { name: string }) => p.name),
    );
    expect(await scores()).toEqual(expected);
  });

  it("marks a run whose process died as interrupted, and the next run for the store goes ahead", async () => {
    // What a kill -9 leaves behind: a run still "running", its heartbeat two minutes old.
    const dead = await database.db.recomputeRun.create({
      data: {
        storeId,
        trigger: "nightly",
        state: "running",
        startedAt: new Date(NOW.getTime() - 180_000),
        heartbeatAt: new Date(NOW.getTime() - 120_000),
      },
    });
    const live = await database.db.recomputeRun.create({
      data: { storeId, trigger: "manual", state: "running", startedAt: NOW, heartbeatAt: NOW },
    });
    expect(await markInterruptedRuns(database.db, NOW)).toBe(1);
    expect((await database.db.recomputeRun.findUniqueOrThrow({ where: { id: dead.id } })).state).toBe("interrupted");
    expect((await database.db.recomputeRun.findUniqueOrThrow({ where: { id: live.id } })).state).toBe("running");
    // A new run for the store (one job per store at a time) settles whatever was left running.
    const next = await jobs(true).runRecompute(storeId, "nightly");
    expect(next?.state).toBe("completed");
    expect(await database.db.recomputeRun.count({ where: { storeId, state: "running" } })).toBe(0);
  });
});

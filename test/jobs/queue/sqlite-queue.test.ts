/** The embedded job queue on a real SQLite file: singleton per store, retries with backoff, crash recovery. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteJobQueue } from "../../../app/jobs/queue/sqlite-queue.server";
import { retryDelayMs } from "../../../app/jobs/queue/job-queue";
import { createTestDatabase, type TestDatabase } from "../../support/databases";

describe("SqliteJobQueue", () => {
  let database: TestDatabase;
  let clock: Date;
  let queue: SqliteJobQueue;
  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    clock = new Date("2026-11-24T03:00:00Z");
    queue = new SqliteJobQueue(database.db, { now: () => clock, pollMs: 60_000 });
  });
  afterEach(async () => {
    await queue.stop();
    await database.drop();
  });

  it("keeps one waiting job per store and runs each once", async () => {
    const ran: string[] = [];
    await queue.work("recompute", async ({ data }) => void ran.push(data.storeId));
    expect(await queue.send("recompute", { storeId: "a", trigger: "nightly" }, { singletonKey: "a" })).not.toBeNull();
    expect(await queue.send("recompute", { storeId: "a", trigger: "manual" }, { singletonKey: "a" })).toBeNull();
    expect(await queue.send("recompute", { storeId: "b", trigger: "nightly" }, { singletonKey: "b" })).not.toBeNull();
    await queue.drain();
    expect(ran.sort()).toEqual(["a", "b"]);
    expect(await database.db.job.count({ where: { state: "done" } })).toBe(2);
  });

  it("retries a failing job with growing delays, then gives up", async () => {
    let calls = 0;
    await queue.work("recompute", async () => {
      calls++;
      throw new Error("Shopify is down");
    });
    await queue.send("recompute", { storeId: "a", trigger: "nightly" }, { singletonKey: "a" });
    await queue.drain();
    expect(calls).toBe(1);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = await database.db.job.findFirstOrThrow();
      expect(job.state).toBe("queued");
      expect(job.runAt.getTime() - clock.getTime()).toBe(retryDelayMs(attempt));
      clock = job.runAt;
      await queue.drain();
    }
    expect(calls).toBe(4);
    const job = await database.db.job.findFirstOrThrow();
    expect(job.state).toBe("failed");
    expect(job.error).toMatch(/Shopify is down/);
  });

  it("re-queues a job left running by a process that died", async () => {
    await database.db.job.create({
      data: {
        queue: "recompute",
        storeId: "a",
        key: "a",
        payload: JSON.stringify({ storeId: "a", trigger: "nightly" }),
        state: "running",
        runAt: new Date(clock.getTime() - 3_700_000),
        lockedAt: new Date(clock.getTime() - 3_600_000),
      },
    });
    const ran: string[] = [];
    await queue.work("recompute", async ({ data }) => void ran.push(data.storeId));
    await queue.start();
    await queue.drain();
    expect(ran).toEqual(["a"]);
  });
});

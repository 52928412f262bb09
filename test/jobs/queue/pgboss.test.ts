/**
 * Two worker processes share one PostgreSQL through pg-boss: together they run a batch of stores, every store
 * exactly as often as it was accepted, and never one store twice at the same time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { PgBossJobQueue } from "../../../app/jobs/queue/pgboss-queue.server";
import { createTestDatabase, type TestDatabase } from "../../support/databases";

const ROOT = new URL("../../..", import.meta.url).pathname;

function startWorker(url: string, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/pgboss-worker.ts"], {
    cwd: ROOT,
    env: { ...process.env, PG_URL: url, WORKER_NAME: name, LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`worker ${name} exited with ${code}`)));
  });
}

describe("pg-boss on PostgreSQL with two worker processes", () => {
  let database: TestDatabase;
  let sender: PgBossJobQueue;
  let workers: ChildProcess[] = [];
  let log: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    log = new pg.Pool({ connectionString: database.url, max: 2 });
    await log.query(
      `CREATE TABLE job_log (job text, store text, worker text, started timestamptz, finished timestamptz)`,
    );
    sender = new PgBossJobQueue({ connectionString: database.url });
    await sender.start();
    await sender.send("recompute", { storeId: "warm-up", trigger: "test" }, { singletonKey: "warm-up" }); // creates the queue
    workers = await Promise.all([startWorker(database.url, "A"), startWorker(database.url, "B")]);
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)))));
    await sender.stop();
    await log.end();
    await database.drop();
  });

  it("splits a batch of stores between the workers, one job per store at a time", async () => {
    const stores = Array.from({ length: 24 }, (_, i) => `store-${i}`);
    const accepted = new Map<string, number>([["warm-up", 1]]);
    for (const store of stores) {
      // A second send while the first is still queued is refused (stately queue, singleton key = store).
      const first = await sender.send("recompute", { storeId: store, trigger: "nightly" }, { singletonKey: store });
      const second = await sender.send("recompute", { storeId: store, trigger: "nightly" }, { singletonKey: store });
      accepted.set(store, (first ? 1 : 0) + (second ? 1 : 0));
    }
    // Stores sent again while their first job is running: the second job waits for the first.
    for (let i = 0; i < 3; i++) {
      const store = `hot-${i}`;
      await sender.send("recompute", { storeId: store, trigger: "nightly" }, { singletonKey: store });
      for (let t = 0; t < 200; t++) {
        if ((await log.query(`SELECT 1 FROM job_log WHERE store = $1`, [store])).rowCount) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const again = await sender.send("recompute", { storeId: store, trigger: "manual" }, { singletonKey: store });
      expect(again).not.toBeNull();
      accepted.set(store, 2);
    }
    const expected = [...accepted.values()].reduce((a, b) => a + b, 0);
    const deadline = Date.now() + 60_000;
    let rows: Array<{ store: string; worker: string; started: Date; finished: Date }> = [];
    while (Date.now() < deadline) {
      rows = (await log.query(`SELECT store, worker, started, finished FROM job_log ORDER BY started`)).rows;
      if (rows.length >= expected && rows.every((r) => r.finished)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(rows.length).toBe(expected);
    // Every store ran exactly as often as it was accepted.
    for (const [store, times] of accepted) expect(rows.filter((r) => r.store === store).length, store).toBe(times);
    // Both processes did part of the work.
    expect(new Set(rows.map((r) => r.worker))).toEqual(new Set(["A", "B"]));
    // No store ran twice at once.
    for (const store of accepted.keys()) {
      const runs = rows.filter((r) => r.store === store);
      for (let i = 1; i < runs.length; i++)
        expect(runs[i]!.started.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finished.getTime());
    }
  }, 90_000);

  it("runs the job of a worker killed mid-job on the other worker within a minute", async () => {
    await sender.send("recompute", { storeId: "crash-0", trigger: "manual" }, { singletonKey: "crash-0" });
    let holder: string | undefined;
    for (let t = 0; t < 400 && !holder; t++) {
      holder = (await log.query(`SELECT worker FROM job_log WHERE store = 'crash-0'`)).rows[0]?.worker;
      if (!holder) await new Promise((r) => setTimeout(r, 50));
    }
    expect(holder).toBeDefined();
    const victim = workers[holder === "A" ? 0 : 1]!;
    const killedAt = Date.now();
    victim.kill("SIGKILL");
    await new Promise((r) => victim.once("exit", r));
    workers = workers.filter((w) => w !== victim);
    let rerun: { worker: string; finished: Date } | undefined;
    while (!rerun && Date.now() - killedAt < 110_000) {
      rerun = (
        await log.query(
          `SELECT worker, finished FROM job_log WHERE store = 'crash-0' AND finished IS NOT NULL ORDER BY started DESC`,
        )
      ).rows[0];
      if (!rerun) await new Promise((r) => setTimeout(r, 250));
    }
    expect(rerun?.worker).toBe(holder === "A" ? "B" : "A");
    // The dead worker's heartbeat is missed after 10 s, a supervision pass (every 10 s) fails the job, and its first
    // retry waits 15-30 s: 25-50 s. With 30 s heartbeats, 60 s passes and a 30 s delay it took 75-120 s.
    expect(rerun!.finished.getTime() - killedAt).toBeLessThan(70_000);
  }, 130_000);

  it("gives a tag push hours before it counts as abandoned, a recompute half an hour", async () => {
    await sender.send("push-tags", { storeId: "warm-up", trigger: "test" }, { singletonKey: "warm-up" });
    expect((await sender.boss.getQueue("push-tags"))?.expireInSeconds).toBe(6 * 3600);
    expect((await sender.boss.getQueue("recompute"))?.expireInSeconds).toBe(30 * 60);
  });
});

/**
 * A worker process for the pg-boss test: takes "recompute" jobs from the shared PostgreSQL queue and logs when
 * it starts and finishes each store (simulated work: 150 ms, 1 s for "hot-" stores; a "crash-" store's first attempt
 * never finishes, so the test can kill the process holding it). Exits on SIGTERM.
 */
import pg from "pg";
import { PgBossJobQueue } from "../../app/jobs/queue/pgboss-queue.server";

const url = process.env.PG_URL!;
const worker = process.env.WORKER_NAME!;
const log = new pg.Pool({ connectionString: url, max: 2 });
const queue = new PgBossJobQueue({ connectionString: url, pollingIntervalSeconds: 0.5 });
await queue.start();
await queue.work("recompute", async ({ id, data }) => {
  await log.query(`INSERT INTO job_log (job, store, worker, started) VALUES ($1, $2, $3, now())`, [
    id,
    data.storeId,
    worker,
  ]);
  const firstAttempt =
    data.storeId.startsWith("crash-") && (await log.query(`SELECT 1 FROM job_log WHERE job = $1`, [id])).rowCount === 1;
  await new Promise((r) => setTimeout(r, firstAttempt ? 600_000 : data.storeId.startsWith("hot-") ? 1000 : 150));
  await log.query(`UPDATE job_log SET finished = now() WHERE job = $1`, [id]);
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void queue
    .stop()
    .then(() => log.end())
    .then(() => process.exit(0));
});

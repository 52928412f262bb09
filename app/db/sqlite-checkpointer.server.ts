/**
 * Starts the WAL checkpoint thread for a SQLite database (sqlite-checkpoint-worker.ts): from source (tests, tsx)
 * through tsx, from the production build as the bundled build/server/sqlite-checkpoint-worker.js.
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { logger } from "../logger.server";

export interface Checkpointer {
  stop(): Promise<void>;
}

function entry(): { url: URL; execArgv: string[] } | null {
  const here = import.meta.url;
  if (/\.tsx?$/.test(new URL(here).pathname))
    return { url: new URL("./sqlite-checkpoint-worker.ts", here), execArgv: ["--import", "tsx"] };
  const bundled = new URL("./sqlite-checkpoint-worker.js", here);
  return existsSync(bundled) ? { url: bundled, execArgv: [] } : null;
}

export function startCheckpointer(databaseUrl: string, everyMs = 5_000): Checkpointer {
  const where = entry();
  if (!where) {
    logger.warn("sqlite checkpoint worker missing (run npm run build); the WAL grows until a nightly run");
    return { stop: async () => {} };
  }
  const worker = new Worker(where.url, { execArgv: where.execArgv, workerData: { databaseUrl, everyMs } });
  worker.on("error", (error) => logger.error("sqlite checkpoint worker failed", { error: String(error) }));
  worker.unref();
  return {
    stop: async () => {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("stop");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1_000))]);
      await worker.terminate();
    },
  };
}

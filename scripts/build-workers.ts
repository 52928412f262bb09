/**
 * Bundles the worker-thread entries beside the server bundle (build/server/), after `remix vite:build`:
 * Remix builds one server entry, and a worker thread needs a file of its own. Dependencies stay external,
 * resolved from node_modules as the server bundle's are.
 */
import { build } from "esbuild";

await build({
  entryPoints: {
    "recompute-worker": "app/jobs/nightly/recompute-worker.ts",
    // Loaded by the entry above once its thread runs at the lower priority.
    "recompute-worker-run": "app/jobs/nightly/recompute-worker-run.ts",
    // Started by the recompute for the products phase on large stores.
    "product-insights-worker": "app/jobs/nightly/product-insights-worker.ts",
    // Started by the recompute to read a slice of a large store's orders.
    "order-read-worker": "app/jobs/nightly/order-read-worker.ts",
    "sqlite-checkpoint-worker": "app/db/sqlite-checkpoint-worker.ts",
    // Started by each PostgreSQL bulk writer to send its COPY chunks.
    "pg-copy-worker": "app/db/pg-copy-worker.ts",
    // Started by the recompute's SQLite bulk writer to write its rows.
    "sqlite-write-worker": "app/db/sqlite-write-worker.ts",
  },
  outdir: "build/server",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  logLevel: "warning",
});

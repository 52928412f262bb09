/**
 * Production/demo HTTP server: the Remix build behind Express. Node 22 runs this file directly
 * (type stripping), so keep it to erasable TypeScript.
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";

const port = Number(process.env.PORT ?? 3000);

// Benchmarks: how long the event loop was blocked, per quarter second (JSON lines), to a file they name.
const loopStats = process.env.CICLO_LOOP_STATS_FILE;
if (loopStats) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  setInterval(() => {
    appendFileSync(loopStats, `${JSON.stringify({ t: Date.now(), maxMs: delay.max / 1e6 })}\n`);
    delay.reset();
  }, 250).unref();
}
const host = process.env.HOST ?? "127.0.0.1";
const build = (await import(new URL("./build/server/index.js", import.meta.url).href)) as ServerBuild;

const app = express();
app.disable("x-powered-by");
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = app.listen(port, host, () => {
  console.log(JSON.stringify({ level: "info", msg: "Ciclo listening", url: `http://${host}:${port}` }));
});
server.keepAliveTimeout = 65_000;

// Stop accepting, let requests in flight finish, drop idle keep-alive connections, and never hang a shutdown.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}

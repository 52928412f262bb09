/**
 * Production/demo HTTP server: the Remix build behind Express. Node 22 runs this file directly
 * (type stripping), so keep it to erasable TypeScript.
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import { createRequestHandler as createRemixHandler, type ServerBuild } from "@remix-run/node";
import { CLIENT_ADDRESS_HEADER, refuseEarly } from "./app/security/request-guard.server.ts";

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
const appUrl = process.env.SHOPIFY_APP_URL ?? `http://localhost:${port}`;
// Refusals that need only the request's head (cross-site form posts, oversize bodies) answer here, before Remix
// and before a byte of the body is read; the connection is closed so an unread body is not drained.
app.use((req, res, next) => {
  req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  // An answer sent before the body was read to its end (a 413 from a route reading it bounded, a 401 refused on
  // its headers) ends the connection: the rest of that body is not read, and the connection is not reused.
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
    if (args[0] === 413 || (!req.complete && hasBody(req))) closeUnreadBody(req, res);
    return writeHead.apply(this, args);
  } as typeof res.writeHead;
  const refusal = refuseEarly(
    {
      method: req.method,
      url: `${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`,
      headers: { get: (name: string) => req.get(name) ?? null },
    },
    appUrl,
  );
  if (!refusal) return next();
  closeUnreadBody(req, res);
  res.status(refusal.status).set({ "content-type": "text/plain; charset=utf-8" });
  res.end(refusal.message);
});

function hasBody(req: express.Request): boolean {
  const length = req.headers["content-length"];
  return length !== undefined ? length !== "0" : req.headers["transfer-encoding"] !== undefined;
}

/**
 * For an answer sent before the request's body was read (a 413, a refusal): the client is told not to reuse the
 * connection, and the connection is closed gently. Node closes a "Connection: close" socket right after the
 * answer, and closing with unread data in the receive buffer is a reset that can destroy the answer before the
 * client reads it; so the socket is half-closed instead, and what is still in flight is discarded until the client
 * closes, at most 16 MiB or 2 s, never the whole body. (A client busy writing reads the answer only once its send
 * buffer is full, a few MiB on loopback: a smaller cap resets the connection before it has seen the answer.)
 */
function closeUnreadBody(req: express.Request, res: express.Response): void {
  res.setHeader("connection", "close");
  const socket = req.socket;
  socket.destroySoon = function (this: typeof socket) {
    this.end();
    let discarded = 0;
    const close = () => this.destroy();
    const timer = setTimeout(close, 2_000);
    timer.unref();
    this.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > 16 * 1024 * 1024) {
        clearTimeout(timer);
        close();
      }
    });
    this.once("end", () => {
      clearTimeout(timer);
      close();
    });
    this.resume();
  };
}

app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));
// Errors Express meets before Remix (a path that is not valid percent-encoding): a client error answered 400 with no
// stack printed; anything else is a 500 logged by name only (its message may quote the URL, and URLs carry tokens).
app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
  if (res.headersSent) return next(error);
  const status = (error as { status?: unknown }).status;
  const clientError = typeof status === "number" && status >= 400 && status < 500;
  if (!clientError) {
    const name = error instanceof Error ? error.name : typeof error;
    console.error(JSON.stringify({ level: "error", msg: "request failed before the app", error: name }));
  }
  res.status(clientError ? status : 500).set({ "content-type": "text/plain; charset=utf-8" });
  res.end(clientError ? "Bad request" : "Internal error");
});

// Ready before listening (decision 154): the services started and the request path run once in-process, so the
// first deliveries a (re)started process accepts do not pay for its start-up. A health check sees it only then.
await (build.entry.module as { warmUp?: () => Promise<void> }).warmUp?.();
await createRemixHandler(build, process.env.NODE_ENV)(new Request(`${appUrl}/health`));

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

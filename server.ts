/**
 * Production/demo HTTP server: the Remix build behind Express. Node 22 runs this file directly
 * (type stripping), so keep it to erasable TypeScript.
 */
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { CLIENT_ADDRESS_HEADER, refuseEarly } from "./app/security/request-guard.server.ts";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const build = (await import(new URL("./build/server/index.js", import.meta.url).href)) as ServerBuild;

const app = express();
app.disable("x-powered-by");
const appUrl = process.env.SHOPIFY_APP_URL ?? `http://localhost:${port}`;
// Refusals that need only the request's head (cross-site form posts, oversize bodies) answer here, before Remix
// and before a byte of the body is read; the connection is closed so an unread body is not drained.
app.use((req, res, next) => {
  req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  // A body refused as too large (413, by a route reading it bounded) is not read to its end.
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
    if (args[0] === 413) closeUnreadBody(req, res);
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

/**
 * After answering a request whose body was not read: discard what is already in flight for a moment, so the client
 * reads the answer (closing a socket with unread data resets it, and the answer can be lost), then close the
 * connection instead of draining the rest of a body that may never end.
 */
function closeUnreadBody(req: express.Request, res: express.Response): void {
  res.once("finish", () => {
    if (req.complete) return;
    let discarded = 0;
    const close = () => req.socket.destroy();
    const timer = setTimeout(close, 2_000);
    timer.unref();
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > 1024 * 1024) {
        clearTimeout(timer);
        close();
      }
    });
    req.once("end", () => clearTimeout(timer));
    req.resume();
  });
}
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

/**
 * A webhook/callback receiver for tests (http or https with the simulator's certificate): records every request
 * with its raw body and answers with a status chosen per request.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** What the receiver answered. */
  status: number;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Decides the status for the n-th request (0-based); default 200. */
  respond: (request: Omit<ReceivedRequest, "status">, n: number) => number;
  close(): Promise<void>;
}

export async function startReceiver(options: { https?: boolean } = {}): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const receiver: Receiver = {
    url: "",
    received,
    respond: () => 200,
    close: async () => {},
  };
  const onRequest = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString("utf8"),
      };
      const status = receiver.respond(request, received.length);
      received.push({ ...request, status });
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(status < 300 ? "ok" : "no");
    });
  };
  const tls = new URL("./tls/", import.meta.url);
  const server: Server = options.https
    ? createHttpsServer(
        { key: readFileSync(new URL("key.pem", tls)), cert: readFileSync(new URL("cert.pem", tls)) },
        onRequest,
      )
    : createHttpServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `${options.https ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** Headers as a `get(name)` lookup, like the Fetch API's Headers. */
export function headerLookup(headers: IncomingHttpHeaders): { get(name: string): string | null } {
  return {
    get(name: string) {
      const v = headers[name.toLowerCase()];
      return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
    },
  };
}

export async function waitFor<T>(
  check: () => T | null | undefined | false,
  timeoutMs = 5000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The attack suite's harness: the built app as a real HTTP server (production mode, in-process workers on) on a
 * fresh SQLite or PostgreSQL database, plus the test's own Prisma client on the same database to set a scene and
 * to check afterwards that nothing changed. Attacks go over HTTP exactly as a browser or a script would send them.
 */
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import { startApp, type RunningApp } from "../../tools/app-process";
import { SecretBox } from "../../app/security/secret-box.server";
import { ensureBuilt } from "../../tools/app-build";
import { createTestDatabase, type DbKind, type TestDatabase } from "./databases";
import { buildWebhookRequest } from "../../simulators/shopify/webhooks";
import type { JsonObject } from "../../simulators/shopify/payloads";

export const API_SECRET = "security-suite-secret";
export const API_KEY = "security-suite-key";
export const FOREIGN_ORIGIN = "https://evil.example";

export interface SecureApp {
  kind: DbKind;
  url: string;
  database: TestDatabase;
  encryptionKey: Buffer;
  box: SecretBox;
  app: RunningApp;
  stop(): Promise<void>;
}

export async function startSecureApp(kind: DbKind, env: Record<string, string> = {}): Promise<SecureApp> {
  await ensureBuilt();
  const database = await createTestDatabase(kind);
  const encryptionKey = randomBytes(32);
  const app = await startApp({
    NODE_ENV: "production",
    DATABASE_URL: database.url,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_API_KEY: API_KEY,
    CICLO_ENCRYPTION_KEY: encryptionKey.toString("base64"),
    LOG_LEVEL: "error",
    ...env,
  });
  return {
    kind,
    url: app.url,
    database,
    encryptionKey,
    box: new SecretBox(encryptionKey),
    app,
    async stop() {
      await app.stop();
      await database.drop();
    },
  };
}

/** Another app process on the same database and keys (as behind a load balancer); stop it yourself. */
export function startSecondProcess(app: SecureApp, env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp({
    NODE_ENV: "production",
    DATABASE_URL: app.database.url,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_API_KEY: API_KEY,
    CICLO_ENCRYPTION_KEY: app.encryptionKey.toString("base64"),
    LOG_LEVEL: "error",
    CICLO_WORKERS: "off",
    ...env,
  });
}

/** A connected WooCommerce store as the connect flow leaves it (sealed secrets), with one customer and order. */
export async function createWooStore(app: SecureApp, domain = `shop-${randomBytes(3).toString("hex")}.example`) {
  const embedSecret = randomBytes(32).toString("base64url");
  const webhookSecret = randomBytes(32).toString("base64url");
  const store = await app.database.db.store.create({
    data: {
      platform: "woocommerce",
      domain,
      name: domain,
      baseUrl: `https://${domain}`,
      credentials: app.box.seal(
        JSON.stringify({ consumerKey: `ck_${"a".repeat(40)}`, consumerSecret: `cs_${"b".repeat(40)}` }),
      ),
      webhookSecret: app.box.seal(webhookSecret),
      embedSecret: app.box.seal(embedSecret),
      scopes: "read_write",
    },
  });
  const customer = await app.database.db.customer.create({
    data: { storeId: store.id, externalId: "501", email: "victim@example.com" },
  });
  await app.database.db.order.create({
    data: {
      storeId: store.id,
      externalId: "9001",
      customerId: customer.id,
      customerExternalId: "501",
      currency: "EUR",
      grossMinor: 1000n,
      netMinor: 1000n,
      processedAt: new Date(),
      platformCreatedAt: new Date(),
      platformUpdatedAt: new Date(),
    },
  });
  return { store, embedSecret, webhookSecret };
}

/** The plugin's embed token (`e1.<store>.<wpUser>.<expires>.<nonce>.<sig>`). */
export function embedToken(storeId: string, secret: string, expiresInS = 120, nonce = randomBytes(16).toString("hex")) {
  const payload = `e1.${storeId}.1.${Math.floor(Date.now() / 1000) + expiresInS}.${nonce}`;
  return `${payload}.${createHmac("sha256", secret).update(payload).digest("base64url")}`;
}

/** Signs in through `/woo/embed` like the plugin's iframe does; returns the `ciclo_woo=…` cookie pair. */
export async function wooSession(app: SecureApp, storeId: string, embedSecret: string): Promise<string> {
  const res = await fetch(`${app.url}/woo/embed?token=${embedToken(storeId, embedSecret)}`, { redirect: "manual" });
  if (res.status !== 302) throw new Error(`embed sign-in answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0]!;
}

/** A form POST as a browser sends it, from `origin` (null: a non-browser client with no Origin header). */
export function postForm(
  url: string,
  fields: Record<string, string>,
  options: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  return fetch(url, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

/** A Shopify webhook signed with the app's secret, POSTed to the running app. */
export async function sendShopifyWebhook(
  app: SecureApp,
  topic: string,
  shopDomain: string,
  payload: JsonObject,
  eventId?: string,
): Promise<number> {
  const signed = buildWebhookRequest({ topic, shopDomain, payload, secret: API_SECRET, eventId });
  const res = await fetch(`${app.url}/webhooks`, { method: "POST", headers: signed.headers, body: signed.body });
  await res.body?.cancel();
  return res.status;
}

/** Waits until the app's inbox processor has applied every receipt (none pending or claimed, but `except`). */
export async function inboxDrained(app: SecureApp, timeoutMs = 20_000, except: string[] = []): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const waiting = await app.database.db.webhookReceipt.count({
      where: { id: { notIn: except }, OR: [{ status: "pending" }, { status: { startsWith: "processing" } }] },
    });
    if (waiting === 0) return;
    if (Date.now() > until) throw new Error(`${waiting} webhook receipts still waiting`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RawResult {
  status: number | null;
  /** Bytes the client managed to write before the server answered or closed the connection. */
  sent: number;
  error: string | null;
}

/**
 * Streams a large body in chunks (chunked transfer encoding unless `contentLength` is given) and reports the
 * status the server answered and how much of the body it let us send before answering.
 */
export function streamBody(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    totalBytes: number;
    chunkBytes?: number;
    contentLength?: number;
  },
): Promise<RawResult> {
  const { hostname, port, pathname, search } = new URL(url);
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, 0x61);
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const finish = (result: RawResult) => {
      if (done) return;
      done = true;
      req.destroy();
      resolve(result);
    };
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.contentLength !== undefined) headers["content-length"] = options.contentLength;
    const req = http.request(
      { hostname, port, path: pathname + search, method: options.method ?? "POST", headers },
      (res) => {
        res.resume();
        finish({ status: res.statusCode ?? null, sent, error: null });
      },
    );
    req.on("error", (error) => finish({ status: null, sent, error: error.message }));
    const pump = () => {
      while (!done && sent < options.totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!done) req.end();
    };
    pump();
  });
}

/** A form POST over a connection from `localAddress` (any 127.x address), so tests can act as distinct clients. */
export function postFormFrom(
  localAddress: string,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port, pathname, search } = new URL(url);
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname,
        port,
        path: pathname + search,
        method: "POST",
        localAddress,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A stand-in "store" on loopback that counts what reaches it and answers with `handler`. */
export async function fakeStore(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ url: string; port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

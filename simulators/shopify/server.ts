/**
 * The local Shopify: an HTTP server with the Admin GraphQL endpoint per shop and the bulk result files.
 *
 *   POST /shops/{shop}.myshopify.com/admin/api/{version}/graphql.json   (X-Shopify-Access-Token required)
 *   POST /shops/{shop}.myshopify.com/admin/oauth/access_token           (refresh_token grant; see oauth.ts)
 *   GET  /files/{name}.jsonl                                           (bulk results; no auth, like a signed URL)
 *   POST /staged-uploads/                                              (multipart upload to a stagedUploadsCreate target)
 *
 * The app reroutes `https://{shop}/admin/api/...` to `${baseUrl}/shops/{shop}/admin/api/...`.
 */
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BulkOperations, type BulkOptions } from "./graphql/bulk";
import { BulkMutations } from "./graphql/bulk-mutation";
import { executeAdminGraphql, type GraphqlRequestBody } from "./graphql/executor";
import { ADMIN_API_VERSION, adminSchema } from "./graphql/schema";
import { StagedUploads, storageErrorXml } from "./graphql/staged-uploads";
import { LeakyBucket, PLAN_LIMITS } from "./graphql/throttle";
import type { ShopPlan } from "./model";
import { TokenClock } from "./oauth";
import { ShopRegistry, type CreateShopOptions, type SimulatedShop } from "./store";
import { WebhookSender, type WebhookSenderOptions } from "./webhooks";

export interface StartOptions {
  port?: number;
  host?: string;
  bulk?: BulkOptions;
  /** Time source for the leaky buckets, in ms (default performance.now); tests can drive it. */
  throttleNow?: () => number;
  /** When set, every shop created through the simulator delivers its webhooks with these options. */
  webhooks?: WebhookSenderOptions;
  /** The app's client credentials; when set, the token endpoint refuses other ones (401 invalid_client). */
  app?: { clientId: string; clientSecret: string };
}

export interface ShopApiStats {
  /** GraphQL requests (calls), including throttled ones. */
  requests: number;
  throttled: number;
  /** Sum of actual query costs charged. */
  pointsCharged: number;
  /** Requests per top-level field, e.g. { tagsAdd: 12, bulkOperation: 3 } (throttled ones included). */
  rootFields: Record<string, number>;
  /** Multipart uploads to staged upload targets. */
  uploads: number;
}

export interface ShopifySimulator {
  baseUrl: string;
  shops: ShopRegistry;
  bulk: BulkOperations;
  bulkMutations: BulkMutations;
  stagedUploads: StagedUploads;
  /** Present when started with `webhooks`. */
  webhooks: WebhookSender | null;
  createShop(opts?: CreateShopOptions): SimulatedShop;
  /** The app+shop leaky bucket (tests can inspect or drain it). */
  bucket(shopDomain: string): LeakyBucket;
  stats(shopDomain: string): ShopApiStats;
  /** Zeroes a shop's statistics (e.g. between a first and a second run). */
  resetStats(shopDomain: string): void;
  /** Changes a shop's plan; its bucket takes the new plan's size and restore rate (starting full). */
  setPlan(shopDomain: string, plan: ShopPlan): void;
  /** Token expiry time for every shop of this simulator; `advance` makes tokens run out. */
  tokenClock: TokenClock;
  /** `${baseUrl}/shops/{domain}/admin/api/2026-07/graphql.json` */
  graphqlUrl(shopDomain: string, version?: string): string;
  close(): Promise<void>;
}

const INVALID_TOKEN = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function start(options: StartOptions = {}): Promise<ShopifySimulator> {
  adminSchema(); // load once up front so the first request is not slow
  const tokenClock = new TokenClock();
  const shops = new ShopRegistry(tokenClock);
  let baseUrl = "";
  const bulk = new BulkOperations(() => baseUrl, options.bulk);
  const stagedUploads = new StagedUploads(() => baseUrl, bulk.dir);
  const bulkMutations = new BulkMutations(bulk, stagedUploads);
  const buckets = new Map<string, { plan: ShopPlan; bucket: LeakyBucket }>();
  const stats = new Map<string, ShopApiStats>();
  const webhooks = options.webhooks ? new WebhookSender(options.webhooks) : null;

  const bucketFor = (shop: SimulatedShop): LeakyBucket => {
    let b = buckets.get(shop.domain);
    if (!b || b.plan !== shop.info.plan) {
      b = { plan: shop.info.plan, bucket: new LeakyBucket(PLAN_LIMITS[shop.info.plan], options.throttleNow) };
      buckets.set(shop.domain, b);
    }
    return b.bucket;
  };
  const statsFor = (domain: string): ShopApiStats => {
    let s = stats.get(domain);
    if (!s) {
      s = { requests: 0, throttled: 0, pointsCharged: 0, rootFields: {}, uploads: 0 };
      stats.set(domain, s);
    }
    return s;
  };

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse, domain: string, version: string) => {
    const shop = shops.get(domain);
    if (!shop) return sendJson(res, 404, { errors: "Not Found" });
    if (!/^(\d{4}-\d{2}|unstable)$/.test(version)) return sendJson(res, 404, { errors: "Not Found" });
    const token = req.headers["x-shopify-access-token"];
    // Unknown, expired (60 min) and revoked (uninstalled) tokens all get the same 401.
    if (!shop.installed || shop.auth.check(typeof token === "string" ? token : undefined) !== "valid")
      return sendJson(res, 401, INVALID_TOKEN);
    const raw = await readBody(req);
    let body: GraphqlRequestBody;
    if ((req.headers["content-type"] ?? "").includes("application/graphql")) body = { query: raw };
    else {
      try {
        body = JSON.parse(raw) as GraphqlRequestBody;
      } catch {
        return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
      }
    }
    const s = statsFor(domain);
    s.requests++;
    const response = await executeAdminGraphql({
      ctx: { shop, bulk, staged: stagedUploads, bulkMutations },
      bucket: bucketFor(shop),
      body,
      observeRootFields: (names) => {
        for (const n of names) s.rootFields[n] = (s.rootFields[n] ?? 0) + 1;
      },
    });
    const cost = response.extensions?.cost as { actualQueryCost: number | null } | undefined;
    if (response.errors?.some((e) => e.extensions?.code === "THROTTLED")) s.throttled++;
    s.pointsCharged += cost?.actualQueryCost ?? 0;
    sendJson(res, 200, response, { "X-Shopify-API-Version": ADMIN_API_VERSION, "X-Request-Id": crypto.randomUUID() });
  };

  const handleToken = async (req: IncomingMessage, res: ServerResponse, domain: string) => {
    const shop = shops.get(domain);
    if (!shop) return sendJson(res, 404, { errors: "Not Found" });
    const raw = await readBody(req);
    let params: Record<string, string>;
    try {
      params = (req.headers["content-type"] ?? "").includes("application/json")
        ? (JSON.parse(raw) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return sendJson(res, 400, { error: "invalid_request" });
    }
    if (options.app && (params.client_id !== options.app.clientId || params.client_secret !== options.app.clientSecret))
      return sendJson(res, 401, { error: "invalid_client", error_description: "Client authentication failed" });
    if (params.grant_type !== "refresh_token")
      return sendJson(res, 400, {
        error: "unsupported_grant_type",
        error_description: "The local Shopify simulator answers only the refresh_token grant",
      });
    const tokens = shop.installed ? shop.auth.refreshGrant(String(params.refresh_token ?? "")) : null;
    if (!tokens)
      return sendJson(res, 400, {
        error: "invalid_grant",
        error_description: "The refresh token is invalid, expired, already used or revoked",
      });
    shop.info.accessToken = tokens.access_token;
    shop.info.refreshToken = tokens.refresh_token;
    sendJson(res, 200, tokens);
  };

  const handleFile = (res: ServerResponse, name: string) => {
    const f = bulk.file(name);
    if (f.status !== 200 || !("path" in f)) {
      res.writeHead(f.status, { "Content-Type": "application/xml; charset=UTF-8" });
      res.end("body" in f ? f.body : "");
      return;
    }
    res.writeHead(200, { "Content-Type": "application/jsonl" });
    createReadStream(f.path).pipe(res);
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse) => {
    // Google Cloud Storage, behind Shopify's staged targets, takes a POST object only with its length stated.
    if (req.headers["content-length"] === undefined) {
      req.resume();
      res.writeHead(411, { "Content-Type": "application/xml; charset=UTF-8" });
      res.end(storageErrorXml("MissingContentLength", "You must provide the Content-Length HTTP header."));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const result = await stagedUploads.receive(req.headers["content-type"] ?? "", Buffer.concat(chunks));
    if (result.shopDomain) statsFor(result.shopDomain).uploads++;
    res.writeHead(result.status, { "Content-Type": "application/xml; charset=UTF-8" });
    res.end(result.body);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/staged-uploads/" && req.method === "POST") {
      handleUpload(req, res).catch((e: unknown) => {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`simulator error: ${e instanceof Error ? e.message : String(e)}`);
      });
      return;
    }
    const oauth = /^\/shops\/([^/]+)\/admin\/oauth\/access_token$/.exec(url.pathname);
    if (oauth && req.method === "POST") {
      handleToken(req, res, decodeURIComponent(oauth[1] as string)).catch((e: unknown) => {
        sendJson(res, 500, { errors: `simulator error: ${e instanceof Error ? e.message : String(e)}` });
      });
      return;
    }
    const gql = /^\/shops\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    if (gql && req.method === "POST") {
      handleGraphql(req, res, decodeURIComponent(gql[1] as string), gql[2] as string).catch((e: unknown) => {
        sendJson(res, 500, { errors: [{ message: `simulator error: ${e instanceof Error ? e.message : String(e)}` }] });
      });
      return;
    }
    const file = /^\/files\/([A-Za-z0-9_-]+)\.jsonl$/.exec(url.pathname);
    if (file && req.method === "GET") return handleFile(res, file[1] as string);
    sendJson(res, 404, { errors: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${address.port}`;

  return {
    baseUrl,
    shops,
    bulk,
    bulkMutations,
    stagedUploads,
    webhooks,
    tokenClock,
    createShop(opts = {}) {
      const shop = shops.create(opts);
      webhooks?.attach(shop);
      return shop;
    },
    bucket(domain) {
      const shop = shops.get(domain);
      if (!shop) throw new Error(`unknown shop ${domain}`);
      return bucketFor(shop);
    },
    stats: statsFor,
    resetStats(domain) {
      stats.delete(domain);
    },
    setPlan(domain, plan) {
      const shop = shops.get(domain);
      if (!shop) throw new Error(`unknown shop ${domain}`);
      shop.info.plan = plan;
    },
    graphqlUrl: (domain, version = ADMIN_API_VERSION) => `${baseUrl}/shops/${domain}/admin/api/${version}/graphql.json`,
    async close() {
      bulk.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

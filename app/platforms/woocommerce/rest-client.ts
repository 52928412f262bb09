/**
 * A thin, safe wrapper over the official `@woocommerce/woocommerce-rest-api` client. The package chooses the
 * auth the way WooCommerce requires: Basic auth (or `consumer_key`/`consumer_secret` query parameters) over
 * https, OAuth 1.0a one-legged signing over plain http. This wrapper adds what the package lacks:
 * - a per-request timeout and retries with backoff on 429, 5xx and network failures (honouring Retry-After);
 *   POSTs are only retried when the caller says they are idempotent (a webhook create is not);
 * - errors that carry the status and WooCommerce's error code but never the URL, headers or keys (the URL
 *   holds the OAuth signature or the query-string keys);
 * - the pagination headers (X-WP-Total, X-WP-TotalPages) and the server's Date, read once;
 * - connections only to public addresses (checked after DNS resolution, on every connection) unless the caller
 *   allows private ones, and response bodies capped (a "store" that streams gigabytes is cut off).
 */
import * as wooRestApiModule from "@woocommerce/woocommerce-rest-api";
import { ADDRESS_REFUSED_CODE, MAX_STORE_RESPONSE_BYTES, outboundAgents } from "../../security/outbound.server";
import { isObject, str } from "../json";

type WooRestApiClass = typeof import("@woocommerce/woocommerce-rest-api").default;
type WooRestApi = InstanceType<WooRestApiClass>;

/** The package is CommonJS with `exports.default`; Node's ESM loader and Vite's interop disagree on the shape. */
function wooRestApiClass(): WooRestApiClass {
  const imported = (wooRestApiModule as unknown as { default: WooRestApiClass | { default: WooRestApiClass } }).default;
  return typeof imported === "function" ? imported : imported.default;
}

export interface WooCredentials {
  /** The store's home URL, e.g. https://shop.example (the REST API is at /wp-json/wc/v3). */
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

export interface WooClientOptions extends WooCredentials {
  /** Per attempt; default 30 s (WooCommerce answers slow stores' POSTs in seconds). */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  /** First backoff; doubled per retry with jitter; default 500 ms. */
  retryBaseMs?: number;
  /** Extra trusted CA certificate(s) for https stores with their own CA (test stores). */
  ca?: string | Buffer;
  /** https only: send the keys as query parameters instead of Basic auth (for hosts that drop Authorization). */
  queryStringAuth?: boolean;
  /** Allow loopback and private addresses (development and the live test against a local store); default false. */
  allowPrivateAddresses?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

export interface WooResponse<T = unknown> {
  status: number;
  data: T;
  /** X-WP-Total / X-WP-TotalPages on collections, else null. */
  total: number | null;
  totalPages: number | null;
  /** The store's clock (Date header): `modified_after` is compared with it, not with ours. */
  serverDate: Date | null;
}

export type WooParams = Record<string, string | number | boolean | readonly (string | number)[]>;

export interface WooRequestOptions {
  /** Allows retrying a POST (e.g. batch updates that set the same values again). */
  idempotent?: boolean;
}

export interface WooClient {
  readonly storeUrl: string;
  readonly transport: "basic-auth" | "query-string" | "oauth1";
  /** HTTP requests made so far, retries included. */
  readonly requestCount: number;
  get<T = unknown>(path: string, params?: WooParams): Promise<WooResponse<T>>;
  post<T = unknown>(path: string, body: unknown, options?: WooRequestOptions): Promise<WooResponse<T>>;
  put<T = unknown>(path: string, body: unknown): Promise<WooResponse<T>>;
  delete<T = unknown>(path: string, params?: WooParams): Promise<WooResponse<T>>;
}

/** A failed call; the message is safe to log and to show (no keys, no signed URL). */
export class WooApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** WooCommerce's error code, e.g. woocommerce_rest_cannot_view; or a network code such as ECONNREFUSED. */
    readonly code: string | null,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "WooApiError";
  }
}

interface RawResponse {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}

type Method = "get" | "post" | "put" | "delete";

export function createWooClient(options: WooClientOptions): WooClient {
  const storeUrl = options.storeUrl.replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/i.test(storeUrl)) throw new Error("store URL must start with http:// or https://");
  const https = /^https:/i.test(storeUrl);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 3;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const WooCommerceRestApi = wooRestApiClass();
  const agents = outboundAgents({ allowPrivate: options.allowPrivateAddresses, ca: https ? options.ca : undefined });
  const api: WooRestApi = new WooCommerceRestApi({
    url: storeUrl,
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret,
    version: "wc/v3",
    queryStringAuth: options.queryStringAuth ?? false,
    timeout: timeoutMs,
    axiosConfig: {
      // We judge statuses ourselves, and never follow redirects: a signed request or Basic credentials must not
      // be replayed to another URL (an http -> https redirect means the store URL should be https).
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: MAX_STORE_RESPONSE_BYTES,
      maxBodyLength: MAX_STORE_RESPONSE_BYTES,
      ...agents,
    },
  });
  let requestCount = 0;

  async function call<T>(method: Method, path: string, body: unknown, params: WooParams, retryPost: boolean) {
    const endpoint = path.replace(/^\/+/, "");
    const label = endpoint.split("?")[0]!;
    for (let attempt = 0; ; attempt++) {
      requestCount++;
      let raw: RawResponse;
      try {
        raw = (await send(api, method, endpoint, body, params)) as RawResponse;
      } catch (error) {
        const code = networkCode(error);
        const final = code === "address not allowed" || code === "response too large";
        if (!final && attempt < maxRetries && (method !== "post" || retryPost || code === "ECONNREFUSED")) {
          await sleep(backoff(attempt, retryBaseMs, null));
          continue;
        }
        throw new WooApiError(`${method.toUpperCase()} ${label} failed: ${code}`, null, code, method, label);
      }
      if (raw.status >= 200 && raw.status < 300) return toResponse<T>(raw);
      const retryable = raw.status === 429 || raw.status >= 500;
      const postSafe = retryPost || raw.status === 429 || raw.status === 503;
      if (retryable && attempt < maxRetries && (method !== "post" || postSafe)) {
        await sleep(backoff(attempt, retryBaseMs, header(raw.headers, "retry-after")));
        continue;
      }
      const wooCode = str(raw.data, "code");
      const wooMessage = str(raw.data, "message");
      const redirect =
        raw.status >= 300 && raw.status < 400 ? ` (redirected to ${header(raw.headers, "location")})` : "";
      throw new WooApiError(
        `${method.toUpperCase()} ${label} -> ${raw.status}${wooCode ? ` ${wooCode}` : ""}${wooMessage ? `: ${wooMessage}` : ""}${redirect}`,
        raw.status,
        wooCode,
        method,
        label,
      );
    }
  }

  return {
    storeUrl,
    transport: https ? (options.queryStringAuth ? "query-string" : "basic-auth") : "oauth1",
    get requestCount() {
      return requestCount;
    },
    get: (path, params = {}) => call("get", path, null, params, true),
    post: (path, body, requestOptions = {}) => call("post", path, body, {}, requestOptions.idempotent ?? false),
    put: (path, body) => call("put", path, body, {}, true),
    delete: (path, params = {}) => call("delete", path, null, params, true),
  };
}

function send(api: WooRestApi, method: Method, endpoint: string, body: unknown, params: WooParams): Promise<unknown> {
  // The package expands object params as key[prop]=value; arrays must go as comma lists (WooCommerce accepts them).
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) flat[key] = Array.isArray(value) ? value.join(",") : String(value);
  switch (method) {
    case "get":
      return api.get(endpoint, flat);
    case "delete":
      return api.delete(endpoint, flat);
    case "post":
      return api.post(endpoint, body, flat);
    case "put":
      return api.put(endpoint, body, flat);
  }
}

function toResponse<T>(raw: RawResponse): WooResponse<T> {
  const total = header(raw.headers, "x-wp-total");
  const pages = header(raw.headers, "x-wp-totalpages");
  const date = header(raw.headers, "date");
  const serverDate = date ? new Date(date) : null;
  return {
    status: raw.status,
    data: raw.data as T,
    total: total !== null && /^\d+$/.test(total) ? Number(total) : null,
    totalPages: pages !== null && /^\d+$/.test(pages) ? Number(pages) : null,
    serverDate: serverDate && !Number.isNaN(serverDate.getTime()) ? serverDate : null,
  };
}

function header(headers: Record<string, unknown>, name: string): string | null {
  const value = headers[name]; // axios lower-cases header names
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

function backoff(attempt: number, baseMs: number, retryAfter: string | null): number {
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
  if (seconds !== null) return Math.min(seconds, 60) * 1000;
  const exp = baseMs * 2 ** attempt;
  return Math.min(exp / 2 + Math.random() * (exp / 2), 30_000);
}

/** axios errors carry the request config (keys, signed URL); we keep only the error code. */
function networkCode(error: unknown): string {
  const code = isObject(error) ? str(error, "code") : null;
  const message = isObject(error) ? (str(error, "message") ?? "") : "";
  if (code === "ECONNABORTED" || code === "ETIMEDOUT") return "timeout";
  if (code === ADDRESS_REFUSED_CODE || message.includes("address not allowed")) return "address not allowed";
  if (/maxContentLength/.test(message)) return "response too large";
  return code ?? "network error";
}

/**
 * Connecting a store with WooCommerce's own key exchange (`/wc-auth/v1/authorize`): the merchant approves
 * Ciclo in wp-admin, WooCommerce creates a REST key, POSTs it as JSON to `callback_url` (which must be https
 * and must answer exactly 200, or WooCommerce deletes the key again), then sends the merchant to
 * `return_url?success=1&user_id=…` (`success=0` when denied). `user_id` is ours: an opaque connect-attempt id
 * that WooCommerce echoes back unchanged, as a string.
 */
import { z } from "zod";
import { idFromGid } from "../json";
import type { WooClient } from "./rest-client";
import { WooApiError } from "./rest-client";

export interface AuthorizeUrlInput {
  storeUrl: string;
  appName: string;
  /** Opaque id of this connect attempt; comes back in the callback body and on the return URL. */
  userId: string;
  returnUrl: string;
  callbackUrl: string;
}

export function buildAuthorizeUrl(input: AuthorizeUrlInput): string {
  const store = normalizeStoreUrl(input.storeUrl);
  if (!/^https:\/\//i.test(input.callbackUrl)) throw new Error("WooCommerce requires an https callback_url");
  if (!/^https?:\/\//i.test(input.returnUrl)) throw new Error("return_url must be an absolute http(s) URL");
  if (!input.userId || !input.appName) throw new Error("appName and userId are required");
  const url = new URL(`${store}/wc-auth/v1/authorize`);
  url.searchParams.set("app_name", input.appName);
  url.searchParams.set("scope", "read_write");
  url.searchParams.set("user_id", input.userId);
  url.searchParams.set("return_url", input.returnUrl);
  url.searchParams.set("callback_url", input.callbackUrl);
  return url.toString();
}

/** "shop.example/" or "https://shop.example/" -> "https://shop.example" (https unless http is explicit). */
export function normalizeStoreUrl(storeUrl: string): string {
  const trimmed = storeUrl.trim().replace(/\/+$/, "");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const url = new URL(withScheme);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("store URL must be http(s)");
  if (url.username || url.password || url.search || url.hash) throw new Error("store URL must be a plain address");
  if (!plausibleHost(url.hostname)) throw new Error("store URL must be a web address such as shop.example");
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;

/** A domain name with a real top-level part, an IP address, or localhost (development stores). */
function plausibleHost(hostname: string): boolean {
  if (hostname === "localhost") return true;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith("[")) return true;
  return DOMAIN.test(hostname);
}

export type KeyPermissions = "read" | "write" | "read_write";

export interface WooKeyExchangeCallback {
  keyId: number;
  userId: string;
  consumerKey: string;
  consumerSecret: string;
  keyPermissions: KeyPermissions;
}

/** A JSON string, or a finite number as text (WooCommerce echoes ids either way); anything else is absent. */
const looseText = z
  .unknown()
  .transform((v) => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null));

/** `key_id` as a safe integer, a numeric string or a gid; anything else is absent. */
const looseId = z.unknown().transform((v) => {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : null;
  const numeric = typeof v === "string" ? idFromGid(v) : null;
  return numeric ? Number(numeric) : null;
});

const CONSUMER_KEY = /^ck_[0-9a-f]{40}$/;
const CONSUMER_SECRET = /^cs_[0-9a-f]{40}$/;

/**
 * The callback body. Fields are listed in the order their problems are reported: the first issue is the reason
 * given (WooCommerce only sees the status; the merchant's return page shows the reason).
 */
function callbackSchema(expectedUserId: string | undefined) {
  return z.object(
    {
      key_id: looseId.refine((keyId) => keyId !== null && keyId > 0, "key_id missing"),
      user_id: looseText
        .refine((userId) => !!userId, { error: "user_id missing", abort: true })
        .refine((userId) => expectedUserId === undefined || userId === expectedUserId, "user_id does not match"),
      consumer_key: looseText.refine((key) => !!key && CONSUMER_KEY.test(key), "consumer_key malformed"),
      consumer_secret: looseText.refine((key) => !!key && CONSUMER_SECRET.test(key), "consumer_secret malformed"),
      key_permissions: looseText.refine((permissions) => permissions === "read_write", {
        error: (issue) => `key_permissions is ${(issue.input as string | null) ?? "missing"}; Ciclo needs read_write`,
      }),
    },
    { error: "callback body is not a JSON object" },
  );
}

/** Validates the callback POST body; `expectedUserId` ties it to the connect attempt we started. */
export function parseKeyExchangeCallback(
  body: unknown,
  expectedUserId?: string,
): { ok: true; value: WooKeyExchangeCallback } | { ok: false; reason: string } {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, reason: "callback body is not JSON" };
    }
  }
  const result = callbackSchema(expectedUserId).safeParse(parsed);
  if (!result.success) return { ok: false, reason: result.error.issues[0]!.message };
  const { key_id, user_id, consumer_key, consumer_secret } = result.data;
  return {
    ok: true,
    value: {
      keyId: key_id!,
      userId: user_id!,
      consumerKey: consumer_key!,
      consumerSecret: consumer_secret!,
      keyPermissions: "read_write",
    },
  };
}

export type CredentialCheck = { ok: true; ordersVisible: number | null } | { ok: false; reason: string };

/**
 * Rejects keys that cannot read orders, with a reason to show the merchant. One cheap request
 * (`GET /orders?per_page=1`). Write access is proven later by the first webhook registration.
 */
export async function checkCredentials(client: WooClient): Promise<CredentialCheck> {
  try {
    const res = await client.get<unknown>("orders", { per_page: 1 });
    if (!Array.isArray(res.data)) return { ok: false, reason: "the store did not answer with a list of orders" };
    return { ok: true, ordersVisible: res.total };
  } catch (error) {
    if (!(error instanceof WooApiError)) throw error;
    if (error.status === 401 || error.status === 403) {
      return { ok: false, reason: `these keys can't read orders: ${explain(error)}` };
    }
    if (error.status === 404) {
      return {
        ok: false,
        reason: "no WooCommerce REST API at this address (is WooCommerce active, are permalinks on?)",
      };
    }
    // Only what the merchant can act on: never the remote server's own words or a network error code, which
    // would turn the connect form into a probe of whatever answers at that address.
    if (error.status === null) return { ok: false, reason: "the store could not be reached" };
    return { ok: false, reason: `the store answered HTTP ${error.status}, not like WooCommerce` };
  }
}

function explain(error: WooApiError): string {
  switch (error.code) {
    case "woocommerce_rest_cannot_view":
      return error.status === 403
        ? "the WordPress user who owns them may not view orders (use a shop manager or administrator)"
        : "WooCommerce did not recognise them (unknown key, or keys sent over plain http without a signature)";
    case "woocommerce_rest_authentication_error":
      // WooCommerce's own explanation ("Consumer secret is invalid."), short and printable only.
      return error.message
        .replace(/^.*?: /, "")
        .replace(/[^\x20-\x7e]/g, "")
        .slice(0, 160);
    default:
      return `WooCommerce refused them (HTTP ${error.status})`;
  }
}

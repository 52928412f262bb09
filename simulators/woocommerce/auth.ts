/**
 * WC_REST_Authentication, reproduced: over SSL (https, or X-Forwarded-Proto: https when the site honours it)
 * the keys may come as `consumer_key`/`consumer_secret` query parameters or Basic auth; otherwise only OAuth
 * 1.0a one-legged signing is tried (parameters from the query string, a form body or an `Authorization: OAuth`
 * header). An unknown key in Basic auth is not an error by itself: the request goes on unauthenticated and the
 * endpoint answers 401 woocommerce_rest_cannot_view, exactly like the real store. Then the key's permissions
 * are checked against the HTTP method.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { SimApiKey, SimStore } from "./store";

export interface RestError {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** What authentication looks at: the form body only when the request is application/x-www-form-urlencoded. */
export interface AuthRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  formBody: URLSearchParams | null;
}

export type AuthResult = { key: SimApiKey | null } | { error: RestError };

const OAUTH_REQUIRED = [
  "oauth_consumer_key",
  "oauth_timestamp",
  "oauth_nonce",
  "oauth_signature",
  "oauth_signature_method",
];

export function authenticate(store: SimStore, request: AuthRequest, ssl: boolean): AuthResult {
  let key: SimApiKey | null = null;
  if (ssl) {
    const basic = basicCredentials(request.query, request.headers["authorization"]);
    if (basic) {
      const found = store.keyByConsumerKey(basic.key);
      if (found) {
        if (!safeEqual(found.consumerSecret, basic.secret)) {
          return {
            error: {
              status: 401,
              code: "woocommerce_rest_authentication_error",
              message: "Consumer secret is invalid.",
              headers: {
                "WWW-Authenticate":
                  'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."',
              },
            },
          };
        }
        key = found;
      }
    }
  }
  if (!key) {
    const oauth = oauthAuthenticate(store, request, ssl);
    if ("error" in oauth) return oauth;
    key = oauth.key;
  }
  if (key) {
    const denied = permissionError(key, request.method);
    if (denied) return { error: denied };
  }
  return { key };
}

function basicCredentials(
  query: URLSearchParams,
  header: string | string[] | undefined,
): { key: string; secret: string } | null {
  const qk = query.get("consumer_key");
  const qs = query.get("consumer_secret");
  if (qk && qs) return { key: qk, secret: qs };
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^basic /i.test(value)) return null;
  const decoded = Buffer.from(value.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function permissionError(key: SimApiKey, method: string): RestError | null {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD") {
    if (key.permissions !== "read" && key.permissions !== "read_write")
      return {
        status: 401,
        code: "woocommerce_rest_authentication_error",
        message: "The API key provided does not have read permissions.",
      };
  } else if (["POST", "PUT", "PATCH", "DELETE"].includes(m)) {
    if (key.permissions !== "write" && key.permissions !== "read_write")
      return {
        status: 401,
        code: "woocommerce_rest_authentication_error",
        message: "The API key provided does not have write permissions.",
      };
  } else if (m !== "OPTIONS") {
    return { status: 401, code: "woocommerce_rest_authentication_error", message: "Unknown request method." };
  }
  return null;
}

/** A PHP-style parameter tree: `a[]=1&a[]=2` and `a[x]=1` become nested, as $_GET would be. */
type PhpValue = string | { [key: string]: PhpValue };

function phpParams(pairs: Iterable<[string, string]>): Record<string, PhpValue> {
  const out: Record<string, PhpValue> = {};
  for (const [rawKey, value] of pairs) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(rawKey);
    if (!m) {
      out[rawKey] = value;
      continue;
    }
    let node = (out[m[1]!] = typeof out[m[1]!] === "object" ? out[m[1]!]! : {}) as Record<string, PhpValue>;
    const parts = [...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1]!);
    parts.forEach((part, i) => {
      const k = part === "" ? String(Object.keys(node).length) : part;
      if (i === parts.length - 1) node[k] = value;
      else node = (node[k] = typeof node[k] === "object" ? node[k]! : {}) as Record<string, PhpValue>;
    });
  }
  return out;
}

/** rawurlencode() (RFC 3986), as wc_rest_urlencode_rfc3986 does. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** join_with_equals_sign over normalized (encoded) parameters. */
function joinWithEquals(params: Record<string, PhpValue>, prefix = ""): string[] {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}%5B${k}%5D` : k;
    if (typeof v === "object") parts.push(...joinWithEquals(v, key));
    else parts.push(rfc3986(`${key}=${v}`));
  }
  return parts;
}

function encodeTree(value: PhpValue): PhpValue {
  if (typeof value === "string") return rfc3986(value);
  const out: Record<string, PhpValue> = {};
  for (const [k, v] of Object.entries(value)) out[rfc3986(k)] = encodeTree(v);
  return out;
}

/** The string WooCommerce signs: METHOD & rawurlencode(home_url(path)) & encoded sorted parameters. */
export function oauthBaseString(method: string, baseUrl: string, params: Record<string, PhpValue>): string {
  const sorted = Object.keys(params)
    .sort(strcmp)
    .map((k) => [rfc3986(k), encodeTree(params[k]!)] as const);
  const normalized: Record<string, PhpValue> = {};
  for (const [k, v] of sorted) normalized[k] = v;
  return `${method.toUpperCase()}&${rfc3986(baseUrl)}&${joinWithEquals(normalized).join("%26")}`;
}

function oauthAuthenticate(store: SimStore, request: AuthRequest, ssl: boolean): AuthResult {
  const params = phpParams([...request.query.entries(), ...(request.formBody ? request.formBody.entries() : [])]);
  const header = request.headers["authorization"];
  const headerValue = Array.isArray(header) ? header[0] : header;
  if (headerValue && headerValue.trim().startsWith("OAuth ")) {
    for (const m of headerValue.matchAll(/(oauth_[a-z_-]*)=(?:"([^"]*)"|([^,]*))/g)) {
      params[m[1]!] = decodeURIComponent((m[2] ?? m[3] ?? "").trim());
    }
  }
  const missing = OAUTH_REQUIRED.filter((p) => !params[p]);
  if (missing.length === OAUTH_REQUIRED.length) return { key: null };
  if (missing.length > 0) {
    const label = missing.length === 1 ? "Missing OAuth parameter" : "Missing OAuth parameters";
    return {
      error: {
        status: 401,
        code: "woocommerce_rest_authentication_missing_parameter",
        message: `${label} ${missing.join(", ")}`,
      },
    };
  }
  const key = store.keyByConsumerKey(String(params["oauth_consumer_key"]));
  if (!key)
    return {
      error: { status: 401, code: "woocommerce_rest_authentication_error", message: "Consumer key is invalid." },
    };
  const consumerSignature = String(params["oauth_signature"]).replace(/ /g, "+");
  delete params["oauth_signature"];
  const method = String(params["oauth_signature_method"]);
  const algorithm = method === "HMAC-SHA1" ? "sha1" : method === "HMAC-SHA256" ? "sha256" : null;
  const base = oauthBaseString(
    request.method,
    `${ssl ? store.homeUrl.replace(/^http:/, "https:") : store.homeUrl}${request.path}`,
    params,
  );
  if (!algorithm) {
    return {
      error: {
        status: 401,
        code: "woocommerce_rest_authentication_error",
        message: "Invalid signature - signature method is invalid.",
      },
    };
  }
  const expected = createHmac(algorithm, `${key.consumerSecret}&`).update(base).digest("base64");
  if (!safeEqual(expected, safeDecode(consumerSignature))) {
    return {
      error: {
        status: 401,
        code: "woocommerce_rest_authentication_error",
        message: "Invalid signature - provided signature does not match.",
      },
    };
  }
  const timestamp = Number(params["oauth_timestamp"]);
  const now = store.clock.nowSeconds();
  if (!Number.isFinite(timestamp) || timestamp < now - 900 || timestamp > now + 900) {
    return { error: { status: 401, code: "woocommerce_rest_authentication_error", message: "Invalid timestamp." } };
  }
  const nonce = String(params["oauth_nonce"]);
  if ([...key.nonces.values()].includes(nonce)) {
    return {
      error: {
        status: 401,
        code: "woocommerce_rest_authentication_error",
        message: "Invalid nonce - nonce has already been used.",
      },
    };
  }
  key.nonces.set(timestamp, nonce); // one per timestamp, as WooCommerce stores them
  for (const t of key.nonces.keys()) if (t < now - 900) key.nonces.delete(t);
  return { key };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

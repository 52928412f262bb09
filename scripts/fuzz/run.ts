/**
 * A fuzz pass over Ciclo's public endpoints: Shopify and WooCommerce webhooks, the key-exchange callback, the
 * connect form, the embed sign-in, the hosted survey page and the survey API. Every generated request is hostile
 * (forged or missing credentials, or real credentials with input that must be refused: wrong types, huge strings,
 * unicode, deep JSON, missing headers), so every answer must be a 4xx — never a 5xx — and nothing may be written:
 * the database's contents are fingerprinted before and after each request.
 *
 * Used by `npm run fuzz` (scripts/fuzz.ts) and by the attack suite (test/security/fuzz.test.ts).
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Db } from "../../app/db.server";
import { SecretBox } from "../../app/security/secret-box.server";
import { signSurveyToken, deriveSurveySecret } from "../../app/surveys/survey-token.server";
import { wooTopicSecret } from "../../app/platforms/woocommerce/webhook-signature";
import { signCheckoutSessionToken } from "../demo-surveys";

export interface FuzzTarget {
  url: string;
  db: Db;
  apiSecret: string;
  apiKey: string;
  encryptionKey: Buffer;
}

export interface FuzzResult {
  requests: number;
  status_counts: Record<string, number>;
  "5xx": number;
  partial_writes: number;
  /** The first few requests that answered 5xx or wrote something (empty when all is well). */
  failures: {
    request: string;
    status: number;
    wrote: boolean;
    body?: string;
    error?: string;
    changed?: string[];
    after?: string;
  }[];
}

const SHOP = "fuzz-shop.myshopify.com";
const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scene {
  shopStoreId: string;
  wooStoreId: string;
  wooWebhookSecret: string;
  orderId: string;
  surveyToken: string;
}

/** The stores the fuzz aims at: a Shopify shop with an order (survey), a connected WooCommerce store. */
export async function seedFuzzScene(target: FuzzTarget): Promise<Scene> {
  const { db } = target;
  const box = new SecretBox(target.encryptionKey);
  const shop = await db.store.create({ data: { platform: "shopify", domain: SHOP } });
  const wooWebhookSecret = randomBytes(32).toString("base64url");
  const woo = await db.store.create({
    data: {
      platform: "woocommerce",
      domain: "fuzz-woo.example",
      baseUrl: "https://fuzz-woo.example",
      webhookSecret: box.seal(wooWebhookSecret),
      embedSecret: box.seal(randomBytes(32).toString("base64url")),
      webhookTopicSecrets: true,
    },
  });
  const customer = await db.customer.create({ data: { storeId: shop.id, externalId: "777", email: "fz@example.com" } });
  const at = new Date();
  await db.order.create({
    data: {
      storeId: shop.id,
      externalId: "5001",
      customerId: customer.id,
      customerExternalId: "777",
      currency: "EUR",
      grossMinor: 1000n,
      netMinor: 1000n,
      fulfillmentStatus: "FULFILLED",
      processedAt: at,
      platformCreatedAt: at,
      platformUpdatedAt: at,
    },
  });
  const surveyToken = signSurveyToken(
    { storeId: shop.id, orderId: "5001", target: "order-status", expiresAt: new Date(Date.now() + 86_400_000) },
    deriveSurveySecret(target.encryptionKey, shop.id),
  );
  return { shopStoreId: shop.id, wooStoreId: woo.id, wooWebhookSecret, orderId: "5001", surveyToken };
}

/** A hash of every row of each table: any write between two calls changes it. */
export async function fingerprint(db: Db): Promise<Map<string, string>> {
  const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
  // Each model with its primary key, read from the schema (an `@id` field, or `@@id([...])`), so a new table is
  // covered, whatever its key is called.
  const models = [...schema.matchAll(/^model (\w+) \{([^}]*)\}/gm)].map(([, name, body]) => {
    const single = /^\s*(\w+)\s+\S+[^\n]*\s@id\b/m.exec(body!)?.[1];
    const compound = /@@id\(\[([^\]]+)\]\)/
      .exec(body!)?.[1]
      ?.split(",")
      .map((f) => f.trim());
    return { delegate: name!.charAt(0).toLowerCase() + name!.slice(1), key: single ? [single] : (compound ?? []) };
  });
  const delegates = db as unknown as Record<string, { findMany(args: object): Promise<unknown[]> }>;
  const hashes = new Map<string, string>();
  for (const { delegate: model, key } of models) {
    const rows = await delegates[model]!.findMany({ orderBy: key.map((field) => ({ [field]: "asc" })) });
    const json = JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    hashes.set(model, createHash("sha256").update(json).digest("base64url"));
  }
  return hashes;
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after].filter(([model, hash]) => before.get(model) !== hash).map(([model]) => model);
}

/** encodeURIComponent, except that text it cannot encode (a lone surrogate) becomes an invalid escape: hostile too. */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}

interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export function hostileValues(pick: () => number): { strings: string[]; json: unknown[] } {
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  const strings = [
    "",
    " ",
    "a".repeat(100_000),
    "💥\u0000\u202e\ufeff𝕏\u200b",
    "\ud800",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00%ff%",
    "9".repeat(400),
    "-1",
    "NaN",
    "1e309",
    "__proto__",
    "constructor",
    "gid://shopify/Order/../../1",
    "gid://shopify/Order/99999999999999999999999",
    "\r\nSet-Cookie: x=1",
    String(pick()),
  ];
  const json: unknown[] = [
    null,
    true,
    0,
    -0,
    1e308,
    -1,
    [],
    {},
    { __proto__: { polluted: true } },
    JSON.parse(deep(2_000)),
    Array.from({ length: 5_000 }, (_, i) => i),
    { a: { b: { c: { d: { e: { f: "x".repeat(10_000) } } } } } },
    ...strings,
  ];
  return { strings, json };
}

/** Builds `count` hostile requests from `seed` over every public endpoint. */
export function generateRequests(target: FuzzTarget, scene: Scene, count: number, seed: number): FuzzRequest[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const { strings, json } = hostileValues(random);
  const jsonText = () => {
    const roll = random();
    if (roll < 0.15) return pick(["{not json", "[", '{"a":', "\u0000", "", "null", "[[[[[", '{"a":1}}']);
    if (roll < 0.2) return "[".repeat(200_000) + "]".repeat(200_000); // deeper than any parser's stack
    try {
      return JSON.stringify(pick(json)) ?? "null";
    } catch {
      return "{}";
    }
  };
  const hostileObject = () => {
    const fields: Record<string, unknown> = {};
    for (const key of ["id", "target", "orderId", "questionId", "answerId", "score", "text", "customer", pick(strings)])
      if (random() < 0.7) fields[key] = pick(json);
    return fields;
  };
  const shopifyHeaders = (body: string): Record<string, string> => {
    const headers: Record<string, string> = { "content-type": pick(["application/json", "text/plain", "x/y"]) };
    if (random() < 0.8)
      headers["x-shopify-topic"] = pick([
        "orders/create",
        "customers/redact",
        "app/uninstalled",
        pick(strings).slice(0, 200),
      ]);
    if (random() < 0.8)
      headers["x-shopify-shop-domain"] = pick([SHOP, "other.myshopify.com", pick(strings).slice(0, 200)]);
    if (random() < 0.7) headers["x-shopify-webhook-id"] = randomUUID();
    if (random() < 0.5) headers["x-shopify-api-version"] = pick(["2026-07", "garbage"]);
    const roll = random();
    // Forged, garbled or missing signatures.
    if (roll < 0.4) headers["x-shopify-hmac-sha256"] = createHmac("sha256", "wrong").update(body).digest("base64");
    else if (roll < 0.55)
      headers["x-shopify-hmac-sha256"] = pick(strings)
        .slice(0, 100)
        .replace(/[^\x20-\x7e]/g, "");
    return headers;
  };
  const requests: FuzzRequest[] = [];
  const tokenFor = (customerId: string | null) =>
    signCheckoutSessionToken(SHOP, target.apiSecret, { apiKey: target.apiKey, customerId });
  const generators: (() => FuzzRequest)[] = [
    () => {
      const body = jsonText();
      return { label: "shopify webhook", method: "POST", path: "/webhooks", headers: shopifyHeaders(body), body };
    },
    () => {
      // Signed with the real secret, but the body is not JSON: refused before anything is stored.
      const body = pick(["{not json", "[", '{"a":', "\u0000garbage", "[".repeat(100_000) + "]".repeat(100_000)]);
      return {
        label: "shopify webhook signed non-json",
        method: "POST",
        path: "/webhooks",
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": "orders/create",
          "x-shopify-shop-domain": SHOP,
          "x-shopify-api-version": "2026-07",
          "x-shopify-webhook-id": randomUUID(),
          "x-shopify-hmac-sha256": createHmac("sha256", target.apiSecret).update(body).digest("base64"),
        },
        body,
      };
    },
    () => {
      const body = jsonText();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (random() < 0.8)
        headers["x-wc-webhook-topic"] = pick([
          "order.updated",
          "order.deleted",
          "order.restored",
          pick(strings).slice(0, 100),
        ]);
      if (random() < 0.7)
        headers["x-wc-webhook-signature"] = createHmac("sha256", "guess").update(body).digest("base64");
      if (random() < 0.5) headers["x-wc-webhook-id"] = String(Math.floor(random() * 1e6));
      const id = random() < 0.7 ? scene.wooStoreId : enc(pick(strings).slice(0, 300));
      return { label: "woo webhook", method: "POST", path: `/webhooks/woo/${id}`, headers, body };
    },
    () => {
      // Signed with the real secret of the topic it claims, but the body is not a JSON object: refused, not stored.
      const topic = pick(["order.updated", "order.deleted", "order.restored", "customer.updated"]);
      const body = pick(["{not json", "[]", "null", '"order"', "42", "[{}]", "\u0000", "[".repeat(100_000)]);
      return {
        label: "woo webhook signed non-object",
        method: "POST",
        path: `/webhooks/woo/${scene.wooStoreId}`,
        headers: {
          "content-type": "application/json",
          "x-wc-webhook-topic": topic,
          "x-wc-webhook-id": String(Math.floor(random() * 1e6)),
          "x-wc-webhook-signature": createHmac("sha256", wooTopicSecret(scene.wooWebhookSecret, topic))
            .update(body)
            .digest("base64"),
        },
        body,
      };
    },
    () => ({
      label: "woo callback",
      method: "POST",
      path: "/woo/callback",
      headers: { "content-type": pick(["application/json", "text/plain"]) },
      body:
        random() < 0.5
          ? jsonText()
          : JSON.stringify({ ...hostileObject(), user_id: pick(strings).slice(0, 500), key_id: pick(json) }),
    }),
    () => ({
      label: "woo connect page",
      method: "GET",
      path: `/woo/connect?store_url=${enc(pick(strings).slice(0, 2000) || "::")}`,
      headers: {},
    }),
    () => {
      const fields = new URLSearchParams({
        intent: pick(["manual", "authorize", pick(strings).slice(0, 50)]),
        storeUrl:
          pick([...strings, "http://127.0.0.1:1", "https://169.254.169.254", "ftp://x", "https://fuzz.invalid"]).slice(
            0,
            5000,
          ) || "x:",
        consumerKey: pick(strings).slice(0, 500),
        consumerSecret: pick(strings).slice(0, 500),
      });
      return {
        label: "woo connect post",
        method: "POST",
        path: "/woo/connect",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(random() < 0.5 ? { origin: "https://evil.example" } : {}),
        },
        body: fields.toString(),
      };
    },
    () => ({
      label: "woo embed",
      method: "GET",
      path: `/woo/embed?token=${enc(pick([`e1.${scene.wooStoreId}.1.9999999999.${"a".repeat(32)}.sig`, ...strings]).slice(0, 5000))}`,
      headers: {},
    }),
    () => ({
      label: "woo return",
      method: "GET",
      path: `/woo/return?${new URLSearchParams({ success: pick(["1", "0", pick(strings).slice(0, 50)]), user_id: pick(strings).slice(0, 2000), ...(random() < 0.3 ? { store: pick(strings).slice(0, 200) } : {}) })}`,
      headers: {},
    }),
    () => {
      const token = pick([
        `s2.${scene.shopStoreId}.5001.thank-you.9999999999.forged`,
        pick(strings).slice(0, 1000) || "x",
        "s1.x.1.1.y",
      ]);
      return random() < 0.5
        ? { label: "hosted survey page", method: "GET", path: `/survey/${enc(token)}`, headers: {} }
        : {
            label: "hosted survey woo",
            method: "GET",
            path: `/survey/woo?t=${enc(token)}`,
            headers: {},
          };
    },
    () => {
      // The real link, with answers that must all be refused (wrong types, out of range, unknown ids).
      const fields = new URLSearchParams();
      // Every post carries at least one answer that must be refused; anything else it carries is refused or ignored.
      if (random() < 0.5)
        fields.set("q:nps", pick(["11", "-1", "5.5", "abc", "1e3", "\u0000", "💥", "a".repeat(5000)]));
      else fields.set("q:nps-reason", pick(["a".repeat(5000), "💥".repeat(3000), "<b>x</b>".repeat(1000)]));
      if (random() < 0.5) fields.set(`q:${pick(strings).slice(0, 30)}`, pick(strings).slice(0, 3000));
      return {
        label: "hosted survey post",
        method: "POST",
        path: `/survey/${scene.surveyToken}`,
        headers: {
          "content-type": pick(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"]),
        },
        body: fields.toString(),
      };
    },
    () => {
      const bearer = pick([tokenFor("777"), tokenFor(null), "forged.jwt.token", pick(strings).slice(0, 300)]);
      const query = new URLSearchParams({
        target: pick(["thank-you", "order-status", pick(strings).slice(0, 100)]),
        orderId: pick(["", "abc", "gid://shopify/Order/x", pick(strings).slice(0, 300)]),
        locale: pick(["en", "xx", pick(strings).slice(0, 50)]),
      });
      return {
        label: "survey questions",
        method: "GET",
        path: `/api/survey/questions?${query}`,
        headers: {
          authorization: `Bearer ${bearer.replace(/[^\x21-\x7e]/g, "")}`,
          origin: "https://extensions.shopifycdn.com",
          "user-agent": PHONE,
        },
      };
    },
    () => {
      const bearer = pick([tokenFor("777"), tokenFor(null), tokenFor("778"), "forged"]);
      const body =
        random() < 0.3
          ? jsonText()
          : JSON.stringify({
              ...hostileObject(),
              target: pick(["thank-you", "order-status", pick(json)]),
              orderId: pick([`gid://shopify/Order/${scene.orderId}`, pick(json)]),
              questionId: pick(["nps", "jtbd-trigger", "jtbd-comment", pick(json)]),
              score: pick([11, -1, 5.5, "5", null, 1e308, pick(json)]),
            });
      return {
        label: "survey answers",
        method: "POST",
        path: "/api/survey/answers",
        headers: {
          authorization: `Bearer ${bearer}`,
          origin: "https://extensions.shopifycdn.com",
          "content-type": pick(["application/json", "text/plain"]),
          "user-agent": PHONE,
        },
        body,
      };
    },
    () => ({
      label: "admin customer block",
      method: "GET",
      path: `/api/admin/customer/${enc(pick(strings).slice(0, 200) || "1")}`,
      headers: {
        authorization: `Bearer ${pick(["forged", tokenFor("777")])}`,
        origin: "https://extensions.shopifycdn.com",
      },
    }),
  ];
  for (let i = 0; i < count; i++) requests.push(pick(generators)());
  return requests;
}

/**
 * Header values as HTTP can carry them (no control characters, Latin-1 only): what a client cannot even send is not
 * a test of the server.
 */
function headerSafe(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = value.replace(/[^\x20-\x7e]/g, "?").slice(0, 4000);
  return out;
}

/** Sends the requests one by one; after each, the status and whether the database changed. */
export async function runFuzz(target: FuzzTarget, options: { count: number; seed?: number }): Promise<FuzzResult> {
  const scene = await seedFuzzScene(target);
  const requests = generateRequests(target, scene, options.count, options.seed ?? 13);
  const result: FuzzResult = { requests: 0, status_counts: {}, "5xx": 0, partial_writes: 0, failures: [] };
  let before = await fingerprint(target.db);
  let previous = "";
  for (const request of requests) {
    let status: number;
    let error: string | undefined;
    try {
      const res = await fetch(`${target.url}${request.path}`, {
        method: request.method,
        headers: headerSafe(request.headers),
        body: request.body,
        redirect: "manual",
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (thrown) {
      status = 0; // the server closed the connection without an answer
      error = String((thrown as { cause?: unknown }).cause ?? thrown).slice(0, 200);
    }
    const after = await fingerprint(target.db);
    const label = `#${result.requests} ${request.label}: ${request.method} ${request.path.slice(0, 60)} -> ${status}`;
    const changed = changedTables(before, after);
    const wrote = changed.length > 0;
    before = after;
    result.requests++;
    const key = status === 0 ? "no-answer" : String(status);
    result.status_counts[key] = (result.status_counts[key] ?? 0) + 1;
    if (status >= 500 || status === 0) result["5xx"]++;
    if (wrote) result.partial_writes++;
    if ((status >= 500 || status === 0 || wrote) && result.failures.length < 10)
      result.failures.push({
        request: `${request.label}: ${request.method} ${request.path.slice(0, 120)}`,
        status,
        wrote,
        ...(request.body ? { body: request.body.slice(0, 200) } : {}),
        ...(error ? { error } : {}),
        ...(wrote ? { changed } : {}),
        after: previous,
      });
    previous = label;
  }
  return result;
}

/**
 * Secrets never reach the logs: a secret-named field is masked at any depth (objects in arrays in objects), and
 * token-shaped text inside any string (an error message quoting a request, a URL with keys) is masked too.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logger, redactFields } from "../../app/logger.server";

describe("log redaction", () => {
  let written: string[];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  beforeEach(() => {
    written = [];
    const capture = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
  });
  afterEach(() => {
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
  });

  const SECRETS = [
    "s3cr3t-webhook-key",
    "hunter2-password",
    "shpat_0123456789abcdef0123456789abcdef",
    `ck_${"a1".repeat(20)}`,
    `cs_${"b2".repeat(20)}`,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part-here",
    "enc:v2:QUJDREVGR0hJSktMTU5PUA==",
  ];

  it("masks nested secret fields and token-shaped text in every string", () => {
    const error = new Error(`GET /orders failed with Authorization: Bearer ${SECRETS[5]} and ${SECRETS[3]}`);
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    logger.error("store request failed", {
      store: "shop.example",
      request: { headers: { authorization: `Basic ${Buffer.from("ck:cs").toString("base64")}` }, query: {} },
      attempts: [{ webhook: { secret: SECRETS[0] } }, { user: { password: SECRETS[1] } }],
      session: { accessToken: SECRETS[2], id: "offline_shop" },
      keys: { consumer_key: SECRETS[3], consumer_secret: SECRETS[4] },
      url: `https://shop.example/wp-json/wc/v3/orders?consumer_key=${SECRETS[3]}&consumer_secret=${SECRETS[4]}`,
      sealed: SECRETS[6],
      error,
      circular,
    });
    const line = written.join("");
    expect(line).toContain("store request failed");
    expect(line).toContain("shop.example");
    for (const secret of SECRETS) expect(line, secret).not.toContain(secret);
    expect(() => JSON.parse(line)).not.toThrow();
  });

  it("keeps ordinary fields as they are", () => {
    expect(redactFields({ storeId: "s1", count: 3, nested: { topic: "orders/create", ok: true } })).toEqual({
      storeId: "s1",
      count: 3,
      nested: { topic: "orders/create", ok: true },
    });
  });
  it("masks secrets five levels down, in arrays of errors, and customers' e-mail addresses", () => {
    const hmacSecret = "whsec-9f8e7d6c5b4a39281706";
    logger.error("webhook replay rejected for eve@example.com", {
      deliveries: [
        {
          attempt: 1,
          request: {
            headers: [{ name: "X-Shopify-Hmac-Sha256", value: "ignored" }, { hmac: "base64hmacvalue==" }],
            store: { webhook: { signingSecret: hmacSecret, topic: "orders/create" } },
          },
          errors: [new Error(`signature mismatch, key ${SECRETS[3]}`)],
        },
      ],
      customer: { email: "eve@example.com", note: "asked to reach eve%40example.com", id: "gid://shopify/Customer/7" },
    });
    const line = written.join("");
    for (const secret of [hmacSecret, "base64hmacvalue==", SECRETS[3]!, "eve@example.com", "eve%40example.com"])
      expect(line, secret).not.toContain(secret);
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: "error",
      msg: "webhook replay rejected for [email]",
      customer: { email: "[personal]", id: "gid://shopify/Customer/7" },
    });
    expect(JSON.stringify(record.deliveries)).toContain('"topic":"orders/create"');
    expect(typeof record.t).toBe("string");
  });

  it("writes warn and error to stderr, the rest to stdout, one JSON line each, at or above LOG_LEVEL", () => {
    const out: string[] = [];
    const err: string[] = [];
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
    const previous = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = "info";
      logger.debug("not shown");
      logger.info("shown on stdout", { n: 1 });
      logger.warn("warned");
      logger.error("failed");
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
    expect(out.map((line) => JSON.parse(line) as Record<string, unknown>)).toMatchObject([
      { level: "info", msg: "shown on stdout", n: 1 },
    ]);
    expect(err.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(["warned", "failed"]);
    for (const line of [...out, ...err]) expect(line.endsWith("\n") && !line.slice(0, -1).includes("\n")).toBe(true);
  });
});

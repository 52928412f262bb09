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
});

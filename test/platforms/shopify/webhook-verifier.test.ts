/**
 * The app verifies webhooks with node:crypto (webhook-verifier.server.ts); shopify-api's `webhooks.validate` is
 * the reference. Both see the same deliveries — valid, tampered, signed with another secret, unsigned, empty,
 * each required header missing, headers in other casing — and must give the same answer.
 */
import { describe, expect, it } from "vitest";
import { createShopifyApi } from "../../../app/platforms/shopify/shopify-api.server";
import {
  createFastWebhookVerifier,
  createWebhookVerifier,
  type WebhookCheck,
} from "../../../app/platforms/shopify/webhook-verifier.server";
import { buildWebhookRequest } from "../../../simulators/shopify/webhooks";

const SECRET = "verifier-secret";
const library = createWebhookVerifier(
  createShopifyApi({ apiKey: "k", apiSecretKey: SECRET, appUrl: "https://ciclo.test" }),
);
const fast = createFastWebhookVerifier(SECRET);

function delivery(change: (headers: Record<string, string>) => void = () => {}, body?: string) {
  const signed = buildWebhookRequest({
    topic: "orders/create",
    shopDomain: "verify.myshopify.com",
    payload: { id: 1, note: "grüße, ünïcode" },
    secret: SECRET,
    eventId: "evt-1",
    webhookId: "wh-1",
    triggeredAt: new Date("2026-12-01T10:00:00Z"),
  });
  change(signed.headers);
  return { headers: new Headers(signed.headers), body: body ?? signed.body };
}

const verdict = (c: WebhookCheck) => (c.ok ? c : { ok: false, status: c.status });

const cases: [string, ReturnType<typeof delivery>][] = [
  ["valid", delivery()],
  ["tampered body", delivery(undefined, '{"id":1,"note":"tampered"}')],
  [
    "other secret",
    delivery(
      (h) =>
        (h["X-Shopify-Hmac-Sha256"] = buildWebhookRequest({
          topic: "t",
          shopDomain: "s",
          payload: { id: 1, note: "grüße, ünïcode" },
          secret: "other",
        }).headers["X-Shopify-Hmac-Sha256"]!),
    ),
  ],
  ["unsigned", delivery((h) => delete h["X-Shopify-Hmac-Sha256"])],
  ["signature of another length", delivery((h) => (h["X-Shopify-Hmac-Sha256"] = "abc"))],
  ["no topic", delivery((h) => delete h["X-Shopify-Topic"])],
  ["no shop", delivery((h) => delete h["X-Shopify-Shop-Domain"])],
  ["no api version", delivery((h) => delete h["X-Shopify-API-Version"])],
  ["no webhook id", delivery((h) => delete h["X-Shopify-Webhook-Id"])],
  ["no event id (optional)", delivery((h) => delete h["X-Shopify-Event-Id"])],
  [
    "lower-case header names",
    delivery((h) => {
      for (const k of Object.keys(h)) {
        const v = h[k]!;
        delete h[k];
        h[k.toLowerCase()] = v;
      }
    }),
  ],
];

describe("webhook verification (node:crypto) answers exactly as shopify-api's webhooks.validate", () => {
  it.each(cases)("%s", async (_name, d) => {
    const head = { method: "POST", url: "https://ciclo.test/webhooks", headers: d.headers };
    const [reference, ours] = await Promise.all([library(head, d.body), fast(head, d.body)]);
    expect(verdict(ours)).toEqual(verdict(reference));
  });

  it("an empty body is refused by both", async () => {
    const d = delivery(undefined, "");
    const head = { method: "POST", url: "https://ciclo.test/webhooks", headers: d.headers };
    expect((await fast(head, "")).ok).toBe(false);
    expect((await library(head, "")).ok).toBe(false);
  });

  it("the valid delivery carries the shop, ids and time", async () => {
    const d = cases[0]![1];
    expect(await fast({ method: "POST", url: "https://ciclo.test/webhooks", headers: d.headers }, d.body)).toEqual({
      ok: true,
      shop: "verify.myshopify.com",
      topic: "ORDERS_CREATE",
      webhookId: "wh-1",
      eventId: "evt-1",
      triggeredAt: "2026-12-01T10:00:00.000Z",
      apiVersion: "2026-07",
    });
  });
});

/**
 * Tests of the local Shopify simulator itself: signatures Shopify's own library accepts, payload shapes,
 * GraphQL documents of the app against the real 2026-07 schema, bulk JSONL structure, cost throttling, and the
 * demo history generator's determinism and shape.
 */
import "@shopify/shopify-api/adapters/node";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedShop } from "./shopify/store";
import { buildWebhookRequest, signWebhook, WebhookSender } from "./shopify/webhooks";

const SECRET = "test-app-secret";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
  req: IncomingMessage;
}

/** A tiny receiver that records requests and answers with a status chosen per request. */
async function startReceiver(
  status: (n: number) => number = () => 200,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        req,
      });
      res.statusCode = status(received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    received,
    server,
  };
}

const shopify = shopifyApi({
  apiKey: "test-key",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.July26,
  hostName: "localhost",
  isEmbeddedApp: true,
  logger: { level: 0 },
});

describe("webhook signing and delivery", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.server.close());

  it("signs like Shopify: shopify-api's webhooks.validate accepts it, a tampered body fails", async () => {
    const shop = new SimulatedShop({
      now: new Date("2026-03-01T10:00:00Z"),
      seed: 1,
    });
    const sender = new WebhookSender({
      url: receiver.url,
      secret: SECRET,
      seed: 1,
    });
    sender.attach(shop);
    const customer = shop.createCustomer({
      email: "anna@mail.example",
      firstName: "Anna",
      lastName: "Muster",
    });
    shop.createOrder({
      customerId: customer.id,
      lineItems: [{ title: "Wool Beanie", price: "29.00", quantity: 2 }],
    });
    await sender.idle();
    expect(receiver.received.map((r) => r.headers["x-shopify-topic"])).toEqual([
      "customers/create",
      "orders/create",
      "orders/paid",
      "customers/update",
    ]);
    for (const r of receiver.received) {
      const result = await shopify.webhooks.validate({
        rawBody: r.body,
        rawRequest: r.req,
        rawResponse: {} as never,
      });
      expect(result.valid).toBe(true);
      expect(r.headers["x-shopify-api-version"]).toBe("2026-07");
      expect(r.headers["x-shopify-shop-domain"]).toBe(shop.domain);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(String(r.headers["x-shopify-triggered-at"]))).not.toBeNaN();
      const tampered = r.body.replace(/"id":(\d)/, '"id":9');
      expect(tampered).not.toBe(r.body);
      const bad = await shopify.webhooks.validate({
        rawBody: tampered,
        rawRequest: r.req,
        rawResponse: {} as never,
      });
      expect(bad.valid).toBe(false);
    }
  });

  it("bad-secret and missing signatures are rejected by the library", async () => {
    for (const signature of ["bad-secret", "missing"] as const) {
      const req = buildWebhookRequest({
        topic: "orders/delete",
        shopDomain: "a.myshopify.com",
        payload: { id: 1 },
        secret: SECRET,
        signature,
      });
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const result = await shopify.webhooks.validate({
        rawBody: req.body,
        rawRequest: { headers, method: "POST", url: "/webhooks" } as never,
        rawResponse: {} as never,
      });
      expect(result.valid).toBe(false);
    }
  });

  it("signWebhook is base64 HMAC-SHA256 of the raw body", () => {
    // Known-answer value computed independently (openssl dgst -sha256 -hmac key -binary | base64).
    expect(signWebhook('{"id":1}', "key")).toBe("yVxqfCx8dh6YTGjPZLS8qT8HJCkAqv27Mo07t1qw3LA=");
  });
});

/**
 * Webhook verification: the library's own lower-level check (`shopify.webhooks.validate`: HMAC of the raw body
 * with the app secret, then the required X-Shopify-* headers) and nothing else.
 *
 * Not `authenticate.webhook` from shopify-app-remix: besides the same check it loads the shop's offline session
 * and, with expiring offline tokens, refreshes it. After an uninstall the refresh is refused and the library
 * answers a bare 500 (Shopify/shopify-app-js#3360), so app/uninstalled and the mandatory compliance webhooks
 * (customers/redact, shop/redact, customers/data_request) would never be recorded. Webhook handling needs no
 * Admin API access, and loading the session was also most of a webhook's cost.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookValidationErrorReason, type Shopify } from "@shopify/shopify-api";

export type WebhookCheck =
  | {
      ok: true;
      shop: string;
      topic: string;
      webhookId: string;
      eventId?: string;
      triggeredAt?: string;
      apiVersion: string;
    }
  /** 401: signature missing or wrong; 400: a required header is missing. */
  | { ok: false; status: 400 | 401; reason: string };

/** What the library's web-api adapter reads of a request (headers, method, url): no body, no second Request. */
export interface WebhookRequestHead {
  method: string;
  url: string;
  headers: Headers;
}

export type VerifyShopifyWebhook = (request: WebhookRequestHead, rawBody: string) => Promise<WebhookCheck>;

/** `shopify.webhooks.validate` itself (the reference the fast verifier is tested against). */
export function createWebhookVerifier(api: Pick<Shopify, "webhooks">): VerifyShopifyWebhook {
  return async (request, rawBody) => {
    const check = await api.webhooks.validate({ rawBody, rawRequest: request });
    if (!check.valid) {
      const unsigned =
        check.reason === WebhookValidationErrorReason.InvalidHmac ||
        check.reason === WebhookValidationErrorReason.MissingHmac;
      return { ok: false, status: unsigned ? 401 : 400, reason: check.reason };
    }
    return {
      ok: true,
      shop: check.domain,
      topic: check.topic,
      webhookId: check.webhookId,
      apiVersion: check.apiVersion,
      ...("eventId" in check && check.eventId ? { eventId: check.eventId } : {}),
      ...(check.triggeredAt ? { triggeredAt: check.triggeredAt } : {}),
    };
  };
}

const REQUIRED = ["x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"];

/**
 * The same check as `shopify.webhooks.validate`, computed with node:crypto: shopify-api computes the HMAC through WebCrypto
 * (`subtle.importKey` + `subtle.sign` per call, about 150 µs for a 4 KB body against 5 µs here), which was the
 * largest part of receiving a webhook. Rules, order and outcomes are the library's (MissingBody, MissingHmac,
 * InvalidHmac with a constant-time comparison, then the required X-Shopify-* headers); a test runs both on the
 * same deliveries and requires identical answers.
 */
export function createFastWebhookVerifier(apiSecretKey: string): VerifyShopifyWebhook {
  return async ({ headers }, rawBody) => {
    if (!rawBody.length) return { ok: false, status: 400, reason: "missing_body" };
    const hmac = headers.get("x-shopify-hmac-sha256");
    if (!hmac) return { ok: false, status: 401, reason: WebhookValidationErrorReason.MissingHmac };
    const expected = Buffer.from(createHmac("sha256", apiSecretKey).update(rawBody, "utf8").digest("base64"));
    const given = Buffer.from(hmac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, status: 401, reason: WebhookValidationErrorReason.InvalidHmac };
    if (REQUIRED.some((name) => !headers.get(name)))
      return { ok: false, status: 400, reason: WebhookValidationErrorReason.MissingHeaders };
    const eventId = headers.get("x-shopify-event-id");
    const triggeredAt = headers.get("x-shopify-triggered-at");
    return {
      ok: true,
      shop: headers.get("x-shopify-shop-domain")!,
      topic: topicForStorage(headers.get("x-shopify-topic")!),
      webhookId: headers.get("x-shopify-webhook-id")!,
      apiVersion: headers.get("x-shopify-api-version")!,
      ...(eventId ? { eventId } : {}),
      ...(triggeredAt ? { triggeredAt } : {}),
    };
  };
}

/** The library's topic key (registry.topicForStorage): ORDERS_CREATE for orders/create. */
function topicForStorage(topic: string): string {
  return topic.toUpperCase().replace(/\/|\./g, "_");
}

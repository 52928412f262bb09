/**
 * Webhook verification with the library's own lower-level check (`shopify.webhooks.validate`: HMAC of the raw
 * body with the app secret, then the required X-Shopify-* headers) and nothing else.
 *
 * Not `authenticate.webhook` from shopify-app-remix: besides the same check it loads the shop's offline session
 * and, with expiring offline tokens, refreshes it. After an uninstall the refresh is refused and the library
 * answers a bare 500 (Shopify/shopify-app-js#3360), so app/uninstalled and the mandatory compliance webhooks
 * (customers/redact, shop/redact, customers/data_request) would never be recorded. Webhook handling needs no
 * Admin API access, and loading the session was also most of a webhook's cost.
 */
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

/**
 * The Shopify webhook endpoint's logic, independent of Remix's module singletons so tests can run it with
 * their own database and a real `authenticate.webhook`: verify, record in the inbox, answer at once.
 */
import { logger } from "../../logger.server";
import type { WebhookInbox } from "../../sync/webhook-inbox.server";

interface VerifiedWebhook {
  shop: string;
  webhookId: string;
  eventId?: string;
  triggeredAt?: string;
  payload: unknown;
}

export interface ShopifyWebhookDeps {
  authenticateWebhook: (request: Request) => Promise<VerifiedWebhook>;
  inbox: WebhookInbox;
}

export async function handleShopifyWebhook(request: Request, deps: ShopifyWebhookDeps): Promise<Response> {
  const topic = (request.headers.get("x-shopify-topic") ?? "").toLowerCase();
  // shopify-api answers 400 for a missing signature header; for callers it is the same as a bad one.
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    logger.warn("webhook without signature", { topic });
    return new Response("Unauthorized", { status: 401 });
  }
  let verified: VerifiedWebhook;
  try {
    verified = await deps.authenticateWebhook(request);
  } catch (error) {
    if (error instanceof Response) {
      logger.warn("webhook refused", { status: error.status, topic });
      return error; // 401 bad HMAC, 400 missing headers, 405 not POST
    }
    if (error instanceof SyntaxError) {
      logger.warn("webhook body is not JSON", { topic });
      return new Response("Body is not valid JSON", { status: 400 });
    }
    throw error;
  }
  const outcome = await deps.inbox.record({
    platform: "shopify",
    shopDomain: verified.shop,
    dedupeKey: verified.eventId ?? verified.webhookId,
    topic,
    rawBody: JSON.stringify(verified.payload),
    triggeredAt: verified.triggeredAt ? safeDate(verified.triggeredAt) : null,
  });
  if (outcome === "unknown-store") logger.info("webhook for a shop we don't know", { shop: verified.shop, topic });
  return new Response(null, { status: 200 });
}

function safeDate(text: string): Date | null {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

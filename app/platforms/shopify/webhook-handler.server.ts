/**
 * The Shopify webhook endpoint's logic, independent of Remix's module singletons so tests can run it with
 * their own database and a real `authenticate.webhook`: verify, record in the inbox, answer at once.
 */
import { logger } from "../../logger.server";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../../security/bounded-body.server";
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
  /**
   * bulk_operations/finish, told at once rather than when the inbox gets to it: our own tag writes make Shopify
   * send a customers/update per customer, and a finish queued behind them would keep the next bulk round waiting.
   */
  onBulkOperationFinished?: (operationGid: string) => void;
}

const SHOPIFY_HEADERS = [
  "content-type",
  "x-shopify-topic",
  "x-shopify-hmac-sha256",
  "x-shopify-shop-domain",
  "x-shopify-api-version",
  "x-shopify-webhook-id",
  "x-shopify-event-id",
  "x-shopify-triggered-at",
  "x-shopify-name",
];

export async function handleShopifyWebhook(request: Request, deps: ShopifyWebhookDeps): Promise<Response> {
  const topic = (request.headers.get("x-shopify-topic") ?? "").toLowerCase();
  // shopify-api answers 400 for a missing signature header; for callers it is the same as a bad one.
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    logger.warn("webhook without signature", { topic });
    return new Response("Unauthorized", { status: 401 });
  }
  // Keep the raw body (stored as received) and hand the library only the headers it reads: shopify-api
  // canonicalises every header with a regex on every lookup, which was the costliest part of a webhook.
  // Read bounded: anyone can send a signature header, so an oversize body is refused at the limit, unverified.
  const body = await readBoundedBody(request, BODY_LIMITS.webhook);
  if (!body.ok) return payloadTooLarge();
  const rawBody = body.text;
  const headers = new Headers();
  for (const name of SHOPIFY_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  let verified: VerifiedWebhook;
  try {
    verified = await deps.authenticateWebhook(
      new Request(request.url, { method: request.method, headers, body: rawBody }),
    );
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
  // Every Shopify webhook body is a JSON object; anything else (signed or not) is refused before it is stored.
  const payload = verified.payload;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    logger.warn("webhook body is not a JSON object", { topic });
    return new Response("Body is not a JSON object", { status: 400 });
  }
  const outcome = await deps.inbox.record({
    platform: "shopify",
    shopDomain: verified.shop,
    dedupeKey: verified.eventId ?? verified.webhookId,
    topic,
    rawBody,
    triggeredAt: verified.triggeredAt ? safeDate(verified.triggeredAt) : null,
  });
  if (outcome === "unknown-store") logger.info("webhook for a shop we don't know", { shop: verified.shop, topic });
  else if (topic === "bulk_operations/finish") {
    const gid = (verified.payload as { admin_graphql_api_id?: unknown } | null)?.admin_graphql_api_id;
    if (typeof gid === "string") deps.onBulkOperationFinished?.(gid);
  }
  return new Response(null, { status: 200 });
}

function safeDate(text: string): Date | null {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The Shopify webhook endpoint's logic, independent of Remix's module singletons so tests can run it with
 * their own database: verify (signature only, no session: see webhook-verifier.server.ts), record in the inbox,
 * answer at once.
 */
import { logger } from "../../logger.server";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../../security/bounded-body.server";
import type { WebhookInbox } from "../../sync/webhook-inbox.server";
import type { VerifyShopifyWebhook } from "./webhook-verifier.server";

export interface ShopifyWebhookDeps {
  verify: VerifyShopifyWebhook;
  inbox: WebhookInbox;
  /**
   * bulk_operations/finish, told at once rather than when the inbox gets to it: our own tag writes make Shopify
   * send a customers/update per customer, and a finish queued behind them would keep the next bulk round waiting.
   */
  onBulkOperationFinished?: (operationGid: string) => void;
}

/**
 * One merchant action can produce several topics under one X-Shopify-Event-Id (a refund: refunds/create and
 * orders/updated), so the event id alone would drop all but the first; with the topic it still catches the
 * same event delivered twice (a retry, or a second subscription to the topic). No event id: the webhook id,
 * which Shopify keeps across retries.
 */
export function shopifyDedupeKey(topic: string, eventId: string | undefined, webhookId: string): string {
  return eventId ? `${topic}|${eventId}` : `webhook|${webhookId}`;
}

export async function handleShopifyWebhook(request: Request, deps: ShopifyWebhookDeps): Promise<Response> {
  const topic = (request.headers.get("x-shopify-topic") ?? "").toLowerCase();
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  // shopify-api answers 400 for a missing signature header; for callers it is the same as a bad one.
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    logger.warn("webhook without signature", { topic });
    return new Response("Unauthorized", { status: 401 });
  }
  // The raw body is what is signed, and what is stored as received. Read bounded: anyone can send a signature
  // header, so an oversize body is refused at the limit, unverified.
  const body = await readBoundedBody(request, BODY_LIMITS.webhook);
  if (!body.ok) return payloadTooLarge();
  const rawBody = body.text;
  const check = await deps.verify({ method: "POST", url: request.url, headers: request.headers }, rawBody);
  if (!check.ok) {
    logger.warn("webhook refused", { status: check.status, reason: check.reason, topic });
    return new Response(check.status === 401 ? "Unauthorized" : "Bad Request", { status: check.status });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    logger.warn("webhook body is not JSON", { topic });
    return new Response("Body is not valid JSON", { status: 400 });
  }
  // Every Shopify webhook body is a JSON object; anything else (signed or not) is refused before it is stored.
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    logger.warn("webhook body is not a JSON object", { topic });
    return new Response("Body is not a JSON object", { status: 400 });
  }
  const outcome = await deps.inbox.record({
    platform: "shopify",
    shopDomain: check.shop,
    dedupeKey: shopifyDedupeKey(topic, check.eventId, check.webhookId),
    topic,
    rawBody,
    triggeredAt: check.triggeredAt ? safeDate(check.triggeredAt) : null,
  });
  if (outcome === "unknown-store") logger.info("webhook for a shop we don't know", { shop: check.shop, topic });
  else if (topic === "bulk_operations/finish") {
    const gid = (payload as { admin_graphql_api_id?: unknown } | null)?.admin_graphql_api_id;
    if (typeof gid === "string") deps.onBulkOperationFinished?.(gid);
  }
  return new Response(null, { status: 200 });
}

function safeDate(text: string): Date | null {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

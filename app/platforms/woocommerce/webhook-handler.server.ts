/**
 * Ciclo's WooCommerce webhook endpoint (`/webhooks/woo/:storeId`): the creation ping gets a 2xx and nothing is
 * stored; a delivery signed with the store's secret goes to the inbox, deduplicated on webhook + delivery id +
 * body hash; anything unsigned or forged gets 401 (WooCommerce counts it as a failure, which is what we want
 * for forgeries). Applying happens later in the inbox processor, so WooCommerce's request stays short.
 */
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import { classifyWooDelivery } from "./index";
import type { SecretBox } from "../../security/secret-box.server";
import type { WebhookInbox } from "../../sync/webhook-inbox.server";

export interface WooWebhookDeps {
  db: Db;
  box: SecretBox;
  inbox: Pick<WebhookInbox, "record">;
}

/** Bodies above this are not WooCommerce orders or customers; refuse before reading them into memory twice. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export async function handleWooWebhook(request: Request, storeId: string, deps: WooWebhookDeps): Promise<Response> {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) return new Response("Payload too large", { status: 413 });
  const rawBody = await request.text();
  const store = await deps.db.store.findUnique({
    where: { id: storeId },
    select: { id: true, platform: true, domain: true, webhookSecret: true },
  });
  const secret = store?.platform === "woocommerce" && store.webhookSecret ? deps.box.open(store.webhookSecret) : null;
  // The ping carries no signature, so it can be answered without knowing the store.
  const delivery = classifyWooDelivery(request.headers, rawBody, secret ?? "");
  if (delivery.kind === "ping") return new Response(null, { status: 200 });
  if (!store || !secret) return new Response("Unknown store", { status: 404 });
  if (delivery.kind === "rejected") {
    logger.warn("woo webhook refused", { store: store.domain, status: delivery.status, reason: delivery.reason });
    return new Response(delivery.reason, { status: delivery.status });
  }
  const outcome = await deps.inbox.record({
    platform: "woocommerce",
    shopDomain: store.domain,
    dedupeKey: delivery.dedupeKey,
    topic: delivery.topic,
    rawBody,
    triggeredAt: null, // WooCommerce sends no event time; the payload's date_modified_gmt orders updates
  });
  return new Response(null, { status: outcome === "unknown-store" ? 404 : 200 });
}

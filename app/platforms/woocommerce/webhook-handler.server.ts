/**
 * Ciclo's WooCommerce webhook endpoint (`/webhooks/woo/:storeId`): the creation ping gets a 2xx and nothing is
 * stored; a delivery signed with the store's secret goes to the inbox, deduplicated on webhook + delivery id +
 * body hash; anything unsigned or forged gets 401 (WooCommerce counts it as a failure, which is what we want
 * for forgeries). Applying happens later in the inbox processor, so WooCommerce's request stays short.
 */
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import { classifyWooDelivery } from "./index";
import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../../security/bounded-body.server";
import type { SecretBox } from "../../security/secret-box.server";
import type { WebhookInbox } from "../../sync/webhook-inbox.server";
import { acceptedWebhookSecrets } from "./store-keys.server";

export interface WooWebhookDeps {
  db: Db;
  box: SecretBox;
  inbox: Pick<WebhookInbox, "record">;
}

export async function handleWooWebhook(request: Request, storeId: string, deps: WooWebhookDeps): Promise<Response> {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  // Bodies above the limit are not WooCommerce orders or customers: refused at the first byte over it, chunked
  // bodies included, before anything is verified or stored.
  const body = await readBoundedBody(request, BODY_LIMITS.webhook);
  if (!body.ok) return payloadTooLarge();
  const rawBody = body.text;
  const store = await deps.db.store.findUnique({
    where: { id: storeId },
    select: { id: true, platform: true, domain: true, webhookSecret: true, webhookTopicSecrets: true },
  });
  const secret = store?.platform === "woocommerce" && store.webhookSecret ? deps.box.open(store.webhookSecret) : null;
  // The ping carries no signature, so it can be answered without knowing the store.
  const delivery = classifyWooDelivery(
    request.headers,
    rawBody,
    secret ? acceptedWebhookSecrets(secret, store!.webhookTopicSecrets) : () => [],
  );
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

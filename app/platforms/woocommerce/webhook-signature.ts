/**
 * Recognising a WooCommerce webhook request before anything is stored:
 * - the creation ping: form body `webhook_id=N` and no X-WC-Webhook-* headers -> answer 2xx, store nothing;
 * - a delivery: X-WC-Webhook-Signature = base64(HMAC-SHA256(raw body, secret)), compared in constant time.
 * The raw body must be the exact bytes received (the signature covers WooCommerce's JSON encoding).
 *
 * The signature covers only the body, not X-WC-Webhook-Topic: a captured `order.updated` delivery re-sent with
 * the header `order.deleted` would verify. So each topic's webhook is registered with its own secret, derived
 * from the store's (wooTopicSecret), and a delivery is checked with the secret of the topic it claims: a body
 * signed for one topic fails under any other.
 */
import { createHash, createHmac } from "node:crypto";
import { sameSignature } from "../../auth/signed-text";

/** The secret of one topic's webhook: base64url(HMAC-SHA256(store webhook secret, "ciclo-woo-topic:" + topic)). */
export function wooTopicSecret(storeSecret: string, topic: string): string {
  return createHmac("sha256", storeSecret).update(`ciclo-woo-topic:${topic.toLowerCase()}`).digest("base64url");
}

/** The secrets a delivery claiming `topic` may be signed with (the first that verifies wins). */
export type TopicSecrets = (topic: string) => string[];

export function signWooWebhook(rawBody: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

export function verifyWooWebhook(
  rawBody: string | Buffer,
  signatureHeader: string | null | undefined,
  secret: string,
): boolean {
  if (!signatureHeader || !secret) return false;
  return sameSignature(signatureHeader.trim(), signWooWebhook(rawBody, secret));
}

const PING_BODY = /^webhook_id=(\d{1,20})$/;

/** The webhook id if this is WooCommerce's creation ping (no signature, form body `webhook_id=N`). */
export function wooPingWebhookId(rawBody: string, signatureHeader: string | null | undefined): string | null {
  if (signatureHeader) return null;
  const match = PING_BODY.exec(rawBody.trim());
  return match ? match[1]! : null;
}

export type WooDelivery =
  | { kind: "ping"; webhookId: string }
  | {
      kind: "delivery";
      topic: string;
      resource: string | null;
      event: string | null;
      webhookId: string | null;
      /** wp_hash(webhook id + current second): two resources sent by one webhook in one second share it. */
      deliveryId: string | null;
      /** What to dedupe on: webhook, delivery id and a hash of the body (see deliveryId). */
      dedupeKey: string;
      source: string | null;
      payload: unknown;
    }
  | { kind: "rejected"; status: 400 | 401; reason: string };

type HeaderGetter = { get(name: string): string | null };

/**
 * Classifies a request to Ciclo's WooCommerce webhook endpoint; never throws. `secret`: one secret for every topic,
 * or the secrets accepted for the claimed topic (the app's per-topic secrets).
 */
export function classifyWooDelivery(
  headers: HeaderGetter,
  rawBody: string,
  secret: string | TopicSecrets,
): WooDelivery {
  const signature = headers.get("x-wc-webhook-signature");
  const pingId = wooPingWebhookId(rawBody, signature);
  if (pingId !== null && !headers.get("x-wc-webhook-topic")) return { kind: "ping", webhookId: pingId };
  if (!signature) return { kind: "rejected", status: 401, reason: "missing X-WC-Webhook-Signature" };
  const topic = headers.get("x-wc-webhook-topic");
  const secrets = typeof secret === "string" ? [secret] : topic ? secret(topic.toLowerCase()) : [];
  if (!secrets.some((candidate) => verifyWooWebhook(rawBody, signature, candidate)))
    return { kind: "rejected", status: 401, reason: "bad signature" };
  if (!topic) return { kind: "rejected", status: 400, reason: "missing X-WC-Webhook-Topic" };
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return { kind: "rejected", status: 400, reason: "body is not JSON" };
  }
  // Every WooCommerce resource (order, customer, product…) is a JSON object; anything else is refused, not stored.
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return { kind: "rejected", status: 400, reason: "body is not a JSON object" };
  return {
    kind: "delivery",
    topic: topic.toLowerCase(),
    resource: headers.get("x-wc-webhook-resource"),
    event: headers.get("x-wc-webhook-event"),
    webhookId: headers.get("x-wc-webhook-id"),
    deliveryId: headers.get("x-wc-webhook-delivery-id"),
    dedupeKey: [
      headers.get("x-wc-webhook-id") ?? "",
      headers.get("x-wc-webhook-delivery-id") ?? "",
      createHash("sha256").update(rawBody).digest("base64url").slice(0, 22),
    ].join(":"),
    source: headers.get("x-wc-webhook-source"),
    payload,
  };
}

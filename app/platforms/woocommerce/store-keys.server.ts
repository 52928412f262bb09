/**
 * A WooCommerce store's secrets as we keep them: REST keys, webhook secret and embed secret, each sealed with the
 * SecretBox. Opened only to make a request or verify a signature; never logged.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Store } from "@prisma/client";
import { createWooClient, wooTopicSecret, type TopicSecrets, type WooClient, type WooClientOptions } from "./index";
import type { SecretBox } from "../../security/secret-box.server";

export interface WooKeys {
  consumerKey: string;
  consumerSecret: string;
}

/** Client settings that are not secrets (tests pass the simulator's CA and short retries). */
export type WooClientTuning = Omit<WooClientOptions, "storeUrl" | "consumerKey" | "consumerSecret">;

export type WooStoreRow = Pick<Store, "id" | "platform" | "baseUrl" | "credentials">;

export function sealKeys(box: SecretBox, keys: WooKeys): string {
  return box.seal(JSON.stringify({ consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret }));
}

export function openKeys(box: SecretBox, sealed: string): WooKeys {
  const parsed = JSON.parse(box.open(sealed)) as Partial<WooKeys>;
  if (typeof parsed.consumerKey !== "string" || typeof parsed.consumerSecret !== "string")
    throw new Error("stored WooCommerce credentials are incomplete");
  return { consumerKey: parsed.consumerKey, consumerSecret: parsed.consumerSecret };
}

/** A fresh secret for webhook signatures or plugin tokens (the plugin requires at least 32 characters). */
export function newStoreSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Guest ids are keyed per store (decision 052), derived from the app's encryption key: nothing to store. */
export function wooGuestKey(encryptionKey: Buffer, storeId: string): Buffer {
  return createHmac("sha256", encryptionKey).update(`woo-guest:${storeId}`).digest();
}

export function wooClientForStore(store: WooStoreRow, box: SecretBox, tuning: WooClientTuning = {}): WooClient {
  if (store.platform !== "woocommerce") throw new Error(`store ${store.id} is not a WooCommerce store`);
  if (!store.baseUrl || !store.credentials) throw new Error(`store ${store.id} has no WooCommerce credentials`);
  return createWooClient({ ...tuning, storeUrl: store.baseUrl, ...openKeys(box, store.credentials) });
}

/** Where WooCommerce delivers this store's webhooks. */
export function wooDeliveryUrl(appUrl: string, storeId: string): string {
  return `${appUrl.replace(/\/+$/, "")}/webhooks/woo/${encodeURIComponent(storeId)}`;
}

/** Deliveries change nothing for good: a replay under another upsert topic applies the same newest-wins write. */
const UPSERT_TOPICS = new Set(["order.created", "order.updated", "customer.created", "customer.updated"]);

/**
 * The secrets a delivery claiming a topic may carry: its topic's own; and, until the store's webhooks have been
 * moved to per-topic secrets, the old shared secret for upsert topics only (a deletion or restore must carry its
 * topic's secret, so a captured delivery can never be replayed as one).
 */
export function acceptedWebhookSecrets(storeSecret: string, topicSecretsRegistered: boolean): TopicSecrets {
  return (topic) => [
    wooTopicSecret(storeSecret, topic),
    ...(!topicSecretsRegistered && UPSERT_TOPICS.has(topic) ? [storeSecret] : []),
  ];
}

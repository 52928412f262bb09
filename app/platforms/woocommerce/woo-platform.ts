/**
 * WooCommerce's StorePlatform. Guest ids are keyed per store, and the interface passes no store context, so
 * the platform is made per store with that store's guest key (e.g. HMAC(encryptionKey, "woo-guest:" + storeId)).
 */
import type { StorePlatform } from "../platform";
import { mapWooWebhook } from "./map-webhook";

/** customer.deleted is a privacy deletion: process it even for a store that disconnected Ciclo. */
const COMPLIANCE = new Set(["customer.deleted"]);

export function createWooPlatform(options: { guestKey: Buffer | string }): StorePlatform {
  return {
    name: "woocommerce",
    mapWebhook: (topic, payload) => mapWooWebhook(topic, payload, { guestKey: options.guestKey }),
    isComplianceTopic: (topic) => COMPLIANCE.has(topic.toLowerCase()),
  };
}

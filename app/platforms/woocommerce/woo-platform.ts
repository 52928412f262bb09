/**
 * WooCommerce's StorePlatform. Guest ids are keyed per store, and the interface passes no store context, so
 * the platform is made per store with that store's guest key (e.g. HMAC(encryptionKey, "woo-guest:" + storeId)).
 */
import { currencyDigits, formatMinorDigits } from "../../domain/money";
import type { PlatformLabels, StorePlatform } from "../platform";
import { metaDiff, previousLabels, type CicloCustomerLabels } from "./customer-meta";
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

export const wooLabels: PlatformLabels = {
  // Segment, stage and CLV also go out as `_ciclo_` meta: write when those change, tags or not (same labels and
  // same diff as the label writer uses). Nothing is carried on the outbox: the writer reads the scores itself.
  encodeLabels: (labels, tags) => {
    const next: CicloCustomerLabels = {
      segment: labels.segment,
      stage: labels.stage,
      clv: formatMinorDigits(labels.clvMinor, currencyDigits(labels.currency)),
      tags: [...tags].sort(),
      nextProduct: labels.nextProduct,
    };
    return { carried: null, changedFrom: (confirmed) => metaDiff(next, previousLabels(confirmed)).length > 0 };
  },
  // WooCommerce's admin lives on the merchant's own site; no stable customer or tag list URL to link to.
  customerAdminUrl: () => null,
  customersWithTagUrl: () => null,
};

import { formatMinorUnits } from "../../domain/money";
import type { PlatformLabels, StorePlatform } from "../platform";
import { mapShopifyWebhook } from "./map-webhook";
import { cicloMetafieldsJson } from "./tags/ciclo-metafields";

const COMPLIANCE = new Set(["customers/data_request", "customers/redact", "shop/redact", "app/uninstalled"]);

export const shopifyPlatform: StorePlatform = {
  name: "shopify",
  mapWebhook: mapShopifyWebhook,
  isComplianceTopic: (topic) => COMPLIANCE.has(topic.toLowerCase()),
};

export const shopifyLabels: PlatformLabels = {
  // Tags always; the `ciclo.*` metafields when the merchant asked for them, written when they change.
  encodeLabels: (labels, _tags, options) => {
    if (!options.pushMetafields) return null;
    const json = cicloMetafieldsJson({
      segment: labels.segment,
      stage: labels.stage,
      clv: formatMinorUnits(labels.clvMinor, labels.currency),
      pAlive: labels.pAlive,
      nextOrder: labels.nextOrder,
      nextProduct: labels.nextProduct,
    });
    return { carried: json, changedFrom: (confirmed) => json !== confirmed };
  },
  // Inside the admin, App Bridge resolves shopify://admin links to the current store.
  customerAdminUrl: (store, id, embedded) =>
    embedded ? `shopify://admin/customers/${id}` : `https://${store.domain}/admin/customers/${id}`,
  customersWithTagUrl: (store, tag, embedded) => {
    const query = encodeURIComponent(`customer_tags:'${tag}'`);
    return embedded
      ? `shopify://admin/customers?query=${query}`
      : `https://${store.domain}/admin/customers?query=${query}`;
  },
};

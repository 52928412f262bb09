import type { StorePlatform } from "../platform";
import { mapShopifyWebhook } from "./map-webhook";

const COMPLIANCE = new Set(["customers/data_request", "customers/redact", "shop/redact", "app/uninstalled"]);

export const shopifyPlatform: StorePlatform = {
  name: "shopify",
  mapWebhook: mapShopifyWebhook,
  isComplianceTopic: (topic) => COMPLIANCE.has(topic.toLowerCase()),
};

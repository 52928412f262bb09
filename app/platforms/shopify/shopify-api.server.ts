/**
 * The lower layer of Shopify's library (@shopify/shopify-api), configured like the Remix app: it verifies webhooks
 * without touching sessions and refreshes expiring offline tokens on demand. shopify-app-remix builds the same
 * object internally but does not expose it.
 */
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from "@shopify/shopify-api";

export interface ShopifyApiSettings {
  apiKey: string;
  apiSecretKey: string;
  appUrl: string;
  scopes?: string[];
}

export function createShopifyApi(settings: ShopifyApiSettings): Shopify {
  const url = new URL(settings.appUrl);
  return shopifyApi({
    apiKey: settings.apiKey,
    apiSecretKey: settings.apiSecretKey,
    apiVersion: ApiVersion.July26,
    hostName: url.host,
    hostScheme: url.protocol === "http:" ? "http" : "https",
    isEmbeddedApp: true,
    scopes: settings.scopes,
    logger: { level: LogSeverity.Error },
  });
}

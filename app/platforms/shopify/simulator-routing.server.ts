/**
 * Demo and test mode only: sends the Shopify library's Admin API calls for `https://{shop}/admin/...`
 * to the local Shopify simulator instead, so the production code path (shopify-api's own client) is exercised.
 * config.server refuses SHOPIFY_ADMIN_ORIGIN in production.
 */
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

export function simulatorUrl(url: string, origin: string): string {
  const parsed = new URL(url);
  if (!parsed.hostname.endsWith(".myshopify.com") || !parsed.pathname.startsWith("/admin/")) return url;
  return `${origin.replace(/\/$/, "")}/shops/${parsed.hostname}${parsed.pathname}${parsed.search}`;
}

export function routeAdminApiToSimulator(origin: string): void {
  const realFetch = globalThis.fetch;
  setAbstractFetchFunc((input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return realFetch(simulatorUrl(url, origin), init);
  });
}

/** Finding the Store row of a Shopify shop (sessions, App Bridge tokens and the demo login name a shop domain). */
import type { Db } from "../../db.server";

/** The unique key of a Shopify shop's Store row. */
export function shopifyStoreKey(shop: string) {
  return { platform_domain: { platform: "shopify", domain: shop } } as const;
}

export function findShopifyStore(db: Db, shop: string) {
  return db.store.findUnique({ where: shopifyStoreKey(shop) });
}

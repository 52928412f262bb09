/**
 * The platform adapter for one store. Shopify's is shared; WooCommerce's is made per store because guest ids are
 * keyed per store (decision 052). The inbox processor calls this instead of `platformFor(store.platform)`.
 */
import { platformFor } from "..";
import type { StorePlatform } from "../platform";
import { createWooPlatform } from "./index";
import { wooGuestKey } from "./store-keys.server";

const cache = new Map<string, StorePlatform>();

export function platformForStore(store: { id: string; platform: string }, encryptionKey: Buffer): StorePlatform {
  if (store.platform !== "woocommerce") return platformFor(store.platform);
  let platform = cache.get(store.id);
  if (!platform) {
    platform = createWooPlatform({ guestKey: wooGuestKey(encryptionKey, store.id) });
    if (cache.size > 10_000) cache.clear();
    cache.set(store.id, platform);
  }
  return platform;
}

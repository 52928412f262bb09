import type { Platform } from "../domain/types";
import type { StorePlatform } from "./platform";
import { shopifyPlatform } from "./shopify/shopify-platform";

const PLATFORMS: Partial<Record<Platform, StorePlatform>> = { shopify: shopifyPlatform };

export function platformFor(name: string): StorePlatform {
  const platform = PLATFORMS[name as Platform];
  if (!platform) throw new Error(`no adapter for platform ${name}`);
  return platform;
}

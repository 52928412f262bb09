/** One conformance driver per registered platform: the compiler refuses a platform without one. */
import type { Platform } from "../../../app/domain/types";
import type { ConformanceDriver } from "./driver";
import { shopifyDriver } from "./shopify";
import { wooDriver } from "./woocommerce";

export const CONFORMANCE_DRIVERS: Record<Platform, ConformanceDriver> = {
  shopify: shopifyDriver,
  woocommerce: wooDriver,
};

export * from "./driver";

/**
 * The WooCommerce parts of the running app, for the routes under /woo and /webhooks/woo: connect flow, sync
 * runner, reconciliation, webhook and embed dependencies. Built once by the composition root (services.server.ts,
 * through the platform registry); this accessor has no side effects.
 */
import { services } from "../../services.server";
import type { WooRuntime } from "./platform.server";

export type WooServices = WooRuntime;

export function wooServices(): WooServices {
  return services().platforms.woocommerce;
}

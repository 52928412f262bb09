/**
 * Admin API access to the Shopify simulator through the production path: shopify-app-remix's
 * `unauthenticated.admin(shop)` with the shop's offline session, its requests rerouted to the simulator.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { Session } from "@shopify/shopify-api";
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { fromRemixAdmin, withThrottleRetry, type AdminGraphql } from "../../app/platforms/shopify/admin-graphql.server";
import { routeAdminApiToSimulator } from "../../app/platforms/shopify/simulator-routing.server";
import type { ShopifySimulator } from "../simulators/shopify";
import type { SimulatedShop } from "../simulators/shopify/store";

export function simulatorAdmin(sim: ShopifySimulator) {
  routeAdminApiToSimulator(sim.baseUrl);
  const config = testConfig({ apiVersion: ApiVersion.July26, logger: { level: LogSeverity.Error } });
  // testConfig's custom-app token would override every session's token; we want the shop's own.
  delete (config as { adminApiAccessToken?: string }).adminApiAccessToken;
  const shopify = shopifyApp(config);
  return {
    /** Records the shop's offline session, as OAuth would at install. */
    async install(shop: SimulatedShop) {
      await shopify.sessionStorage!.storeSession(
        new Session({
          id: `offline_${shop.domain}`,
          shop: shop.domain,
          state: "test",
          isOnline: false,
          accessToken: shop.info.accessToken,
        }),
      );
    },
    adminFor: async (domain: string): Promise<AdminGraphql> => {
      const { admin } = await shopify.unauthenticated.admin(domain);
      return withThrottleRetry(fromRemixAdmin(admin));
    },
  };
}

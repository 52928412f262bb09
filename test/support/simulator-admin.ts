/**
 * Admin API access to the Shopify simulator through the production path: shopify-app-remix's
 * `unauthenticated.admin(shop)` with the shop's offline session (an expiring token and its refresh token, as
 * token exchange stores it), wrapped in the app's OfflineAdmins, its requests rerouted to the simulator.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { Session } from "@shopify/shopify-api";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { withThrottleRetry, type AdminGraphql } from "../../app/platforms/shopify/admin-graphql.server";
import { OfflineAdmins } from "../../app/platforms/shopify/offline-admin.server";
import { createShopifyApi } from "../../app/platforms/shopify/shopify-api.server";
import { routeAdminApiToSimulator } from "../../app/platforms/shopify/simulator-routing.server";
import type { ShopifySimulator } from "../../simulators/shopify";
import type { SimulatedShop } from "../../simulators/shopify/store";

export function simulatorAdmin(sim: ShopifySimulator) {
  routeAdminApiToSimulator(sim.baseUrl);
  const config = testConfig({
    apiVersion: ApiVersion.July26,
    distribution: AppDistribution.AppStore,
    logger: { level: LogSeverity.Error },
    future: { expiringOfflineAccessTokens: true },
  });
  // testConfig's custom-app token would override every session's token; we want the shop's own.
  delete (config as { adminApiAccessToken?: string }).adminApiAccessToken;
  const shopify = shopifyApp(config);
  const api = createShopifyApi({ apiKey: config.apiKey, apiSecretKey: config.apiSecretKey, appUrl: config.appUrl });
  const storage = shopify.sessionStorage!;
  const admins = new OfflineAdmins({
    admin: (shop) => shopify.unauthenticated.admin(shop),
    loadSession: (shop) => storage.loadSession(`offline_${shop}`),
    refresh: async (shop, refreshToken) => {
      const { session } = await api.auth.refreshToken({ shop, refreshToken });
      await storage.storeSession(session);
      return session;
    },
  });
  return {
    sessionStorage: storage,
    /** Records the shop's offline session, as token exchange (expiring=1) would at install. */
    async install(shop: SimulatedShop, expiresAt = new Date(Date.now() + 3600_000)) {
      await storage.storeSession(
        new Session({
          id: `offline_${shop.domain}`,
          shop: shop.domain,
          state: "test",
          isOnline: false,
          accessToken: shop.info.accessToken,
          refreshToken: shop.info.refreshToken,
          expires: expiresAt,
          scope: shop.auth.grantedScopes.join(","),
        }),
      );
    },
    adminFor: async (domain: string): Promise<AdminGraphql> => withThrottleRetry(admins.graphqlFor(domain)),
  };
}

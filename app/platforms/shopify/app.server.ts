/**
 * Shopify's libraries, configured once by the composition root (Admin API 2026-07).
 * Sessions live in our database with tokens encrypted; installs create the Store row and start a backfill.
 * Offline tokens expire after 60 minutes: background work goes through OfflineAdmins (refresh per call, and on a
 * 401); webhooks are verified by their signature alone, without loading (or refreshing) a session.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { CicloConfig } from "../../config.server";
import type { Db } from "../../db.server";
import { EncryptedSessionStorage } from "../../db/encrypted-session-storage.server";
import { SecretBox } from "../../security/secret-box.server";
import { withThrottleRetry, type AdminGraphql } from "./admin-graphql.server";
import { OfflineAdmins } from "./offline-admin.server";
import { routeAdminApiToSimulator } from "./simulator-routing.server";
import { createShopifyApi } from "./shopify-api.server";
import { createFastWebhookVerifier } from "./webhook-verifier.server";

export const apiVersion = ApiVersion.July26;

export interface ShopifyAppDeps {
  cfg: CicloConfig;
  db: Db;
  /** Shopify's OAuth finished for a shop (install or re-install). */
  onInstalled(shop: string, scopes: string): Promise<unknown>;
}

export function createShopifyApp(deps: ShopifyAppDeps) {
  const { cfg } = deps;
  if (cfg.shopifyAdminOrigin) routeAdminApiToSimulator(cfg.shopifyAdminOrigin);

  const sessionStorage = new EncryptedSessionStorage(
    new PrismaSessionStorage(deps.db),
    new SecretBox(cfg.encryptionKey),
  );

  const shopify = shopifyApp({
    apiKey: cfg.shopifyApiKey,
    apiSecretKey: cfg.shopifyApiSecret,
    apiVersion,
    scopes: cfg.scopes,
    appUrl: cfg.appUrl,
    authPathPrefix: "/auth",
    sessionStorage,
    distribution: AppDistribution.AppStore,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    logger: { level: cfg.logLevel === "debug" ? 3 : 1 },
    hooks: {
      afterAuth: async ({ session }) => {
        await deps.onInstalled(session.shop, session.scope ?? "");
      },
    },
  });

  /** The library's lower layer with the same credentials: webhook signatures and token refreshes. */
  const api = createShopifyApi({
    apiKey: cfg.shopifyApiKey,
    apiSecretKey: cfg.shopifyApiSecret,
    appUrl: cfg.appUrl,
    scopes: cfg.scopes,
  });

  const offlineAdmins = new OfflineAdmins({
    admin: (shop) => shopify.unauthenticated.admin(shop),
    loadSession: (shop) => sessionStorage.loadSession(api.session.getOfflineId(shop)),
    refresh: async (shop, refreshToken) => {
      const { session } = await api.auth.refreshToken({ shop, refreshToken });
      await sessionStorage.storeSession(session);
      return session;
    },
  });

  return {
    shopify,
    sessionStorage,
    /** The library's webhook check (signature and headers, no session), computed with node:crypto. */
    verifyWebhook: createFastWebhookVerifier(cfg.shopifyApiSecret),
    /** Admin GraphQL for background work on a shop; valid across token expiries (see offline-admin.server.ts). */
    backgroundAdmin: (shop: string) => offlineAdmins.graphqlFor(shop),
    /** The same, retried on throttling: what backfill, installs, reconciliation and the label writer use. */
    adminFor: async (shop: string): Promise<AdminGraphql> => withThrottleRetry(offlineAdmins.graphqlFor(shop)),
  };
}

export type ShopifyApp = ReturnType<typeof createShopifyApp>;

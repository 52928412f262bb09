/**
 * The one place Shopify's libraries are configured (Admin API 2026-07).
 * Sessions live in our database with tokens encrypted; installs create the Store row and start a backfill.
 * Offline tokens expire after 60 minutes: background work goes through OfflineAdmins (refresh per call, and on a
 * 401); webhooks are verified by their signature alone, without loading (or refreshing) a session.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { config } from "./config.server";
import { EncryptedSessionStorage } from "./db/encrypted-session-storage.server";
import { SecretBox } from "./security/secret-box.server";
import { routeAdminApiToSimulator } from "./platforms/shopify/simulator-routing.server";
import { createShopifyApi } from "./platforms/shopify/shopify-api.server";
import { OfflineAdmins } from "./platforms/shopify/offline-admin.server";
import { createFastWebhookVerifier } from "./platforms/shopify/webhook-verifier.server";
import { services } from "./services.server";

const cfg = config();
if (cfg.shopifyAdminOrigin) routeAdminApiToSimulator(cfg.shopifyAdminOrigin);

export const sessionStorage = new EncryptedSessionStorage(
  new PrismaSessionStorage(services().db),
  new SecretBox(cfg.encryptionKey),
);

const shopify = shopifyApp({
  apiKey: cfg.shopifyApiKey,
  apiSecretKey: cfg.shopifyApiSecret,
  apiVersion: ApiVersion.July26,
  scopes: cfg.scopes,
  appUrl: cfg.appUrl,
  authPathPrefix: "/auth",
  sessionStorage,
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  logger: { level: cfg.logLevel === "debug" ? 3 : 1 },
  hooks: {
    afterAuth: async ({ session }) => {
      await services().installs.onInstalled(session.shop, session.scope ?? "");
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

/** The library's webhook check (signature and headers, no session), computed with node:crypto. */
export const verifyShopifyWebhook = createFastWebhookVerifier(cfg.shopifyApiSecret);

const offlineAdmins = new OfflineAdmins({
  admin: (shop) => shopify.unauthenticated.admin(shop),
  loadSession: (shop) => sessionStorage.loadSession(api.session.getOfflineId(shop)),
  refresh: async (shop, refreshToken) => {
    const { session } = await api.auth.refreshToken({ shop, refreshToken });
    await sessionStorage.storeSession(session);
    return session;
  },
});

/** Admin GraphQL for background work on a shop; valid across token expiries (see offline-admin.server.ts). */
export const backgroundAdmin = (shop: string) => offlineAdmins.graphqlFor(shop);

export default shopify;
export const apiVersion = ApiVersion.July26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;

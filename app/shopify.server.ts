/**
 * The one place @shopify/shopify-app-remix is configured (Admin API 2026-07).
 * Sessions live in our database with tokens encrypted; installs create the Store row and start a backfill.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { config } from "./config.server";
import { EncryptedSessionStorage } from "./db/encrypted-session-storage.server";
import { SecretBox } from "./security/secret-box.server";
import { routeAdminApiToSimulator } from "./platforms/shopify/simulator-routing.server";
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

export default shopify;
export const apiVersion = ApiVersion.July26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;

/**
 * Shopify's libraries for the routes (authenticate, login, document headers, webhook check). Built once by the
 * composition root (services.server.ts, see platforms/shopify/app.server.ts); this module only hands them out.
 */
import { shopifyApp } from "./services.server";

const app = shopifyApp();

export const sessionStorage = app.sessionStorage;
export const verifyShopifyWebhook = app.verifyWebhook;
export const backgroundAdmin = app.backgroundAdmin;

export default app.shopify;
export { apiVersion } from "./platforms/shopify/app.server";
export const addDocumentResponseHeaders = app.shopify.addDocumentResponseHeaders;
export const authenticate = app.shopify.authenticate;
export const unauthenticated = app.shopify.unauthenticated;
export const login = app.shopify.login;
export const registerWebhooks = app.shopify.registerWebhooks;

/** The WooCommerce platform adapter's public surface. */
export { createWooPlatform } from "./woo-platform";
export { mapWooOrder, type WooStoreOrder, type WooOrderCustomer, type MapWooOrderOptions } from "./map-order";
export { mapWooCustomer } from "./map-customer";
export { mapWooWebhook, WOO_WEBHOOK_TOPICS, type WooWebhookTopic } from "./map-webhook";
export { COUNTED_WOO_STATUSES, wooStatusEffect } from "./order-status";
export { guestCustomerId, isGuestCustomerId, normalizeGuestEmail, GUEST_ID_PREFIX } from "./guest-identity";
export {
  classifyWooDelivery,
  wooTopicSecret,
  type TopicSecrets,
  signWooWebhook,
  verifyWooWebhook,
  wooPingWebhookId,
  type WooDelivery,
} from "./webhook-signature";
export {
  createWooClient,
  WooApiError,
  type WooClient,
  type WooClientOptions,
  type WooCredentials,
  type WooResponse,
} from "./rest-client";
export { syncWooOrders, OVERLAP_MS, type WooOrderPage, type WooOrderSyncOptions } from "./sync-orders";
export { syncWooCustomers, type WooCustomerPage } from "./sync-customers";
export {
  buildAuthorizeUrl,
  checkCredentials,
  normalizeStoreUrl,
  parseKeyExchangeCallback,
  type AuthorizeUrlInput,
  type CredentialCheck,
  type WooKeyExchangeCallback,
} from "./key-exchange";
export { ensureWebhooks, listWebhooks, type EnsureWebhooksReport } from "./webhooks";
export { reconcile, type Reconciliation } from "./reconcile";
export {
  writeCustomerMeta,
  metaDiff,
  cicloMetaEntries,
  CICLO_META_PREFIX,
  previousLabels,
  BATCH_LIMIT,
  type CicloCustomerLabels,
  type CustomerMetaChange,
  type WriteCustomerMetaResult,
} from "./customer-meta";
export {
  verifyEmbedToken,
  verifySurveyToken,
  signSurveyToken,
  type EmbedToken,
  type SurveyToken,
} from "./plugin-tokens";

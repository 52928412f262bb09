/** Public entry point of the local Shopify simulator (see README.md). */
export { start, type ShopifySimulator, type StartOptions, type ShopApiStats } from "./server";
export {
  SimulatedShop,
  ShopRegistry,
  ShopError,
  type CreateShopOptions,
  type NewOrderInput,
  type NewCustomerInput,
  type NewLineInput,
} from "./store";
export {
  WebhookSender,
  buildWebhookRequest,
  signWebhook,
  WEBHOOK_API_VERSION,
  SHOPIFY_RETRY_SCHEDULE_MS,
  SHOPIFY_TIMEOUT_MS,
  type WebhookEvent,
  type WebhookTopic,
  type WebhookSenderOptions,
  type WebhookRequest,
  type DeliveryRecord,
  type SignatureMode,
} from "./webhooks";
export { generateDemoHistory, type DemoHistory, type DemoHistoryOptions, type DemoHistoryStats } from "./history";
export { LiveEventStream, type LiveAction, type LiveActionKind } from "./live";
export { restOrder, restCustomer, restRefund, restShop, type JsonObject } from "./payloads";
export { BulkOperations, type BulkFault, type BulkOptions, type BulkOperationRecord } from "./graphql/bulk";
export { PLAN_LIMITS, LeakyBucket, type ThrottleStatus } from "./graphql/throttle";
export { adminSchema, ADMIN_API_VERSION } from "./graphql/schema";
export { DEMO_CATALOG } from "./catalog";
export type * from "./model";
export { gid, parseGid } from "./ids";
export { restMoney, graphqlDecimal, parseMoney } from "./money";

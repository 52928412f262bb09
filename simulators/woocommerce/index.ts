export { startWooSimulator, SIMULATOR_CA, type WooSimulator, type WooSimulatorOptions } from "./server";
export { SimStore, PRODUCTS, ORDER_STATUSES } from "./store";
export { WebhookDispatcher, USER_AGENT } from "./webhooks";
export { startReceiver, headerLookup, waitFor, type Receiver, type ReceivedRequest } from "./receiver";
export { phpJsonEncode } from "./php-json";

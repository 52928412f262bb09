/**
 * WooCommerce webhook topics -> StoreEvent. Payloads are the REST v3 documents of the resource, built when the
 * delivery runs (so an order.created body may already show a later status); `*.deleted` payloads are `{id}`.
 */
import { id, isObject } from "../json";
import type { MappedWebhook } from "../platform";
import { mapWooCustomer } from "./map-customer";
import { mapWooOrder } from "./map-order";

export const WOO_WEBHOOK_TOPICS = [
  "order.created",
  "order.updated",
  "order.deleted",
  "order.restored",
  "customer.created",
  "customer.updated",
  "customer.deleted",
] as const;
export type WooWebhookTopic = (typeof WOO_WEBHOOK_TOPICS)[number];

export interface MapWooWebhookOptions {
  guestKey: Buffer | string;
  /** When the deletion happened; defaults to now (WooCommerce sends no time with `{id}`). */
  receivedAt?: Date;
}

export function mapWooWebhook(topic: string, payload: unknown, options: MapWooWebhookOptions): MappedWebhook {
  if (!isObject(payload)) return { kind: "invalid", reason: "payload is not a JSON object" };
  const at = options.receivedAt ?? new Date();
  switch (topic.toLowerCase()) {
    case "order.created":
    case "order.updated": {
      const order = mapWooOrder(payload, { guestKey: options.guestKey });
      return "reason" in order ? { kind: "invalid", reason: order.reason } : { kind: "order.upsert", order };
    }
    case "order.restored": {
      // Trash is reversible in WooCommerce: the order comes back, and so must its deletion in Ciclo.
      const order = mapWooOrder(payload, { guestKey: options.guestKey });
      return "reason" in order ? { kind: "invalid", reason: order.reason } : { kind: "order.restore", order };
    }
    case "order.deleted": {
      // Trashing and deleting both send this; a trashed order that is restored arrives as order.restored.
      const orderId = id(payload, "id");
      return orderId
        ? { kind: "order.delete", orderExternalId: orderId, at }
        : { kind: "invalid", reason: "order.deleted without id" };
    }
    case "customer.created":
    case "customer.updated": {
      const customer = mapWooCustomer(payload);
      return customer ? { kind: "customer.upsert", customer } : { kind: "invalid", reason: "customer without id" };
    }
    case "customer.deleted": {
      const customerId = id(payload, "id");
      return customerId
        ? { kind: "customer.delete", customerExternalId: customerId, at }
        : { kind: "invalid", reason: "customer.deleted without id" };
    }
    default:
      return { kind: "ignored", reason: `topic ${topic} is not used by Ciclo` };
  }
}

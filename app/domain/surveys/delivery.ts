/**
 * When an order is ready for the NPS question: after it arrived, not while it is still on its way
 * ("would you recommend us" means little before the product is in the customer's hands).
 *
 * Ready when any fulfillment was delivered or picked up, or when the order is fulfilled and nothing is being
 * tracked (digital goods, local delivery without a carrier): then fulfilment is the best signal there is.
 * Self-contained (no imports) because the extension bundles it too.
 */

export interface FulfillmentState {
  /** Customer Account API FulfillmentStatus: SUCCESS, CANCELLED, ERROR, FAILURE (OPEN/PENDING deprecated). */
  status: string | null;
  /** Latest carrier event: IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, PICKED_UP… or null when untracked. */
  latestShipmentStatus: string | null;
  isPickedUp?: boolean;
}

export interface OrderDeliveryState {
  cancelled: boolean;
  /** Order-level status: FULFILLED, PARTIALLY_FULFILLED, UNFULFILLED… (upper or lower case). */
  fulfillmentStatus: string | null;
  fulfillments: readonly FulfillmentState[];
}

export type NpsReadiness =
  | { ready: true; because: "delivered" | "fulfilled-untracked" }
  | { ready: false; because: "order-cancelled" | "not-delivered" };

const ARRIVED = new Set(["DELIVERED", "PICKED_UP"]);

export function npsReadiness(order: OrderDeliveryState): NpsReadiness {
  if (order.cancelled) return { ready: false, because: "order-cancelled" };
  const live = order.fulfillments.filter((f) => (f.status ?? "SUCCESS").toUpperCase() === "SUCCESS");
  if (live.some((f) => f.isPickedUp === true || ARRIVED.has((f.latestShipmentStatus ?? "").toUpperCase()))) {
    return { ready: true, because: "delivered" };
  }
  const fulfilled = (order.fulfillmentStatus ?? "").toUpperCase() === "FULFILLED";
  if (fulfilled && live.every((f) => f.latestShipmentStatus === null))
    return { ready: true, because: "fulfilled-untracked" };
  return { ready: false, because: "not-delivered" };
}

/**
 * Has this order arrived? Asked of the Customer Account API (authenticated by the host, no session token),
 * and decided by the same rule the server applies (app/domain/surveys/delivery.ts). Any failure reads as
 * "not yet": NPS is never asked before delivery.
 */
import { npsReadiness, type FulfillmentState } from "../../../app/domain/surveys/delivery";
import { withTimeout } from "./with-timeout";

export const CUSTOMER_ACCOUNT_API_URL = "shopify://customer-account/api/2026-07/graphql.json";

export const ORDER_DELIVERY_QUERY = `query CicloOrderDelivery($id: ID!) {
  order(id: $id) {
    cancelledAt
    fulfillmentStatus
    fulfillments(first: 10) { nodes { status latestShipmentStatus isPickedUp } }
  }
}`;

interface OrderDeliveryData {
  order: {
    cancelledAt: string | null;
    fulfillmentStatus: string;
    fulfillments: { nodes: FulfillmentState[] };
  } | null;
}

export async function isOrderReadyForNps(orderId: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await withTimeout(
      fetch(CUSTOMER_ACCOUNT_API_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: ORDER_DELIVERY_QUERY, variables: { id: orderId } }),
      }),
      timeoutMs,
    );
    if (!response.ok) return false;
    const { data } = (await withTimeout(response.json(), timeoutMs)) as { data?: OrderDeliveryData };
    const order = data?.order;
    if (!order) return false;
    return npsReadiness({
      cancelled: order.cancelledAt !== null,
      fulfillmentStatus: order.fulfillmentStatus,
      fulfillments: order.fulfillments.nodes,
    }).ready;
  } catch {
    return false;
  }
}

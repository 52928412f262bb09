/**
 * Whose order may a survey caller answer for? A checkout or customer-account session token proves the shop and,
 * for a logged-in buyer, the customer (`sub`); it does not name the order, which comes from the request. So the
 * order is bound to the token here:
 * - an order Ciclo knows with a customer: only that customer's token;
 * - a known order without a customer (a guest checkout): only a guest token, only on the thank-you page, and only
 *   while the thank-you page is plausibly still open (GUEST_ANSWER_WINDOW_MS after the order);
 * - an order Ciclo does not know yet (the thank-you page often beats the order webhook): the thank-you page, any
 *   token; the order-status page (always a signed-in customer, days later) needs a signed-in token.
 * Pure: no database, no clock (pass `now`).
 */
import type { SurveyTarget } from "../domain/surveys/catalogue";

export const GUEST_ANSWER_WINDOW_MS = 24 * 3600_000;

export interface OrderOwnership {
  /** Ciclo has the order. */
  known: boolean;
  /** The order's customer (platform id), null for a guest order. */
  customerExternalId: string | null;
  processedAt: Date | null;
}

export function callerMayAnswer(input: {
  target: SurveyTarget;
  tokenCustomerExternalId: string | null;
  order: OrderOwnership;
  now: Date;
}): boolean {
  const { target, tokenCustomerExternalId: caller, order, now } = input;
  if (!order.known) return target === "thank-you" || caller !== null;
  if (order.customerExternalId !== null) return caller === order.customerExternalId;
  if (caller !== null || target !== "thank-you" || order.processedAt === null) return false;
  const age = now.getTime() - order.processedAt.getTime();
  return age >= -GUEST_ANSWER_WINDOW_MS && age <= GUEST_ANSWER_WINDOW_MS;
}

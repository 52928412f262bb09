/**
 * What a WooCommerce order status means for customer value. WooCommerce has no separate payment status:
 * the order status is it. The adapter marks `completed`, `processing` and `refunded` orders `paid`, and Ciclo's
 * counting rule (app/domain/orders.ts) counts those (`refunded` netted by its refunds); everything else here
 * is mapped so the rule leaves it out for the right reason:
 *
 * | status                              | financialStatus | voided | cancelledAt      | counts |
 * |-------------------------------------|-----------------|--------|------------------|--------|
 * | completed, processing               | same            | no     | null             | yes    |
 * | refunded                            | refunded        | no     | null             | net of refunds (0 when fully refunded -> left out) |
 * | on-hold (awaiting bank transfer)    | on-hold         | no     | null             | no (unpaid until it moves on) |
 * | pending, failed, checkout-draft     | same            | yes    | null             | no (never paid) |
 * | cancelled                           | cancelled       | no     | date_modified    | no     |
 * | trash                               | trash           | yes    | null             | no (deleted; restored orders come back with their status) |
 * | any custom status                   | same            | no     | null             | no (unpaid), until a store tells us otherwise |
 */
export type WooStatusEffect = { voided: boolean; cancelled: boolean; fulfilled: boolean };

const NEVER_PAID = new Set(["pending", "failed", "checkout-draft", "draft", "auto-draft", "trash"]);

export function wooStatusEffect(status: string): WooStatusEffect {
  const s = status.toLowerCase();
  return { voided: NEVER_PAID.has(s), cancelled: s === "cancelled", fulfilled: s === "completed" };
}

/** Statuses whose orders count toward customer value (refunded ones net to what was kept). */
export const COUNTED_WOO_STATUSES: ReadonlySet<string> = new Set(["completed", "processing", "refunded"]);

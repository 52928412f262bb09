/** Shopify's financial statuses (lower case) that mean money was taken; the rest (pending, authorized, voided, expired) do not. */
export const SHOPIFY_PAID_STATUSES: ReadonlySet<string> = new Set([
  "paid",
  "partially_paid",
  "partially_refunded",
  "refunded",
]);

/** StoreOrder.paid for a Shopify order: null when Shopify reports no financial status. */
export function shopifyPaid(financialStatus: string | null): boolean | null {
  return financialStatus === null ? null : SHOPIFY_PAID_STATUSES.has(financialStatus.toLowerCase());
}

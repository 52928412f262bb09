/**
 * An order's value from Shopify's totals. `totalPriceSet` / `total_price` is the total before returns and does
 * not follow order edits; `currentTotalPriceSet` / `current_total_price` is the total after edits, returns and
 * line-item refunds. Refunds are netted separately (by id), so the value removed by edits and returns —
 * original minus current — becomes a floor for the refunded amount instead of being subtracted twice:
 *
 *   gross    = max(total, current)                     (an edit that adds items raises the current total)
 *   refunded >= max(reported refunded, gross - current)
 *   net      = gross - refunded                        = current when nothing beyond the removed value was refunded
 *
 * Examples: 100 with an unpaid edit removing 20 -> net 80 (no refund); 100 with a return refunded 30 -> net 70
 * (refund 30, current 70); 100 with a goodwill refund of 10 (current stays 100) -> net 90.
 */
export function orderValue(
  totalMinor: number,
  currentMinor: number | null,
  reportedRefundedMinor: number | null,
): { grossMinor: number; reportedRefundedMinor: number | null } {
  if (currentMinor === null) return { grossMinor: totalMinor, reportedRefundedMinor };
  const grossMinor = Math.max(totalMinor, currentMinor);
  const removed = grossMinor - currentMinor;
  const floor = Math.max(reportedRefundedMinor ?? 0, removed);
  return { grossMinor, reportedRefundedMinor: reportedRefundedMinor === null && removed === 0 ? null : floor };
}

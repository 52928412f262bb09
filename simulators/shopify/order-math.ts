/** Order totals derived from line items, discounts, shipping, tax and refunds — all in integer cents. */
import { includedTax, type Cents } from "./money";
import type { SimLineItem, SimOrder, SimRefund } from "./model";

export interface OrderTotals {
  lineItemsCents: Cents;
  discountCents: Cents;
  subtotalCents: Cents;
  shippingCents: Cents;
  taxCents: Cents;
  totalCents: Cents;
  refundedCents: Cents;
  currentTotalCents: Cents;
  currentSubtotalCents: Cents;
  /** Still refundable: what was received minus what was refunded. */
  outstandingRefundableCents: Cents;
  /** Value taken off by order edits while unpaid (removed units, with their discount share and tax). */
  removedCents: Cents;
  /** What the buyer owes in all: the total less what edits removed. */
  dueCents: Cents;
}

export function lineGrossCents(line: SimLineItem): Cents {
  return line.priceCents * line.quantity;
}

function taxOn(amount: Cents, order: Pick<SimOrder, "taxesIncluded" | "taxRateBasisPoints">): Cents {
  return order.taxesIncluded
    ? includedTax(amount, order.taxRateBasisPoints)
    : Math.round((amount * order.taxRateBasisPoints) / 10000);
}

export function refundAmountCents(refund: SimRefund): Cents {
  let sum = 0;
  for (const t of refund.transactions) if (t.kind === "refund" && t.status === "success") sum += t.amountCents;
  return sum;
}

export function orderTotals(order: SimOrder): OrderTotals {
  let lineItemsCents = 0;
  for (const l of order.lineItems) lineItemsCents += lineGrossCents(l);
  const subtotalCents = lineItemsCents - order.discountCents;
  const taxCents = taxOn(subtotalCents + order.shippingCents, order);
  const totalCents = subtotalCents + order.shippingCents + (order.taxesIncluded ? 0 : taxCents);
  let refundedCents = 0;
  let refundedLinesCents = 0;
  for (const r of order.refunds) {
    refundedCents += refundAmountCents(r);
    for (const rl of r.lines) refundedLinesCents += rl.subtotalCents;
  }
  let removedCents = 0;
  let removedLinesCents = 0;
  for (const l of order.lineItems) {
    if (!l.removedQuantity) continue;
    const removed = refundLineAmounts(order, l, l.removedQuantity);
    removedLinesCents += removed.subtotalCents;
    removedCents += refundCashCents(order, removed.subtotalCents, removed.totalTaxCents, 0);
  }
  const dueCents = totalCents - removedCents;
  const voided = order.financialStatus === "voided";
  const received =
    voided || order.financialStatus === "pending" || order.financialStatus === "authorized" ? 0 : dueCents;
  // Shopify's "current" totals drop refunded and edited-out line items; a voided order is worth nothing.
  const currentTotalCents = voided ? 0 : Math.max(0, dueCents - refundedCents);
  const currentSubtotalCents = voided ? 0 : Math.max(0, subtotalCents - refundedLinesCents - removedLinesCents);
  return {
    lineItemsCents,
    discountCents: order.discountCents,
    subtotalCents,
    shippingCents: order.shippingCents,
    taxCents,
    totalCents,
    refundedCents,
    currentTotalCents,
    currentSubtotalCents,
    outstandingRefundableCents: Math.max(0, received - refundedCents),
    removedCents,
    dueCents,
  };
}

/** Refund subtotal and tax for `quantity` units of a line, including its share of the order discount. */
export function refundLineAmounts(
  order: SimOrder,
  line: SimLineItem,
  quantity: number,
): { subtotalCents: Cents; totalTaxCents: Cents } {
  const gross = line.priceCents * quantity;
  const discountShare = line.quantity > 0 ? Math.round((line.discountCents * quantity) / line.quantity) : 0;
  const subtotalCents = gross - discountShare;
  return { subtotalCents, totalTaxCents: taxOn(subtotalCents, order) };
}

/** The money a refund of these amounts sends back (tax is inside the subtotal when prices include tax). */
export function refundCashCents(order: SimOrder, subtotalCents: Cents, taxCents: Cents, shippingCents: Cents): Cents {
  return subtotalCents + (order.taxesIncluded ? 0 : taxCents) + shippingCents;
}

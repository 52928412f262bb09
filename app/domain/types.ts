/**
 * Ciclo's own vocabulary for store data. Platform adapters (app/platforms/*) map Shopify's and WooCommerce's
 * JSON into these types; nothing outside app/platforms sees a platform's payload.
 * Money is integer minor units in the shop's currency (e.g. cents), never floats.
 */

export type Platform = "shopify" | "woocommerce";

export interface StoreCustomer {
  externalId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  /**
   * Whether the customer accepted e-mail marketing (subscribed). Absent = this source does not say, so what is
   * stored stays; a platform without consent never sets it.
   */
  acceptsMarketing?: boolean;
  /**
   * The platform's own RFM group and predicted spend tier (Shopify's `CustomerStatistics`), null where it has none
   * for this customer. Absent = not read by this source (webhook payloads, a denied field): what is stored stays.
   */
  platformGroups?: { rfmGroup: string | null; predictedSpendTier: string | null };
}

export interface StoreOrderLine {
  externalId: string;
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string | null;
  quantity: number;
  unitPriceMinor: number;
}

export interface StoreRefund {
  externalId: string;
  orderExternalId: string;
  amountMinor: number;
  refundedAt: Date;
  /**
   * How `amountMinor` is known (default 2): 2 = the platform's own shop-currency amount; 1 = converted from the
   * presentment currency the buyer paid in, with the order's or refund's own rate; 0 = not convertible from this
   * payload (counts as 0 until a better source arrives). A better-ranked amount replaces a worse one, never the
   * other way round.
   */
  amountRank?: 0 | 1 | 2;
}

export interface StoreOrder {
  externalId: string;
  name: string | null;
  /** null for guest checkouts */
  customer: StoreCustomer | null;
  email: string | null;
  currency: string;
  grossMinor: number;
  /** Refunds known from the order payload itself; merged with separately delivered refunds by id. */
  refunds: StoreRefund[];
  /**
   * A floor for the refunded amount, when the platform reports one: its refunded total (may include refunds not
   * itemised) and, for Shopify, the value order edits took off (original total minus current total).
   */
  reportedRefundedMinor: number | null;
  /** The platform's own payment status word, kept for display (Shopify financial status, WooCommerce status). */
  financialStatus: string | null;
  /**
   * Whether money was taken, as the platform's adapter reads its own status words; null when the platform
   * reports no payment status. The domain's counting rule looks only at this.
   */
  paid: boolean | null;
  fulfillmentStatus: string | null;
  cancelledAt: Date | null;
  test: boolean;
  /** Voided/never-paid orders that must not count toward customer value even if not cancelled. */
  voided: boolean;
  sourceName: string | null;
  landingSite: string | null;
  referringSite: string | null;
  /** WooCommerce order attribution meta beyond the landing page and referrer (source_type, utm_*), as JSON. */
  attribution?: string | null;
  processedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  lines: StoreOrderLine[];
}

/** What a verified webhook means, in our words. */
export type StoreEvent =
  | { kind: "order.upsert"; order: StoreOrder }
  | { kind: "order.delete"; orderExternalId: string; at: Date }
  /** Back from the trash (WooCommerce): lifts the deletion, then writes the order as an upsert would. */
  | { kind: "order.restore"; order: StoreOrder }
  | { kind: "refund.create"; refund: StoreRefund }
  | { kind: "customer.upsert"; customer: StoreCustomer }
  | { kind: "customer.delete"; customerExternalId: string; at: Date }
  /** E-mail marketing consent changed (a topic of its own on Shopify since API 2025-01). */
  | { kind: "customer.consent"; customerExternalId: string; acceptsMarketing: boolean }
  | { kind: "customer.redact"; customerExternalId: string; email: string | null; orderExternalIds: string[] }
  | {
      kind: "customer.dataRequest";
      customerExternalId: string;
      email: string | null;
      requestId: string | null;
      orderExternalIds: string[];
    }
  | { kind: "shop.redact" }
  | { kind: "app.uninstalled" }
  | { kind: "app.scopesUpdate"; scopes: string[] }
  | { kind: "bulkOperation.finished"; operationId: string; status: string; errorCode: string | null }
  | { kind: "ignored"; reason: string };

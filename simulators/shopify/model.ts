/**
 * The simulator's own state model: what a Shopify store holds about its shop, customers and orders, in plain
 * data (integer cents, Date objects). Payloads (REST webhooks, GraphQL, bulk JSONL) are rendered from it.
 * The history generator produces these same shapes so a shop can be bulk-loaded without emitting events.
 */
import type { Cents } from "./money";

/** Rate-limit tier. Basic/Shopify plans share the "standard" limits. */
export type ShopPlan = "standard" | "advanced" | "plus";

export interface SimShopInfo {
  id: number;
  /** "ciclo-demo.myshopify.com" */
  domain: string;
  name: string;
  email: string;
  currency: string;
  /** IANA zone, e.g. "Europe/Berlin" */
  timezone: string;
  plan: ShopPlan;
  /** The expiring offline access token of the latest install (X-Shopify-Access-Token); see oauth.ts. */
  accessToken: string;
  /** Its refresh token. */
  refreshToken: string;
  createdAt: Date;
  taxesIncluded: boolean;
  /** Country of the shop (ISO 3166-1 alpha-2). */
  countryCode: string;
}

export type CustomerState = "disabled" | "invited" | "enabled" | "declined";

export interface SimCustomer {
  id: number;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Merchant tags, in the order they were added (Shopify keeps them as a comma-separated list). */
  tags: string[];
  state: CustomerState;
  verifiedEmail: boolean;
  acceptsEmailMarketing: boolean;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  countryCode: string | null;
  city: string | null;
}

export interface SimLineItem {
  id: number;
  productId: number | null;
  variantId: number | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  /** Unit price before discounts, tax-inclusive when the shop's prices include tax. */
  priceCents: Cents;
  requiresShipping: boolean;
  /** Share of the order discount allocated to this line (sums to order.discountCents). */
  discountCents: Cents;
  /** Units taken off the order by an order edit (before fulfilment). */
  removedQuantity?: number;
}

export type TransactionKind = "authorization" | "capture" | "sale" | "void" | "refund";
export type TransactionStatus = "pending" | "failure" | "success" | "error";

export interface SimTransaction {
  id: number;
  kind: TransactionKind;
  status: TransactionStatus;
  amountCents: Cents;
  gateway: string;
  createdAt: Date;
  parentId: number | null;
}

export type RestockType = "no_restock" | "cancel" | "return" | "legacy_restock";

export interface SimRefundLine {
  id: number;
  lineItemId: number;
  quantity: number;
  restockType: RestockType;
  subtotalCents: Cents;
  totalTaxCents: Cents;
}

export interface SimRefund {
  id: number;
  /** When it was processed; GraphQL's nullable `createdAt` is null for refunds with `createdAtUnknown`. */
  createdAt: Date;
  createdAtUnknown?: boolean;
  note: string | null;
  restock: boolean;
  lines: SimRefundLine[];
  /** Refunded shipping, if any. */
  shippingCents: Cents;
  transactions: SimTransaction[];
}

export type FinancialStatus =
  "pending" | "authorized" | "partially_paid" | "paid" | "partially_refunded" | "refunded" | "voided";

export type FulfillmentStatus = null | "partial" | "fulfilled" | "restocked";

export type CancelReason = "customer" | "fraud" | "inventory" | "declined" | "staff" | "other";

export interface SimOrder {
  id: number;
  /** Sequential order number (name is "#" + number for the default format). */
  number: number;
  name: string;
  customerId: number | null;
  email: string | null;
  phone: string | null;
  createdAt: Date;
  processedAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: CancelReason | null;
  closedAt: Date | null;
  currency: string;
  /**
   * The currency the buyer paid in when it is not the shop's (Shopify Markets), with the order's rate: presentment
   * minor units per shop minor unit. Absent = the shop currency. Both are two-decimal currencies here.
   */
  presentment?: { currency: string; rate: number };
  lineItems: SimLineItem[];
  shippingCents: Cents;
  shippingTitle: string | null;
  discountCents: Cents;
  discountCodes: string[];
  /** Tax rate in basis points (1900 = 19 %). */
  taxRateBasisPoints: number;
  taxesIncluded: boolean;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  test: boolean;
  /** "web", "pos", "shopify_draft_order", "iphone", "android", or an app id. */
  sourceName: string;
  /** Path + query of the first page of the visit, e.g. "/products/x?utm_source=google". */
  landingSite: string | null;
  referringSite: string | null;
  gateway: string;
  transactions: SimTransaction[];
  refunds: SimRefund[];
  tags: string[];
  note: string | null;
  buyerAcceptsMarketing: boolean;
}

/** Customers and orders ready to be loaded into a shop. */
export interface ShopData {
  customers: SimCustomer[];
  orders: SimOrder[];
}

/**
 * WooCommerce order JSON (REST v3 `GET /orders`, and the order.* webhook payloads, which are the same document
 * built at delivery time) -> Ciclo's StoreOrder. Total over untrusted input: missing essentials give a reason.
 *
 * - Status semantics: see order-status.ts.
 * - Guests (customer_id 0) become a `guest:`-prefixed customer keyed by an HMAC of the billing e-mail
 *   (guest-identity.ts) with `guest: true`, so they are grouped but never written back to.
 * - Refunds: the order document lists every refund as `{id, reason, total: "-5.25"}` without a date. Its
 *   amount is exact; as its date we take the order's last modification (a refund modifies its order, so this is
 *   an upper bound). Pass the `/orders/{id}/refunds` documents as `refundDetails` for exact dates.
 */
import { parseMinorUnits } from "../../domain/money";
import type { StoreCustomer, StoreOrder, StoreOrderLine, StoreRefund } from "../../domain/types";
import { arr, id, int, isObject, obj, str, type Json } from "../json";
import { wooGmtDate } from "./dates";
import { guestCustomerId } from "./guest-identity";
import { nonEmpty } from "./map-customer";
import { COUNTED_WOO_STATUSES, wooStatusEffect } from "./order-status";

/** A customer as seen on an order: registered (id = WooCommerce user id) or a grouped guest. */
export interface WooOrderCustomer extends StoreCustomer {
  /** true for `guest:` ids: never tagged, never written back. */
  guest: boolean;
}

export interface WooStoreOrder extends StoreOrder {
  customer: WooOrderCustomer | null;
  /** WooCommerce's own status, e.g. "processing", "trash". */
  wooStatus: string;
}

export interface MapWooOrderOptions {
  /** HMAC key for guest ids (one per store). */
  guestKey: Buffer | string;
  /** Documents from `GET /orders/{id}/refunds`, for exact refund dates and amounts. */
  refundDetails?: readonly unknown[];
}

export function mapWooOrder(payload: unknown, options: MapWooOrderOptions): WooStoreOrder | { reason: string } {
  if (!isObject(payload)) return { reason: "order payload is not a JSON object" };
  const orderId = id(payload, "id");
  if (!orderId) return { reason: "order without id" };
  const createdAt = wooGmtDate(payload, "date_created");
  const updatedAt = wooGmtDate(payload, "date_modified") ?? createdAt;
  if (!createdAt || !updatedAt) return { reason: `order ${orderId} without date_created_gmt` };
  const status = str(payload, "status");
  if (!status) return { reason: `order ${orderId} without status` };
  const currency = str(payload, "currency") ?? "USD";
  const gross = parseMinorUnits(str(payload, "total"), currency);
  if (gross === null) return { reason: `order ${orderId} without a parseable total` };

  const billing = obj(payload, "billing");
  const email = nonEmpty(str(billing, "email"));
  const effect = wooStatusEffect(status);
  return {
    externalId: orderId,
    name: `#${str(payload, "number") ?? orderId}`,
    customer: orderCustomer(payload, billing, email, options.guestKey),
    email,
    currency,
    grossMinor: gross,
    refunds: mapRefunds(payload, orderId, currency, updatedAt, options.refundDetails),
    reportedRefundedMinor: null,
    financialStatus: status.toLowerCase(),
    // WooCommerce has no separate payment status: the order status says whether money was taken.
    paid: COUNTED_WOO_STATUSES.has(status.toLowerCase()),
    fulfillmentStatus: effect.fulfilled ? "fulfilled" : "unfulfilled",
    // WooCommerce records no cancellation time; the last modification is when it became cancelled (or later).
    cancelledAt: effect.cancelled ? updatedAt : null,
    test: false,
    voided: effect.voided,
    sourceName: nonEmpty(str(payload, "created_via")),
    landingSite: attribution(payload, "_wc_order_attribution_session_entry"),
    referringSite: attribution(payload, "_wc_order_attribution_referrer"),
    attribution: attributionMeta(payload),
    processedAt: createdAt,
    createdAt,
    updatedAt,
    lines: mapLines(payload, currency),
    wooStatus: status,
  };
}

function orderCustomer(
  payload: Json,
  billing: Json | null,
  email: string | null,
  guestKey: Buffer | string,
): WooOrderCustomer | null {
  const customerId = id(payload, "customer_id");
  const names = { firstName: nonEmpty(str(billing, "first_name")), lastName: nonEmpty(str(billing, "last_name")) };
  if (customerId) return { externalId: customerId, email, ...names, createdAt: null, updatedAt: null, guest: false };
  const guestId = guestCustomerId(email, guestKey);
  if (!guestId) return null; // a guest without a usable e-mail cannot be attributed
  return { externalId: guestId, email, ...names, createdAt: null, updatedAt: null, guest: true };
}

function mapRefunds(
  payload: Json,
  orderId: string,
  currency: string,
  orderModifiedAt: Date,
  details: readonly unknown[] | undefined,
): StoreRefund[] {
  const exact = new Map<string, StoreRefund>();
  for (const d of details ?? []) {
    const refundId = id(d, "id");
    const amount = parseMinorUnits(str(d, "amount"), currency);
    const at = wooGmtDate(d, "date_created");
    if (refundId && amount !== null && at) {
      exact.set(refundId, {
        externalId: refundId,
        orderExternalId: orderId,
        amountMinor: Math.abs(amount),
        refundedAt: at,
      });
    }
  }
  const refunds: StoreRefund[] = [];
  for (const r of arr(payload, "refunds")) {
    const refundId = id(r, "id");
    if (!refundId) continue;
    const known = exact.get(refundId);
    if (known) {
      refunds.push(known);
      exact.delete(refundId);
      continue;
    }
    const amount = parseMinorUnits(str(r, "total"), currency);
    if (amount === null) continue;
    refunds.push({
      externalId: refundId,
      orderExternalId: orderId,
      amountMinor: Math.abs(amount),
      refundedAt: orderModifiedAt,
    });
  }
  refunds.push(...exact.values()); // refunds newer than the order document we were given
  return refunds;
}

function mapLines(payload: Json, currency: string): StoreOrderLine[] {
  const lines: StoreOrderLine[] = [];
  for (const l of arr(payload, "line_items")) {
    const lineId = id(l, "id");
    if (!lineId) continue;
    const quantity = int(l, "quantity") ?? 0;
    // `price` is a JSON number (10 or 8.333333); `subtotal / quantity` is the exact decimal when it divides.
    const price = parseMinorUnits(str(l, "price"), currency);
    const subtotal = parseMinorUnits(str(l, "subtotal"), currency);
    lines.push({
      externalId: lineId,
      productId: id(l, "product_id"),
      variantId: id(l, "variation_id"),
      sku: nonEmpty(str(l, "sku")),
      title: nonEmpty(str(l, "name")),
      quantity,
      unitPriceMinor: price ?? (subtotal !== null && quantity > 0 ? Math.round(subtotal / quantity) : 0),
    });
  }
  return lines;
}

/** The other order attribution fields (source_type, utm_*), prefix dropped, as JSON; null when there are none. */
function attributionMeta(payload: Json): string | null {
  const fields: Record<string, string> = {};
  for (const m of arr(payload, "meta_data")) {
    const key = str(m, "key");
    const value = nonEmpty(str(m, "value"));
    if (key === null || value === null || !key.startsWith("_wc_order_attribution_")) continue;
    const name = key.slice("_wc_order_attribution_".length);
    if (name === "session_entry" || name === "referrer" || !/^(source_type|utm_[a-z_]+)$/.test(name)) continue;
    fields[name] = value.slice(0, 200);
  }
  return Object.keys(fields).length > 0 ? JSON.stringify(fields) : null;
}

/** WooCommerce 8.5+ order attribution, when the store exposes it in meta_data. */
function attribution(payload: Json, key: string): string | null {
  for (const m of arr(payload, "meta_data")) {
    if (str(m, "key") === key) return nonEmpty(str(m, "value"));
  }
  return null;
}

/**
 * Shopify webhook payloads (REST-shaped JSON, API 2026-07) -> Ciclo's StoreEvent.
 * Total over untrusted input: a payload missing what we need becomes { kind: "invalid" } with a reason.
 */
import { shopifyPaid } from "./payment-status";
import { parseMinorUnits } from "../../domain/money";
import type { StoreCustomer, StoreOrder, StoreOrderLine, StoreRefund } from "../../domain/types";
import { orderValue } from "./order-value";
import { arr, bool, date, id, int, isObject, obj, str, type Json } from "../json";

import type { MappedWebhook } from "../platform";
export type { MappedWebhook };

export function mapShopifyWebhook(topic: string, payload: unknown): MappedWebhook {
  if (!isObject(payload)) return { kind: "invalid", reason: "payload is not a JSON object" };
  switch (topic.toLowerCase()) {
    case "orders/create":
    case "orders/updated":
    case "orders/paid":
    case "orders/cancelled":
    case "orders/fulfilled":
    case "orders/partially_fulfilled": {
      const order = mapRestOrder(payload);
      return "reason" in order ? { kind: "invalid", reason: order.reason } : { kind: "order.upsert", order };
    }
    case "orders/edited":
      // Its payload is the edit ({"order_edit": …}), not the order; the edited order comes in orders/updated.
      return { kind: "ignored", reason: "orders/edited: the order itself arrives in orders/updated" };
    case "orders/delete": {
      const orderId = id(payload, "id");
      return orderId
        ? { kind: "order.delete", orderExternalId: orderId, at: new Date() }
        : { kind: "invalid", reason: "orders/delete without id" };
    }
    case "refunds/create": {
      const orderId = id(payload, "order_id");
      if (!orderId) return { kind: "invalid", reason: "refund without order_id" };
      const refund = mapRestRefund(payload, orderId, refundRate(payload));
      return refund ? { kind: "refund.create", refund } : { kind: "invalid", reason: "refund without id or date" };
    }
    case "customers/create":
    case "customers/update": {
      const customer = mapRestCustomer(payload);
      return customer ? { kind: "customer.upsert", customer } : { kind: "invalid", reason: "customer without id" };
    }
    case "customers_email_marketing_consent/update": {
      // {customer_id, email_address, email_marketing_consent: {state, opt_in_level, consent_updated_at}}
      const customerId = id(payload, "customer_id");
      const state = str(obj(payload, "email_marketing_consent"), "state");
      if (!customerId) return { kind: "invalid", reason: "consent update without customer_id" };
      if (!state) return { kind: "invalid", reason: "consent update without email_marketing_consent.state" };
      return { kind: "customer.consent", customerExternalId: customerId, acceptsMarketing: subscribed(state) };
    }
    case "customers/delete": {
      const customerId = id(payload, "id");
      return customerId
        ? { kind: "customer.delete", customerExternalId: customerId, at: new Date() }
        : { kind: "invalid", reason: "customers/delete without id" };
    }
    case "customers/redact": {
      const customer = obj(payload, "customer");
      const customerId = id(customer, "id");
      if (!customerId) return { kind: "invalid", reason: "customers/redact without customer.id" };
      return {
        kind: "customer.redact",
        customerExternalId: customerId,
        email: str(customer, "email"),
        orderExternalIds: idList(arr(payload, "orders_to_redact")),
      };
    }
    case "customers/data_request": {
      const customer = obj(payload, "customer");
      const customerId = id(customer, "id");
      if (!customerId) return { kind: "invalid", reason: "customers/data_request without customer.id" };
      return {
        kind: "customer.dataRequest",
        customerExternalId: customerId,
        email: str(customer, "email"),
        requestId: id(obj(payload, "data_request"), "id"),
        orderExternalIds: idList(arr(payload, "orders_requested")),
      };
    }
    case "shop/redact":
      return { kind: "shop.redact" };
    case "app/uninstalled":
      return { kind: "app.uninstalled" };
    case "app/scopes_update":
      return {
        kind: "app.scopesUpdate",
        scopes: arr(payload, "current").filter((s): s is string => typeof s === "string"),
      };
    case "bulk_operations/finish": {
      const operationId = str(payload, "admin_graphql_api_id");
      if (!operationId) return { kind: "invalid", reason: "bulk_operations/finish without admin_graphql_api_id" };
      return {
        kind: "bulkOperation.finished",
        operationId,
        status: (str(payload, "status") ?? "").toUpperCase(),
        errorCode: str(payload, "error_code"),
      };
    }
    default:
      return { kind: "ignored", reason: `topic ${topic} is not used by Ciclo` };
  }
}

function idList(values: unknown[]): string[] {
  const ids: string[] = [];
  for (const v of values) {
    const parsed = id({ v }, "v");
    if (parsed) ids.push(parsed);
  }
  return ids;
}

export function mapRestCustomer(payload: Json | null): StoreCustomer | null {
  const customerId = id(payload, "id");
  if (!customerId) return null;
  return {
    externalId: customerId,
    email: str(payload, "email"),
    firstName: str(payload, "first_name"),
    lastName: str(payload, "last_name"),
    createdAt: date(payload, "created_at"),
    updatedAt: date(payload, "updated_at"),
    ...restConsent(payload),
  };
}

/**
 * Consent, where the payload still carries it: API versions before 2025-01 sent `email_marketing_consent.state`
 * (and earlier `accepts_marketing`); since then customers/create|update carry neither (moved to the
 * customers_email_marketing_consent/update topic, read above), and the reconciliation's read of `marketingState`
 * catches any delivery that was missed.
 */
function restConsent(payload: Json | null): Pick<StoreCustomer, "acceptsMarketing"> {
  const state = str(obj(payload, "email_marketing_consent"), "state");
  if (state) return { acceptsMarketing: subscribed(state) };
  const legacy = payload?.accepts_marketing;
  return typeof legacy === "boolean" ? { acceptsMarketing: legacy } : {};
}

/** Only "subscribed" is consent: pending (double opt-in not confirmed), not_subscribed, unsubscribed, … are not. */
function subscribed(state: string): boolean {
  return state.toLowerCase() === "subscribed";
}

function shopMoney(set: Json | null, currency: string): number | null {
  const money = obj(set, "shop_money");
  return parseMinorUnits(str(money, "amount"), str(money, "currency_code") ?? currency);
}

/** How presentment amounts turn into shop amounts: shop minor units per presentment minor unit, per currency. */
interface PresentmentRate {
  shopCurrency: string;
  presentmentCurrency: string;
  shopPerPresentment: number;
}

/** The rate a set of `*_set` objects implies (sums of shop and presentment money), or null when it can't tell. */
function rateFrom(sets: (Json | null)[]): PresentmentRate | null {
  let shop = 0;
  let presentment = 0;
  let shopCurrency: string | null = null;
  let presentmentCurrency: string | null = null;
  for (const set of sets) {
    const s = obj(set, "shop_money");
    const p = obj(set, "presentment_money");
    shopCurrency ??= str(s, "currency_code");
    presentmentCurrency ??= str(p, "currency_code");
    shop += parseMinorUnits(str(s, "amount"), str(s, "currency_code") ?? "USD") ?? 0;
    presentment += parseMinorUnits(str(p, "amount"), str(p, "currency_code") ?? "USD") ?? 0;
  }
  if (!shopCurrency || !presentmentCurrency) return null;
  if (shopCurrency === presentmentCurrency) return { shopCurrency, presentmentCurrency, shopPerPresentment: 1 };
  return shop > 0 && presentment > 0
    ? { shopCurrency, presentmentCurrency, shopPerPresentment: shop / presentment }
    : null;
}

/** refunds/create: the rate its own line, adjustment and shipping amounts imply (both currencies side by side). */
function refundRate(refund: Json): PresentmentRate | null {
  const sets: (Json | null)[] = [];
  for (const line of arr(refund, "refund_line_items")) sets.push(obj(line, "subtotal_set"), obj(line, "total_tax_set"));
  for (const adjustment of arr(refund, "order_adjustments")) sets.push(obj(adjustment, "amount_set"));
  for (const shipping of arr(refund, "refund_shipping_lines")) sets.push(obj(shipping, "subtotal_amount_set"));
  const rate = rateFrom(sets.filter((s) => s !== null));
  if (rate) return rate;
  // No amounts to compare (e.g. a refund of an amount only): still tells the shop currency when the sets do.
  const any = rateFrom([obj(refund, "total_duties_set")]);
  return any && any.shopCurrency === any.presentmentCurrency ? any : null;
}

/**
 * Money actually returned: successful refund transactions. Transactions are in the presentment currency (what the
 * buyer paid in). Same as the shop currency: exact (rank 2). Different: converted with the rate (rank 1), or, with
 * no rate to convert with, counted as 0 (rank 0) until the order payload or the reconciliation brings it.
 */
function mapRestRefund(payload: Json, orderId: string, rate: PresentmentRate | null): StoreRefund | null {
  const refundId = id(payload, "id");
  const refundedAt = date(payload, "processed_at") ?? date(payload, "created_at");
  if (!refundId || !refundedAt) return null;
  let amountMinor = 0;
  let amountRank: 0 | 1 | 2 = 2;
  for (const t of arr(payload, "transactions")) {
    if (str(t, "kind") !== "refund" || str(t, "status") !== "success") continue;
    const currency = str(t, "currency") ?? rate?.presentmentCurrency ?? null;
    const minor = parseMinorUnits(str(t, "amount"), currency ?? "USD") ?? 0;
    if (rate && currency === rate.shopCurrency) amountMinor += minor;
    else if (rate && currency === rate.presentmentCurrency) {
      amountMinor += Math.round(minor * rate.shopPerPresentment);
      amountRank = Math.min(amountRank, 1) as 0 | 1;
    } else amountRank = 0;
  }
  if (amountRank === 0) amountMinor = 0;
  return { externalId: refundId, orderExternalId: orderId, amountMinor, refundedAt, amountRank };
}

export function mapRestOrder(payload: Json): StoreOrder | { reason: string } {
  const orderId = id(payload, "id");
  if (!orderId) return { reason: "order without id" };
  const createdAt = date(payload, "created_at");
  const updatedAt = date(payload, "updated_at") ?? createdAt;
  if (!createdAt || !updatedAt) return { reason: `order ${orderId} without created_at/updated_at` };
  const currency = str(payload, "currency") ?? "USD";
  const total =
    shopMoney(obj(payload, "total_price_set"), currency) ?? parseMinorUnits(str(payload, "total_price"), currency);
  if (total === null) return { reason: `order ${orderId} without a parseable total_price` };
  const current = shopMoney(obj(payload, "current_total_price_set"), currency);
  // The order's own rate: its totals in both currencies (refund transactions are in the presentment currency).
  const rate =
    rateFrom([obj(payload, "total_price_set"), obj(payload, "current_total_price_set")]) ??
    ((str(payload, "presentment_currency") ?? currency) === currency
      ? { shopCurrency: currency, presentmentCurrency: currency, shopPerPresentment: 1 }
      : null);
  const value = orderValue(total, current, null);

  const refunds: StoreRefund[] = [];
  for (const r of arr(payload, "refunds")) {
    if (!isObject(r)) continue;
    const refund = mapRestRefund(r, orderId, refundRate(r) ?? rate);
    if (refund) refunds.push(refund);
  }
  const lines: StoreOrderLine[] = [];
  for (const l of arr(payload, "line_items")) {
    const lineId = id(l, "id");
    if (!lineId || !isObject(l)) continue;
    lines.push({
      externalId: lineId,
      productId: id(l, "product_id"),
      variantId: id(l, "variant_id"),
      sku: str(l, "sku"),
      title: str(l, "title"),
      quantity: int(l, "quantity") ?? 0,
      unitPriceMinor: shopMoney(obj(l, "price_set"), currency) ?? parseMinorUnits(str(l, "price"), currency) ?? 0,
    });
  }
  const financialStatus = str(payload, "financial_status");
  return {
    externalId: orderId,
    name: str(payload, "name"),
    customer: mapRestCustomer(obj(payload, "customer")),
    email: str(payload, "email") || null,
    currency,
    grossMinor: value.grossMinor,
    refunds,
    reportedRefundedMinor: value.reportedRefundedMinor,
    financialStatus,
    paid: shopifyPaid(financialStatus),
    fulfillmentStatus: normalizeRestFulfillment(str(payload, "fulfillment_status")),
    cancelledAt: date(payload, "cancelled_at"),
    test: bool(payload, "test") ?? false,
    voided: financialStatus === "voided" || financialStatus === "expired",
    sourceName: str(payload, "source_name"),
    landingSite: str(payload, "landing_site"),
    referringSite: str(payload, "referring_site"),
    processedAt: date(payload, "processed_at") ?? createdAt,
    createdAt,
    updatedAt,
    lines,
  };
}

/** REST says null/"partial"/"fulfilled"; GraphQL says UNFULFILLED/PARTIALLY_FULFILLED/FULFILLED. We keep GraphQL's words. */
function normalizeRestFulfillment(status: string | null): string {
  if (status === null || status === "null") return "unfulfilled";
  if (status === "partial") return "partially_fulfilled";
  return status.toLowerCase();
}

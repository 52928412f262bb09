/**
 * REST-shaped webhook payloads (Admin API 2026-07), rendered from the simulator's state.
 * Shapes follow shopify.dev's webhook reference examples (orders/create, refunds/create, customers/*, app/uninstalled,
 * compliance topics, bulk_operations/finish). Not every field of the real payload is present: we keep everything a
 * lifecycle/analytics app reads plus the common neighbours, with Shopify's types (ids as numbers, money as "12.50"
 * strings, timestamps in the shop's offset, tags as one comma-separated string). See README.md.
 */
import { gid } from "./ids";
import { presentmentCents, restMoney, type Cents } from "./money";
import type { SimCustomer, SimLineItem, SimOrder, SimRefund, SimShopInfo, SimTransaction } from "./model";
import { orderTotals } from "./order-math";
import { restTimestamp } from "./time";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function ts(date: Date | null, shop: SimShopInfo): string | null {
  return date ? restTimestamp(date, shop.timezone) : null;
}

/** {"shop_money": {...}, "presentment_money": {...}} — single-currency shops present in the shop currency. */
export function moneySet(cents: Cents, currency: string): JsonObject {
  const money = { amount: restMoney(cents), currency_code: currency };
  return { shop_money: money, presentment_money: { ...money } };
}

/** An order's money set: shop money, and presentment money in the currency the buyer paid in. */
export function orderMoneySet(cents: Cents, order: SimOrder): JsonObject {
  return {
    shop_money: { amount: restMoney(cents), currency_code: order.currency },
    presentment_money: {
      amount: restMoney(presentmentCents(cents, order)),
      currency_code: order.presentment?.currency ?? order.currency,
    },
  };
}

const PLAN_NAMES: Record<SimShopInfo["plan"], [planName: string, displayName: string]> = {
  standard: ["basic", "Basic"],
  advanced: ["unlimited", "Advanced"],
  plus: ["shopify_plus", "Shopify Plus"],
};

export function restAddress(customer: SimCustomer, isDefault: boolean): JsonObject {
  return {
    id: customer.id + 1_000_000_000_000,
    customer_id: customer.id,
    first_name: customer.firstName,
    last_name: customer.lastName,
    company: null,
    address1: "Musterstraße 1",
    address2: null,
    city: customer.city,
    province: null,
    country: customer.countryCode,
    zip: "10115",
    phone: customer.phone,
    name: [customer.firstName, customer.lastName].filter(Boolean).join(" "),
    province_code: null,
    country_code: customer.countryCode,
    country_name: customer.countryCode,
    default: isDefault,
  };
}

/**
 * customers/create, customers/update (and the customer object nested in orders, without addresses). Since API
 * 2025-01 the customer payload has no `tags`, `email_marketing_consent` or `sms_marketing_consent`
 * (https://shopify.dev/changelog/new-customer-s-webhook-and-changes-to-existing-customer-s-webhooks-payload:
 * they moved to customer.tags_added/removed and the marketing consent topics).
 */
export function restCustomer(customer: SimCustomer, shop: SimShopInfo, opts: { nested?: boolean } = {}): JsonObject {
  const address = customer.countryCode ? restAddress(customer, true) : null;
  const out: JsonObject = {
    id: customer.id,
    email: customer.email,
    created_at: ts(customer.createdAt, shop),
    updated_at: ts(customer.updatedAt, shop),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state,
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    phone: customer.phone,
    currency: shop.currency,
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", customer.id),
    default_address: address,
  };
  if (!opts.nested) out.addresses = address ? [address] : [];
  return out;
}

/**
 * customers_email_marketing_consent/update: the consent that left the customer payload in 2025-01, as its own topic
 * (https://shopify.dev/changelog/new-customer-s-webhook-and-changes-to-existing-customer-s-webhooks-payload; the
 * payload as the webhook topic reference gives it: customer_id, email_address and the REST
 * `email_marketing_consent` {state, opt_in_level, consent_updated_at}).
 */
export function restEmailConsent(customer: SimCustomer, state: string, shop: SimShopInfo): JsonObject {
  return {
    customer_id: customer.id,
    email_address: customer.email,
    email_marketing_consent: {
      state,
      opt_in_level: state === "subscribed" ? "single_opt_in" : null,
      consent_updated_at: ts(customer.updatedAt, shop),
    },
  };
}

/** customers/delete: only the id survives (plus empty collections), as Shopify sends it. */
export function restDeletedCustomer(customerId: number): JsonObject {
  return {
    id: customerId,
    phone: null,
    addresses: [],
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", customerId),
  };
}

export function restTransaction(t: SimTransaction, order: SimOrder, shop: SimShopInfo): JsonObject {
  return {
    id: t.id,
    admin_graphql_api_id: gid("OrderTransaction", t.id),
    // Transactions are in the currency the buyer paid in (REST Transaction: amount + currency).
    amount: restMoney(presentmentCents(t.amountCents, order)),
    authorization: t.kind === "authorization" ? `auth-${t.id}` : null,
    created_at: ts(t.createdAt, shop),
    currency: order.presentment?.currency ?? order.currency,
    device_id: null,
    error_code: null,
    gateway: t.gateway,
    kind: t.kind,
    location_id: null,
    message: null,
    order_id: order.id,
    parent_id: t.parentId,
    payment_id: `c${order.id}.${order.transactions.indexOf(t) + 1}`,
    processed_at: ts(t.createdAt, shop),
    receipt: {},
    source_name: order.sourceName,
    status: t.status,
    test: order.test,
    user_id: null,
  };
}

function refundedQuantity(order: SimOrder, lineId: number): number {
  let q = 0;
  for (const r of order.refunds) for (const rl of r.lines) if (rl.lineItemId === lineId) q += rl.quantity;
  return q;
}

export function restLineItem(line: SimLineItem, order: SimOrder): JsonObject {
  const current = line.quantity - refundedQuantity(order, line.id) - (line.removedQuantity ?? 0);
  const done = order.fulfillmentStatus === "fulfilled" || order.cancelledAt !== null;
  const lineGross = line.priceCents * line.quantity;
  const taxable = lineGross - line.discountCents;
  const tax = order.taxesIncluded
    ? Math.round((taxable * order.taxRateBasisPoints) / (10000 + order.taxRateBasisPoints))
    : Math.round((taxable * order.taxRateBasisPoints) / 10000);
  return {
    id: line.id,
    admin_graphql_api_id: gid("LineItem", line.id),
    attributed_staffs: [],
    current_quantity: current,
    fulfillable_quantity: done ? 0 : current,
    fulfillment_service: "manual",
    fulfillment_status: order.fulfillmentStatus === "fulfilled" ? "fulfilled" : null,
    gift_card: line.title === "Gift Card",
    grams: line.requiresShipping ? 350 : 0,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    price: restMoney(line.priceCents),
    price_set: orderMoneySet(line.priceCents, order),
    product_exists: line.productId !== null,
    product_id: line.productId,
    properties: [],
    quantity: line.quantity,
    requires_shipping: line.requiresShipping,
    sku: line.sku,
    taxable: true,
    title: line.title,
    // Deprecated by Shopify in favour of discount_allocations; it is sent as "0.00".
    total_discount: "0.00",
    total_discount_set: orderMoneySet(0, order),
    variant_id: line.variantId,
    variant_inventory_management: "shopify",
    variant_title: line.variantTitle,
    vendor: line.vendor,
    tax_lines: [
      {
        channel_liable: false,
        price: restMoney(tax),
        price_set: orderMoneySet(tax, order),
        rate: order.taxRateBasisPoints / 10000,
        title: "VAT",
      },
    ],
    duties: [],
    discount_allocations:
      line.discountCents > 0
        ? [
            {
              amount: restMoney(line.discountCents),
              amount_set: orderMoneySet(line.discountCents, order),
              discount_application_index: 0,
            },
          ]
        : [],
  };
}

/** refunds/create payload, and each element of an order's `refunds`. */
export function restRefund(refund: SimRefund, order: SimOrder, shop: SimShopInfo): JsonObject {
  return {
    id: refund.id,
    admin_graphql_api_id: gid("Refund", refund.id),
    created_at: ts(refund.createdAt, shop),
    note: refund.note,
    order_id: order.id,
    processed_at: ts(refund.createdAt, shop),
    restock: refund.restock,
    total_duties_set: orderMoneySet(0, order),
    user_id: null,
    order_adjustments: [],
    transactions: refund.transactions.map((t) => restTransaction(t, order, shop)),
    refund_line_items: refund.lines.map((rl) => {
      const line = order.lineItems.find((l) => l.id === rl.lineItemId);
      return {
        id: rl.id,
        line_item_id: rl.lineItemId,
        location_id: null,
        quantity: rl.quantity,
        restock_type: rl.restockType,
        subtotal: rl.subtotalCents / 100,
        subtotal_set: orderMoneySet(rl.subtotalCents, order),
        total_tax: rl.totalTaxCents / 100,
        total_tax_set: orderMoneySet(rl.totalTaxCents, order),
        line_item: line ? restLineItem(line, order) : null,
      };
    }),
    refund_shipping_lines: [],
    duties: [],
  };
}

/** orders/create, orders/updated, orders/paid, orders/cancelled, orders/fulfilled. */
export function restOrder(order: SimOrder, shop: SimShopInfo, customer: SimCustomer | null): JsonObject {
  const t = orderTotals(order);
  const c = order.currency;
  const currentTax = order.taxesIncluded
    ? Math.round((t.currentTotalCents * order.taxRateBasisPoints) / (10000 + order.taxRateBasisPoints))
    : Math.round((t.currentSubtotalCents * order.taxRateBasisPoints) / 10000);
  const discountTotal = t.discountCents;
  const out: JsonObject = {
    id: order.id,
    admin_graphql_api_id: gid("Order", order.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: order.buyerAcceptsMarketing,
    cancel_reason: order.cancelReason,
    cancelled_at: ts(order.cancelledAt, shop),
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    closed_at: ts(order.closedAt, shop),
    confirmation_number: `C${String(order.id).slice(-8)}`,
    confirmed: true,
    contact_email: order.email,
    created_at: ts(order.createdAt, shop),
    currency: c,
    current_subtotal_price: restMoney(t.currentSubtotalCents),
    current_subtotal_price_set: orderMoneySet(t.currentSubtotalCents, order),
    current_total_discounts: restMoney(order.financialStatus === "voided" ? 0 : discountTotal),
    current_total_discounts_set: orderMoneySet(order.financialStatus === "voided" ? 0 : discountTotal, order),
    current_total_price: restMoney(t.currentTotalCents),
    current_total_price_set: orderMoneySet(t.currentTotalCents, order),
    current_total_tax: restMoney(currentTax),
    current_total_tax_set: orderMoneySet(currentTax, order),
    customer_locale: "de",
    discount_codes: order.discountCodes.map((code) => ({
      code,
      amount: restMoney(discountTotal),
      type: "percentage",
    })),
    email: order.email,
    estimated_taxes: false,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    landing_site: order.landingSite,
    landing_site_ref: null,
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${shop.domain}/${shop.id}/orders/${order.id.toString(16)}/authenticate`,
    payment_gateway_names: [order.gateway],
    phone: order.phone,
    presentment_currency: order.presentment?.currency ?? c,
    processed_at: ts(order.processedAt, shop),
    reference: null,
    referring_site: order.referringSite,
    source_identifier: null,
    source_name: order.sourceName,
    source_url: null,
    subtotal_price: restMoney(t.subtotalCents),
    subtotal_price_set: orderMoneySet(t.subtotalCents, order),
    tags: order.tags.join(", "),
    tax_lines: [
      {
        price: restMoney(t.taxCents),
        rate: order.taxRateBasisPoints / 10000,
        title: "VAT",
        price_set: orderMoneySet(t.taxCents, order),
        channel_liable: false,
      },
    ],
    taxes_included: order.taxesIncluded,
    test: order.test,
    token: `tok${order.id.toString(36)}`,
    total_discounts: restMoney(discountTotal),
    total_discounts_set: orderMoneySet(discountTotal, order),
    total_line_items_price: restMoney(t.lineItemsCents),
    total_line_items_price_set: orderMoneySet(t.lineItemsCents, order),
    total_outstanding: restMoney(order.financialStatus === "pending" ? t.totalCents : 0),
    total_price: restMoney(t.totalCents),
    total_price_set: orderMoneySet(t.totalCents, order),
    total_shipping_price_set: orderMoneySet(t.shippingCents, order),
    total_tax: restMoney(t.taxCents),
    total_tax_set: orderMoneySet(t.taxCents, order),
    total_tip_received: "0.00",
    total_weight: order.lineItems.reduce((s, l) => s + (l.requiresShipping ? 350 * l.quantity : 0), 0),
    updated_at: ts(order.updatedAt, shop),
    user_id: null,
    discount_applications: order.discountCodes.map((code) => ({
      target_type: "line_item",
      type: "discount_code",
      value: "10.0",
      value_type: "percentage",
      allocation_method: "across",
      target_selection: "all",
      code,
    })),
    fulfillments: [],
    line_items: order.lineItems.map((l) => restLineItem(l, order)),
    payment_terms: null,
    refunds: order.refunds.map((r) => restRefund(r, order, shop)),
    shipping_lines: order.shippingTitle
      ? [
          {
            id: order.id + 7,
            code: order.shippingTitle,
            discounted_price: restMoney(order.shippingCents),
            discounted_price_set: orderMoneySet(order.shippingCents, order),
            price: restMoney(order.shippingCents),
            price_set: orderMoneySet(order.shippingCents, order),
            source: "shopify",
            title: order.shippingTitle,
            tax_lines: [],
            discount_allocations: [],
          },
        ]
      : [],
  };
  // Guest orders have no customer object at all.
  if (customer) out.customer = restCustomer(customer, shop, { nested: true });
  return out;
}

/**
 * orders/edited: the edit itself, not the order (the order's new state comes in orders/updated). Shape of the
 * topic reference example: {"order_edit": {id, app_id, created_at, notify_customer, order_id, staff_note, user_id,
 * line_items: {additions: [{id, delta}], removals: [{id, delta}]}}}.
 */
export function orderEditPayload(
  order: SimOrder,
  removals: { line: SimLineItem; quantity: number }[],
  additions: SimLineItem[],
  shop: SimShopInfo,
): JsonObject {
  return {
    order_edit: {
      id: order.id * 10 + order.lineItems.length,
      app_id: null,
      created_at: ts(order.updatedAt, shop),
      notify_customer: false,
      order_id: order.id,
      staff_note: "",
      user_id: null,
      line_items: {
        additions: additions.map((l) => ({ id: l.id, delta: l.quantity })),
        removals: removals.map((r) => ({ id: r.line.id, delta: r.quantity })),
      },
    },
  };
}

/** orders/delete carries only the id. */
export function restDeletedOrder(orderId: number): JsonObject {
  return { id: orderId };
}

/** app/uninstalled: the shop resource. */
export function restShop(shop: SimShopInfo): JsonObject {
  const [planName, planDisplay] = PLAN_NAMES[shop.plan];
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    province: null,
    country: shop.countryCode,
    address1: "Musterstraße 1",
    zip: "10115",
    city: "Berlin",
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "de",
    address2: null,
    created_at: ts(shop.createdAt, shop),
    updated_at: ts(shop.createdAt, shop),
    country_code: shop.countryCode,
    country_name: shop.countryCode,
    currency: shop.currency,
    customer_email: shop.email,
    timezone: `(GMT) ${shop.timezone}`,
    iana_timezone: shop.timezone,
    shop_owner: "Demo Owner",
    money_format: "€{{amount_with_comma_separator}}",
    money_with_currency_format: "€{{amount_with_comma_separator}} EUR",
    weight_unit: "kg",
    province_code: null,
    taxes_included: shop.taxesIncluded,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: planDisplay,
    plan_name: planName,
    has_discounts: true,
    has_gift_cards: true,
    myshopify_domain: shop.domain,
    money_in_emails_format: "€{{amount_with_comma_separator}}",
    money_with_currency_in_emails_format: "€{{amount_with_comma_separator}} EUR",
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: shop.id + 1,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currency],
    transactional_sms_disabled: false,
    marketing_sms_consent_enabled_at_checkout: false,
  };
}

/** customers/data_request (mandatory compliance topic). */
export function dataRequestPayload(
  shop: SimShopInfo,
  customer: Pick<SimCustomer, "id" | "email" | "phone">,
  orderIds: number[],
  requestId: number,
): JsonObject {
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    orders_requested: orderIds,
    customer: { id: customer.id, email: customer.email, phone: customer.phone },
    data_request: { id: requestId },
  };
}

/** customers/redact (mandatory compliance topic). */
export function customerRedactPayload(
  shop: SimShopInfo,
  customer: Pick<SimCustomer, "id" | "email" | "phone">,
  orderIds: number[],
): JsonObject {
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    customer: { id: customer.id, email: customer.email, phone: customer.phone },
    orders_to_redact: orderIds,
  };
}

/** shop/redact (mandatory compliance topic, sent 48 h after uninstall). */
export function shopRedactPayload(shop: SimShopInfo): JsonObject {
  return { shop_id: shop.id, shop_domain: shop.domain };
}

export interface BulkFinishInfo {
  id: number;
  status: "COMPLETED" | "FAILED" | "CANCELED" | "EXPIRED";
  errorCode: string | null;
  createdAt: Date;
  completedAt: Date | null;
  type: "QUERY" | "MUTATION";
}

/** bulk_operations/finish: status, error_code and type in lower case. */
export function bulkFinishPayload(op: BulkFinishInfo, shop: SimShopInfo): JsonObject {
  return {
    admin_graphql_api_id: gid("BulkOperation", op.id),
    completed_at: ts(op.completedAt, shop),
    created_at: ts(op.createdAt, shop),
    error_code: op.errorCode ? op.errorCode.toLowerCase() : null,
    status: op.status.toLowerCase(),
    type: op.type.toLowerCase(),
  };
}

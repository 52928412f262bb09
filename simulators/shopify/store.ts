/**
 * Per-shop in-memory state and the mutations a merchant or buyer makes. Each mutation changes the state, bumps
 * updated_at from the shop clock and emits the webhooks Shopify would send (payload rendered at that moment).
 * Customer tags (tagsAdd/tagsRemove) and customer metafields (metafieldsSet) live here too; the GraphQL resolvers
 * and the bulk mutation runner read and change the same state.
 */
import { randomUUID } from "node:crypto";
import { Random } from "../random";
import { ShopClock } from "./clock";
import { addTags, removeTags, sameTags, type TagUserError } from "./customer-tags";
import { IdAllocator, type IdKind, type IdState } from "./ids";
import { ShopAuth, TokenClock, type ProtectedDataLevel, type TokenResponse } from "./oauth";
import * as lifecycle from "./lifecycle";
import { parseMoney } from "./money";
import type {
  FinancialStatus,
  ShopData,
  ShopPlan,
  SimCustomer,
  SimLineItem,
  SimOrder,
  SimRefund,
  SimShopInfo,
} from "./model";
import {
  MAX_METAFIELDS_PER_SET,
  metafieldKey,
  validateMetafieldInput,
  type MetafieldInput,
  type MetafieldsSetUserError,
  type SimMetafield,
} from "./metafields";
import { orderTotals } from "./order-math";
import { computeStatistics, type SimCustomerStatistics } from "./statistics";
import {
  bulkFinishPayload,
  customerRedactPayload,
  orderEditPayload,
  dataRequestPayload,
  restCustomer,
  restEmailConsent,
  restDeletedCustomer,
  restDeletedOrder,
  restOrder,
  restRefund,
  restShop,
  shopRedactPayload,
  type BulkFinishInfo,
  type JsonObject,
} from "./payloads";
import type { WebhookEvent, WebhookTopic } from "./webhooks";

export class ShopError extends Error {}

const CUSTOMER_DATA_TOPICS = new Set<string>([
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/fulfilled",
  "orders/cancelled",
  "orders/edited",
  "customers/create",
  "customers/update",
  "customers_email_marketing_consent/update",
]);
const PROTECTED_KEYS = new Set(["email", "email_address", "contact_email", "phone", "first_name", "last_name"]);
const ADDRESS_KEYS = new Set(["default_address", "billing_address", "shipping_address", "addresses"]);

/** The payload with customer names, emails, phones and addresses blanked (protected customer data, level 2). */
function withoutProtectedFields(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (PROTECTED_KEYS.has(key)) out[key] = null;
    else if (ADDRESS_KEYS.has(key)) out[key] = Array.isArray(v) ? [] : null;
    else if (key === "customer" && v && typeof v === "object" && !Array.isArray(v))
      out[key] = withoutProtectedFields(v);
    else out[key] = v;
  }
  return out;
}

export interface CreateShopOptions {
  domain?: string;
  name?: string;
  email?: string;
  id?: number;
  currency?: string;
  timezone?: string;
  plan?: ShopPlan;
  createdAt?: Date;
  taxesIncluded?: boolean;
  countryCode?: string;
  /** Start of the shop clock (default: now). */
  now?: Date;
  /** The clock follows real time (demo); default false (tests move it). */
  followWallClock?: boolean;
  /** Makes event ids deterministic. */
  seed?: number | string;
  /** Token expiry time (default: wall clock); a simulator shares one among its shops. */
  tokenClock?: TokenClock;
  /** Scopes the merchant granted the app (default: Ciclo's Admin API scopes). */
  grantedScopes?: readonly string[];
  /** Protected customer data approval (default "level2": approved for names, emails, phones, addresses). */
  protectedCustomerData?: ProtectedDataLevel;
}

export interface NewCustomerInput {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  tags?: string[];
  acceptsEmailMarketing?: boolean;
  countryCode?: string | null;
  city?: string | null;
}

export interface NewLineInput {
  title: string;
  /** Unit price as Shopify writes it ("12.50") or integer cents. */
  price: string | number;
  quantity?: number;
  productId?: number | null;
  variantId?: number | null;
  variantTitle?: string | null;
  sku?: string | null;
  vendor?: string | null;
  requiresShipping?: boolean;
}

export interface NewOrderInput {
  customerId?: number | null;
  email?: string | null;
  lineItems: NewLineInput[];
  /** "paid" (default), "pending" (awaiting payment) or "authorized" (capture later). */
  financialStatus?: Extract<FinancialStatus, "paid" | "pending" | "authorized">;
  shippingCents?: number;
  discountCents?: number;
  discountCodes?: string[];
  test?: boolean;
  sourceName?: string;
  landingSite?: string | null;
  referringSite?: string | null;
  gateway?: string;
  tags?: string[];
  note?: string | null;
  /** Backdated processed_at (imports); defaults to the creation stamp. */
  processedAt?: Date;
  /** The buyer pays in another currency (Shopify Markets): presentment cents per shop cent. */
  presentment?: { currency: string; rate: number };
}

export interface OrderEdit {
  /** Units to take off existing lines (Shopify: only before they are fulfilled). */
  remove?: { lineItemId: number; quantity: number }[];
  /** New lines (only while the order is unpaid: the buyer pays the new total). */
  add?: NewLineInput[];
}

function cents(price: string | number): number {
  return typeof price === "number" ? price : parseMoney(price);
}

export class SimulatedShop {
  readonly info: SimShopInfo;
  readonly clock: ShopClock;
  readonly ids: IdAllocator;
  readonly customers = new Map<number, SimCustomer>();
  /**
   * Shopify's computed statistics per customer id, kept beside the customers (loaded histories share customer objects
   * between shops); no entry = not computed, both fields null.
   */
  readonly statistics = new Map<number, SimCustomerStatistics>();
  readonly orders = new Map<number, SimOrder>();
  /** Customer metafields by customer id, then by "namespace.key". */
  readonly customerMetafields = new Map<number, Map<string, SimMetafield>>();
  /** False after app/uninstalled: every token is revoked. */
  installed = true;
  /** The app's tokens, granted scopes and protected customer data approval for this shop. */
  readonly auth: ShopAuth;
  private readonly listeners = new Set<(e: WebhookEvent) => void>();
  private readonly rng: Random | null;
  private dataRequestSeq = 9000;

  constructor(opts: CreateShopOptions = {}) {
    const domain = opts.domain ?? "ciclo-demo.myshopify.com";
    this.rng = opts.seed === undefined ? null : new Random(`events/${domain}/${opts.seed}`);
    const now = opts.now ?? new Date();
    this.auth = new ShopAuth(opts.tokenClock ?? new TokenClock(), {
      grantedScopes: opts.grantedScopes,
      protectedCustomerData: opts.protectedCustomerData,
    });
    const tokens = this.auth.install();
    this.info = {
      id: opts.id ?? 60_000_000_000 + (Math.abs(hashString(domain)) % 9_000_000_000),
      domain,
      name: opts.name ?? "Ciclo Demo Outdoor",
      email: opts.email ?? `owner@${domain.replace(".myshopify.com", "")}.example`,
      currency: opts.currency ?? "EUR",
      timezone: opts.timezone ?? "Europe/Berlin",
      plan: opts.plan ?? "standard",
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      createdAt: opts.createdAt ?? now,
      taxesIncluded: opts.taxesIncluded ?? true,
      countryCode: opts.countryCode ?? "DE",
    };
    this.clock = new ShopClock(now, opts.followWallClock ?? false);
    this.ids = new IdAllocator();
  }

  get domain(): string {
    return this.info.domain;
  }

  onEvent(listener: (e: WebhookEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One merchant or buyer action is one event: every topic it triggers carries the same X-Shopify-Event-Id (a
   * refund sends refunds/create and orders/updated under one id; https://shopify.dev/docs/apps/build/webhooks
   * "X-Shopify-Event-Id identifies the event", and a subscription per topic gets one webhook per event).
   */
  private actionEventId: string | null = null;

  private action<T>(run: () => T): T {
    const outer = this.actionEventId;
    this.actionEventId ??= this.rng ? this.rng.uuid() : randomUUID();
    try {
      return run();
    } finally {
      this.actionEventId = outer;
    }
  }

  /**
   * Emits a webhook event (used by mutations and by the bulk runner). Without protected customer data approval
   * (https://shopify.dev/docs/apps/launch/protected-customer-data) an app cannot subscribe to topics that carry
   * customer data (level 1), and without level 2 their name, email, phone and address fields are blank.
   */
  emit(topic: WebhookTopic, payload: JsonObject, at: Date = this.clock.now()): WebhookEvent {
    const level = this.auth.protectedCustomerData;
    const customerData = CUSTOMER_DATA_TOPICS.has(topic);
    const event: WebhookEvent = {
      topic,
      shopDomain: this.info.domain,
      payload: customerData && level === "level1" ? withoutProtectedFields(payload) : payload,
      eventId: this.actionEventId ?? (this.rng ? this.rng.uuid() : randomUUID()),
      triggeredAt: at,
    };
    if (!(customerData && level === "none")) for (const l of this.listeners) l(event);
    return event;
  }

  /** Bulk-loads customers and orders (e.g. a generated history) without emitting webhooks. */
  load(data: ShopData & { ids?: IdState }): void {
    for (const c of data.customers) {
      this.customers.set(c.id, c);
      this.ids.observe("customer", c.id);
      this.clock.observe(c.updatedAt);
    }
    for (const o of data.orders) {
      this.orders.set(o.id, o);
      this.ids.observe("order", o.id);
      this.ids.observeOrderNumber(o.number);
      for (const l of o.lineItems) this.ids.observe("lineItem", l.id);
      for (const t of o.transactions) this.ids.observe("transaction", t.id);
      for (const r of o.refunds) {
        this.ids.observe("refund", r.id);
        for (const rl of r.lines) this.ids.observe("refundLine", rl.id);
        for (const t of r.transactions) this.ids.observe("transaction", t.id);
      }
      this.clock.observe(o.updatedAt);
    }
    if (data.ids) for (const [kind, id] of Object.entries(data.ids.last)) this.ids.observe(kind as IdKind, id);
  }

  customer(id: number): SimCustomer {
    const c = this.customers.get(id);
    if (!c) throw new ShopError(`customer ${id} not found in ${this.domain}`);
    return c;
  }

  order(id: number): SimOrder {
    const o = this.orders.get(id);
    if (!o) throw new ShopError(`order ${id} not found in ${this.domain}`);
    return o;
  }

  ordersOf(customerId: number): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.customerId === customerId);
  }

  private orderPayload(order: SimOrder): JsonObject {
    return restOrder(
      order,
      this.info,
      order.customerId !== null ? (this.customers.get(order.customerId) ?? null) : null,
    );
  }

  // --- customers -----------------------------------------------------------------------------------------

  createCustomer(input: NewCustomerInput = {}): SimCustomer {
    const at = this.clock.stamp();
    const c: SimCustomer = {
      id: this.ids.next("customer"),
      email: input.email ?? null,
      phone: input.phone ?? null,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      tags: [...(input.tags ?? [])],
      state: "disabled",
      verifiedEmail: true,
      acceptsEmailMarketing: input.acceptsEmailMarketing ?? false,
      note: null,
      createdAt: at,
      updatedAt: at,
      countryCode: input.countryCode ?? null,
      city: input.city ?? null,
    };
    this.customers.set(c.id, c);
    this.emit("customers/create", restCustomer(c, this.info), at);
    // A sign-up that accepted e-mail marketing: the consent comes in its own topic (not in the customer payload).
    if (c.email && c.acceptsEmailMarketing)
      this.emit("customers_email_marketing_consent/update", restEmailConsent(c, "subscribed", this.info), at);
    return c;
  }

  updateCustomer(id: number, patch: Partial<Omit<SimCustomer, "id" | "createdAt" | "updatedAt">>): SimCustomer {
    const c = this.customer(id);
    const consentBefore = c.acceptsEmailMarketing;
    Object.assign(c, patch);
    c.updatedAt = this.clock.stamp();
    this.emit("customers/update", restCustomer(c, this.info), c.updatedAt);
    if (c.email && c.acceptsEmailMarketing !== consentBefore) {
      const state = c.acceptsEmailMarketing ? "subscribed" : "unsubscribed";
      this.emit("customers_email_marketing_consent/update", restEmailConsent(c, state, this.info), c.updatedAt);
    }
    return c;
  }

  /**
   * Shopify's computed statistics (rfmGroup, predictedSpendTier) for every customer as of `now` (default: the shop's
   * clock). Sends no webhook and leaves `updatedAt` alone: nothing the merchant changed (see statistics.ts).
   */
  computeStatistics(now: Date = this.clock.now()): number {
    const stats = computeStatistics(this.customers.values(), this.orders.values(), now);
    for (const [id, s] of stats) this.statistics.set(id, s);
    return stats.size;
  }

  /** Shopify's statistics for one customer, as given (null fields = Shopify has none for them). */
  setStatistics(id: number, statistics: SimCustomerStatistics): void {
    this.customer(id);
    this.statistics.set(id, { ...statistics });
  }

  /** Shopify refuses to delete a customer who has orders. */
  deleteCustomer(id: number): void {
    this.customer(id);
    if (this.ordersOf(id).length > 0) throw new ShopError(`customer ${id} has orders and cannot be deleted`);
    this.customers.delete(id);
    this.customerMetafields.delete(id);
    this.emit("customers/delete", restDeletedCustomer(id), this.clock.stamp());
  }

  /**
   * tagsAdd on a customer: unknown customers and invalid tags give userErrors (nothing changes). A call that adds
   * nothing new changes nothing and sends no webhook; otherwise updated_at moves and customers/update is sent.
   */
  addCustomerTags(id: number, tags: readonly string[]): { customer: SimCustomer | null; userErrors: TagUserError[] } {
    return this.changeTags(id, (current) => addTags(current, tags));
  }

  /** tagsRemove on a customer (same rules as addCustomerTags). */
  removeCustomerTags(
    id: number,
    tags: readonly string[],
  ): { customer: SimCustomer | null; userErrors: TagUserError[] } {
    return this.changeTags(id, (current) => removeTags(current, tags));
  }

  private changeTags(
    id: number,
    change: (current: readonly string[]) => { tags: string[] } | { userErrors: TagUserError[] },
  ): { customer: SimCustomer | null; userErrors: TagUserError[] } {
    const c = this.customers.get(id);
    if (!c) return { customer: null, userErrors: [{ field: ["id"], message: "Customer does not exist" }] };
    const result = change(c.tags);
    if ("userErrors" in result) return { customer: null, userErrors: result.userErrors };
    if (!sameTags(c.tags, result.tags)) this.updateCustomer(id, { tags: result.tags });
    return { customer: c, userErrors: [] };
  }

  /** metafieldsSet for customer owners: at most 25 inputs, atomic, create or update by namespace + key. */
  setCustomerMetafields(inputs: readonly (MetafieldInput & { ownerCustomerId: number | null })[]): {
    metafields: SimMetafield[] | null;
    userErrors: MetafieldsSetUserError[];
  } {
    if (inputs.length > MAX_METAFIELDS_PER_SET)
      return {
        metafields: null,
        userErrors: [
          {
            field: ["metafields"],
            message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`,
            code: "LESS_THAN_OR_EQUAL_TO",
            elementIndex: null,
          },
        ],
      };
    const userErrors = inputs.flatMap((input, i) =>
      validateMetafieldInput(input, i, input.ownerCustomerId !== null && this.customers.has(input.ownerCustomerId)),
    );
    if (userErrors.length > 0) return { metafields: null, userErrors };
    const at = this.clock.stamp();
    const written = inputs.map((input) => {
      const ownerId = input.ownerCustomerId as number;
      const byKey = this.customerMetafields.get(ownerId) ?? new Map<string, SimMetafield>();
      this.customerMetafields.set(ownerId, byKey);
      const k = metafieldKey(input.namespace as string, input.key);
      const existing = byKey.get(k);
      const m: SimMetafield = existing ?? {
        id: this.ids.next("metafield"),
        ownerId,
        namespace: input.namespace as string,
        key: input.key,
        type: input.type as string,
        value: input.value,
        createdAt: at,
        updatedAt: at,
      };
      if (existing) Object.assign(existing, { type: input.type as string, value: input.value, updatedAt: at });
      byKey.set(k, m);
      return m;
    });
    return { metafields: written, userErrors: [] };
  }

  metafieldsOf(customerId: number): SimMetafield[] {
    return [...(this.customerMetafields.get(customerId)?.values() ?? [])];
  }

  // --- orders --------------------------------------------------------------------------------------------

  createOrder(input: NewOrderInput): SimOrder {
    const at = this.clock.stamp();
    const customer = input.customerId != null ? this.customer(input.customerId) : null;
    const lines: SimLineItem[] = input.lineItems.map((l) => ({
      id: this.ids.next("lineItem"),
      productId: l.productId ?? null,
      variantId: l.variantId ?? null,
      title: l.title,
      variantTitle: l.variantTitle ?? null,
      sku: l.sku ?? null,
      vendor: l.vendor ?? null,
      quantity: l.quantity ?? 1,
      priceCents: cents(l.price),
      requiresShipping: l.requiresShipping ?? true,
      discountCents: 0,
    }));
    const discountCents = input.discountCents ?? 0;
    if (discountCents > 0 && lines[0]) lines[0].discountCents = discountCents;
    const number = this.ids.nextOrderNumber();
    const status = input.financialStatus ?? "paid";
    const gateway =
      input.gateway ?? (input.test ? "bogus" : status === "pending" ? "bank_transfer" : "shopify_payments");
    const order: SimOrder = {
      id: this.ids.next("order"),
      number,
      name: `#${number}`,
      customerId: customer?.id ?? null,
      email: input.email ?? customer?.email ?? null,
      phone: customer?.phone ?? null,
      createdAt: at,
      processedAt: input.processedAt ?? at,
      updatedAt: at,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      currency: this.info.currency,
      ...(input.presentment && input.presentment.currency !== this.info.currency
        ? { presentment: { ...input.presentment } }
        : {}),
      lineItems: lines,
      shippingCents: input.shippingCents ?? 0,
      shippingTitle: (input.shippingCents ?? 0) > 0 ? "Standard" : null,
      discountCents,
      discountCodes: input.discountCodes ?? [],
      taxRateBasisPoints: 1900,
      taxesIncluded: this.info.taxesIncluded,
      financialStatus: status,
      fulfillmentStatus: null,
      test: input.test ?? false,
      sourceName: input.sourceName ?? "web",
      landingSite: input.landingSite ?? null,
      referringSite: input.referringSite ?? null,
      gateway,
      transactions: [],
      refunds: [],
      tags: input.tags ?? [],
      note: input.note ?? null,
      buyerAcceptsMarketing: customer?.acceptsEmailMarketing ?? false,
    };
    if (status !== "pending") {
      order.transactions.push({
        id: this.ids.next("transaction"),
        kind: status === "authorized" ? "authorization" : "sale",
        status: "success",
        amountCents: orderTotals(order).totalCents,
        gateway,
        createdAt: at,
        parentId: null,
      });
    }
    return this.addOrder(order);
  }

  /**
   * Adds a fully built new order (e.g. from the order factory) as if a buyer had just checked out: orders/create,
   * orders/paid when already paid, and customers/update (the customer's order stats changed).
   */
  addOrder(order: SimOrder): SimOrder {
    return this.action(() => this.addOrderNow(order));
  }

  private addOrderNow(order: SimOrder): SimOrder {
    if (this.orders.has(order.id)) throw new ShopError(`order ${order.id} already exists`);
    this.orders.set(order.id, order);
    this.ids.observe("order", order.id);
    this.ids.observeOrderNumber(order.number);
    const at = order.createdAt;
    this.clock.observe(order.updatedAt);
    this.emit("orders/create", this.orderPayload(order), at);
    if (order.financialStatus === "paid") this.emit("orders/paid", this.orderPayload(order), at);
    if (order.customerId !== null) {
      const c = this.customers.get(order.customerId);
      if (c) {
        c.updatedAt = this.clock.stamp();
        this.emit("customers/update", restCustomer(c, this.info), c.updatedAt);
      }
    }
    return order;
  }

  markPaid(orderId: number): SimOrder {
    return this.action(() => this.markPaidNow(orderId));
  }

  private markPaidNow(orderId: number): SimOrder {
    const o = this.order(orderId);
    lifecycle.markPaid(o, this.clock.stamp(), this.ids);
    this.emit("orders/paid", this.orderPayload(o), o.updatedAt);
    this.emit("orders/updated", this.orderPayload(o), o.updatedAt);
    return o;
  }

  fulfill(orderId: number): SimOrder {
    return this.action(() => this.fulfillNow(orderId));
  }

  private fulfillNow(orderId: number): SimOrder {
    const o = this.order(orderId);
    lifecycle.fulfill(o, this.clock.stamp());
    this.emit("orders/fulfilled", this.orderPayload(o), o.updatedAt);
    this.emit("orders/updated", this.orderPayload(o), o.updatedAt);
    return o;
  }

  /** Edits merchant-editable fields (note, tags, email). */
  updateOrder(orderId: number, patch: Partial<Pick<SimOrder, "note" | "tags" | "email" | "phone">>): SimOrder {
    const o = this.order(orderId);
    Object.assign(o, patch);
    o.updatedAt = this.clock.stamp();
    this.emit("orders/updated", this.orderPayload(o), o.updatedAt);
    return o;
  }

  /**
   * An order edit (https://shopify.dev/docs/apps/build/orders-fulfillment/order-management-apps/edit-orders):
   * removed units stay in line_items with a lower current_quantity, added lines are new line items; the current
   * totals follow, the original total does not. A paid order gets the removed value refunded at once (the merchant
   * refunds the difference); an unpaid one simply owes less. Sends orders/edited and orders/updated (one event).
   */
  editOrder(orderId: number, edit: OrderEdit): SimOrder {
    return this.action(() => {
      const o = this.order(orderId);
      if (o.cancelledAt || o.fulfillmentStatus === "fulfilled")
        throw new ShopError(`order ${orderId} cannot be edited`);
      const paid = o.financialStatus === "paid" || o.financialStatus === "partially_refunded";
      if (edit.add?.length && paid) throw new ShopError("the simulator adds lines only to unpaid orders");
      const at = this.clock.stamp();
      const removals = (edit.remove ?? []).map((r) => {
        const line = o.lineItems.find((l) => l.id === r.lineItemId);
        if (!line || r.quantity <= 0 || r.quantity > line.quantity - (line.removedQuantity ?? 0))
          throw new ShopError(`cannot remove ${r.quantity} of line ${r.lineItemId}`);
        return { line, quantity: r.quantity };
      });
      const additions = (edit.add ?? []).map((l) => ({
        id: this.ids.next("lineItem"),
        productId: l.productId ?? null,
        variantId: l.variantId ?? null,
        title: l.title,
        variantTitle: l.variantTitle ?? null,
        sku: l.sku ?? null,
        vendor: l.vendor ?? null,
        quantity: l.quantity ?? 1,
        priceCents: cents(l.price),
        requiresShipping: l.requiresShipping ?? true,
        discountCents: 0,
      }));
      o.lineItems.push(...additions);
      if (paid && removals.length) {
        lifecycle.refund(
          o,
          { lines: removals.map((r) => ({ lineItemId: r.line.id, quantity: r.quantity })), note: "Order edit" },
          at,
          this.ids,
        );
      } else {
        for (const r of removals) r.line.removedQuantity = (r.line.removedQuantity ?? 0) + r.quantity;
      }
      o.updatedAt = at;
      this.emit("orders/edited", orderEditPayload(o, removals, additions, this.info), at);
      for (const r of o.refunds.filter((x) => x.createdAt.getTime() === at.getTime()))
        this.emit("refunds/create", restRefund(r, o, this.info), at);
      this.emit("orders/updated", this.orderPayload(o), at);
      return o;
    });
  }

  refund(orderId: number, spec: lifecycle.RefundSpec): SimRefund {
    return this.action(() => this.refundNow(orderId, spec));
  }

  private refundNow(orderId: number, spec: lifecycle.RefundSpec): SimRefund {
    const o = this.order(orderId);
    const r = lifecycle.refund(o, spec, this.clock.stamp(), this.ids);
    this.emit("refunds/create", restRefund(r, o, this.info), r.createdAt);
    this.emit("orders/updated", this.orderPayload(o), o.updatedAt);
    return r;
  }

  cancel(orderId: number, spec: lifecycle.CancelSpec): SimOrder {
    return this.action(() => this.cancelNow(orderId, spec));
  }

  private cancelNow(orderId: number, spec: lifecycle.CancelSpec): SimOrder {
    const o = this.order(orderId);
    const r = lifecycle.cancel(o, spec, this.clock.stamp(), this.ids);
    if (r) this.emit("refunds/create", restRefund(r, o, this.info), r.createdAt);
    this.emit("orders/cancelled", this.orderPayload(o), o.updatedAt);
    this.emit("orders/updated", this.orderPayload(o), o.updatedAt);
    return o;
  }

  deleteOrder(orderId: number): void {
    this.order(orderId);
    this.orders.delete(orderId);
    this.emit("orders/delete", restDeletedOrder(orderId), this.clock.stamp());
  }

  // --- compliance and app lifecycle ---------------------------------------------------------------------

  /** customers/data_request: the merchant asks what the app holds about a customer. */
  requestCustomerData(customerId: number): WebhookEvent {
    const c = this.customer(customerId);
    const orders = this.ordersOf(customerId).map((o) => o.id);
    return this.emit(
      "customers/data_request",
      dataRequestPayload(this.info, c, orders, ++this.dataRequestSeq),
      this.clock.stamp(),
    );
  }

  /** customers/redact: Shopify asks the app to erase a customer (and their orders' personal data). */
  redactCustomer(customerId: number): WebhookEvent {
    const c = this.customers.get(customerId) ?? {
      id: customerId,
      email: null,
      phone: null,
    };
    const orders = this.ordersOf(customerId).map((o) => o.id);
    return this.emit("customers/redact", customerRedactPayload(this.info, c, orders), this.clock.stamp());
  }

  /** app/uninstalled; every token stops working and none can be refreshed. */
  uninstallApp(): WebhookEvent {
    this.installed = false;
    this.auth.revokeAll();
    return this.emit("app/uninstalled", restShop(this.info), this.clock.stamp());
  }

  /** shop/redact: 48 hours after uninstall Shopify asks the app to erase the shop's data. */
  redactShop(): WebhookEvent {
    return this.emit("shop/redact", shopRedactPayload(this.info), this.clock.stamp());
  }

  /** Reinstall: a new token pair (and the app works again). */
  reinstallApp(): TokenResponse {
    this.installed = true;
    const tokens = this.auth.install();
    this.info.accessToken = tokens.access_token;
    this.info.refreshToken = tokens.refresh_token;
    return tokens;
  }

  emitBulkFinish(op: BulkFinishInfo): WebhookEvent {
    return this.emit("bulk_operations/finish", bulkFinishPayload(op, this.info), op.completedAt ?? this.clock.now());
  }
}

/** All shops of one simulator, by domain. */
export class ShopRegistry {
  private readonly shops = new Map<string, SimulatedShop>();

  constructor(readonly tokenClock = new TokenClock()) {}

  create(opts: CreateShopOptions = {}): SimulatedShop {
    const shop = new SimulatedShop({ tokenClock: this.tokenClock, ...opts });
    if (this.shops.has(shop.domain)) throw new ShopError(`shop ${shop.domain} already exists`);
    this.shops.set(shop.domain, shop);
    return shop;
  }

  get(domain: string): SimulatedShop | undefined {
    return this.shops.get(domain);
  }

  all(): SimulatedShop[] {
    return [...this.shops.values()];
  }
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h | 0;
}

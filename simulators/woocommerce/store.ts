/**
 * The simulated WooCommerce store's data: orders (HPOS ids shared with refunds, as refunds are orders of type
 * shop_order_refund), customers (WordPress users; the admin is user 1), REST API keys and webhooks, plus the
 * REST v3 documents built from them. Every change emits the WordPress/WooCommerce hook it would fire, which the
 * webhook dispatcher listens to.
 */
import { createHash, randomBytes } from "node:crypto";
import { formatMinorUnits, parseMinorUnits } from "../../app/domain/money";
import { SimClock, wooDate } from "./clock";

export type KeyPermissions = "read" | "write" | "read_write";
export type UserRole = "administrator" | "shop_manager" | "customer" | "subscriber";

export interface SimAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone: string;
}

export interface SimMeta {
  id: number;
  key: string;
  value: unknown;
}

export interface SimUser {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  role: UserRole;
  billing: SimAddress;
  createdAt: number;
  modifiedAt: number;
  meta: SimMeta[];
}

export interface SimLine {
  id: number;
  productId: number;
  variationId: number;
  name: string;
  sku: string;
  quantity: number;
  unitMinor: number;
}

export interface SimRefund {
  id: number;
  amountMinor: number;
  reason: string;
  createdAt: number;
}

export interface SimOrder {
  id: number;
  status: string;
  /** Status before trashing, restored by untrash. */
  statusBeforeTrash: string | null;
  currency: string;
  customerId: number;
  billing: SimAddress;
  lines: SimLine[];
  totalMinor: number;
  createdVia: string;
  orderKey: string;
  createdAt: number;
  modifiedAt: number;
  paidAt: number | null;
  completedAt: number | null;
  refunds: SimRefund[];
  meta: SimMeta[];
}

export interface SimApiKey {
  keyId: number;
  userId: number;
  description: string;
  permissions: KeyPermissions;
  consumerKey: string;
  consumerSecret: string;
  /** OAuth replay protection, WooCommerce-style: one remembered nonce per timestamp. */
  nonces: Map<number, string>;
}

export interface SimWebhook {
  id: number;
  name: string;
  status: "active" | "paused" | "disabled";
  topic: string;
  deliveryUrl: string;
  secret: string;
  userId: number;
  failureCount: number;
  createdAt: number;
  modifiedAt: number;
}

/** The WordPress/WooCommerce action a change fires; webhooks subscribe by topic to these. */
export type StoreHook =
  | { resource: "order"; event: "created" | "updated" | "deleted" | "restored"; id: number }
  | { resource: "customer"; event: "created" | "updated" | "deleted"; id: number };

export const PRODUCTS: ReadonlyMap<number, { name: string; sku: string; priceMinor: number }> = new Map([
  [12, { name: "Peer Widget", sku: "PEER-WIDGET", priceMinor: 1000 }],
  [13, { name: "Peer Gadget", sku: "PEER-GADGET", priceMinor: 2450 }],
]);

export const ORDER_STATUSES = [
  "pending",
  "processing",
  "on-hold",
  "completed",
  "cancelled",
  "refunded",
  "failed",
  "checkout-draft",
] as const;

const PROTECTED_META = /^_/;

export function emptyAddress(withEmail: boolean): SimAddress {
  const a: SimAddress = {
    first_name: "",
    last_name: "",
    company: "",
    address_1: "",
    address_2: "",
    city: "",
    state: "",
    postcode: "",
    country: "",
    phone: "",
  };
  if (withEmail) a.email = "";
  return a;
}

export class SimStore {
  readonly clock = new SimClock();
  readonly orders = new Map<number, SimOrder>();
  readonly users = new Map<number, SimUser>();
  readonly apiKeys: SimApiKey[] = [];
  readonly webhooks = new Map<number, SimWebhook>();
  readonly currency: string;
  /** Set by start(): "http://127.0.0.1:PORT" (WordPress home_url without the trailing slash). */
  homeUrl = "http://127.0.0.1";
  /** Filter `is_protected_meta` the way the Ciclo plugin does: `_ciclo_` user meta is readable and writable. */
  cicloPluginActive = false;
  private nextPostId = 14; // after the two seeded products, as on the peer
  private nextLineId = 1;
  private nextMetaId = 100;
  private nextKeyId = 1;
  private nextWebhookId = 1;
  private listeners: ((hook: StoreHook) => void)[] = [];

  constructor(options: { currency?: string } = {}) {
    this.currency = options.currency ?? "USD";
    const now = this.clock.nowSeconds();
    this.users.set(1, {
      id: 1,
      email: "admin@example.test",
      firstName: "",
      lastName: "",
      username: "admin",
      role: "administrator",
      billing: emptyAddress(true),
      createdAt: now,
      modifiedAt: now,
      meta: [],
    });
  }

  onHook(listener: (hook: StoreHook) => void): void {
    this.listeners.push(listener);
  }

  private fire(hook: StoreHook): void {
    for (const l of this.listeners) l(hook);
  }

  // ---------------------------------------------------------------- keys

  createApiKey(userId: number, permissions: KeyPermissions, description = "Ciclo"): SimApiKey {
    const key: SimApiKey = {
      keyId: this.nextKeyId++,
      userId,
      description,
      permissions,
      consumerKey: `ck_${randomBytes(20).toString("hex")}`,
      consumerSecret: `cs_${randomBytes(20).toString("hex")}`,
      nonces: new Map(),
    };
    this.apiKeys.push(key);
    return key;
  }

  deleteApiKey(keyId: number): void {
    const i = this.apiKeys.findIndex((k) => k.keyId === keyId);
    if (i >= 0) this.apiKeys.splice(i, 1);
  }

  keyByConsumerKey(consumerKey: string): SimApiKey | null {
    return this.apiKeys.find((k) => k.consumerKey === consumerKey) ?? null;
  }

  // ---------------------------------------------------------------- customers

  createCustomer(input: {
    email: string;
    first_name?: string;
    last_name?: string;
    username?: string;
    role?: UserRole;
    meta_data?: { key: string; value: unknown }[];
  }): SimUser {
    const now = this.clock.nowSeconds();
    const id = Math.max(0, ...this.users.keys()) + 1;
    const user: SimUser = {
      id,
      email: input.email,
      firstName: input.first_name ?? "",
      lastName: input.last_name ?? "",
      username: input.username ?? input.email.split("@")[0]!.toLowerCase(),
      role: input.role ?? "customer",
      billing: emptyAddress(true),
      createdAt: now,
      modifiedAt: now,
      meta: [],
    };
    this.users.set(id, user);
    this.applyUserMeta(user, input.meta_data ?? []);
    // Observed on the real store: creating a customer also fires profile_update (customer.updated).
    this.fire({ resource: "customer", event: "created", id });
    this.fire({ resource: "customer", event: "updated", id });
    return user;
  }

  updateCustomer(
    id: number,
    input: {
      first_name?: string;
      last_name?: string;
      email?: string;
      meta_data?: { key: string; value: unknown; id?: number }[];
    },
  ): SimUser | null {
    const user = this.users.get(id);
    if (!user) return null;
    if (input.first_name !== undefined) user.firstName = input.first_name;
    if (input.last_name !== undefined) user.lastName = input.last_name;
    if (input.email !== undefined) user.email = input.email;
    this.applyUserMeta(user, input.meta_data ?? []);
    user.modifiedAt = this.clock.nowSeconds();
    this.fire({ resource: "customer", event: "updated", id });
    return user;
  }

  deleteCustomer(id: number): SimUser | null {
    const user = this.users.get(id);
    if (!user) return null;
    this.fire({ resource: "customer", event: "deleted", id }); // delete_user fires before the row goes
    this.users.delete(id);
    return user;
  }

  isProtectedMeta(key: string): boolean {
    if (this.cicloPluginActive && key.startsWith("_ciclo_")) return false;
    return PROTECTED_META.test(key);
  }

  /** WC_Data::update_meta_data semantics: by id, else by key (first match updated, duplicates removed); null deletes. */
  private applyUserMeta(user: SimUser, entries: readonly { key: string; value: unknown; id?: number }[]): void {
    for (const entry of entries) {
      if (typeof entry?.key !== "string" || this.isProtectedMeta(entry.key)) continue; // REST skips protected keys
      const value = entry.value === undefined ? null : entry.value;
      let index = entry.id ? user.meta.findIndex((m) => m.id === entry.id) : -1;
      if (index < 0 && !entry.id) {
        const matches = user.meta.map((m, i) => (m.key === entry.key ? i : -1)).filter((i) => i >= 0);
        index = matches[0] ?? -1;
        for (const dup of matches.slice(1).reverse()) user.meta.splice(dup, 1);
      }
      if (index >= 0) {
        if (value === null) user.meta.splice(index, 1);
        else user.meta[index] = { id: user.meta[index]!.id, key: entry.key, value };
      } else if (value !== null) {
        user.meta.push({ id: this.nextMetaId++, key: entry.key, value });
      }
    }
  }

  customerDocument(user: SimUser, viewerIsAdmin: boolean): Record<string, unknown> {
    const doc: Record<string, unknown> = {
      id: user.id,
      date_created: wooDate(user.createdAt),
      date_created_gmt: wooDate(user.createdAt),
      date_modified: wooDate(user.modifiedAt),
      date_modified_gmt: wooDate(user.modifiedAt),
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      role: user.role,
      username: user.username,
      billing: { ...user.billing },
      shipping: (({ email: _e, ...rest }) => rest)(emptyAddress(false) as SimAddress & { email?: string }),
      is_paying_customer: [...this.orders.values()].some((o) => o.customerId === user.id && o.paidAt !== null),
      avatar_url: `https://secure.gravatar.com/avatar/${createHash("sha256").update(user.email.trim().toLowerCase()).digest("hex")}?s=96&d=mm&r=g`,
    };
    if (viewerIsAdmin) doc["meta_data"] = user.meta.filter((m) => !this.isProtectedMeta(m.key)).map((m) => ({ ...m }));
    doc["_links"] = {
      self: [{ href: `${this.homeUrl}/wp-json/wc/v3/customers/${user.id}` }],
      collection: [{ href: `${this.homeUrl}/wp-json/wc/v3/customers` }],
    };
    return doc;
  }

  // ---------------------------------------------------------------- orders

  createOrder(input: {
    status?: string;
    customer_id?: number;
    billing?: Partial<SimAddress>;
    line_items?: { product_id: number; quantity?: number }[];
    set_paid?: boolean;
    created_via?: string;
    /** e.g. WooCommerce 8.5+ order attribution (`_wc_order_attribution_utm_source`, …). */
    meta_data?: { key: string; value: unknown }[];
  }): SimOrder {
    const now = this.clock.nowSeconds();
    const lines: SimLine[] = (input.line_items ?? []).map((l) => {
      const product = PRODUCTS.get(l.product_id) ?? { name: `Product ${l.product_id}`, sku: "", priceMinor: 0 };
      return {
        id: this.nextLineId++,
        productId: l.product_id,
        variationId: 0,
        name: product.name,
        sku: product.sku,
        quantity: l.quantity ?? 1,
        unitMinor: product.priceMinor,
      };
    });
    const status = input.status ?? (input.set_paid ? "processing" : "pending");
    const order: SimOrder = {
      id: this.nextPostId++,
      status,
      statusBeforeTrash: null,
      currency: this.currency,
      customerId: input.customer_id ?? 0,
      billing: { ...emptyAddress(true), ...(input.billing ?? {}) },
      lines,
      totalMinor: lines.reduce((sum, l) => sum + l.unitMinor * l.quantity, 0),
      createdVia: input.created_via ?? "rest-api",
      orderKey: `wc_order_${randomBytes(7).toString("base64url").slice(0, 13)}`,
      createdAt: now,
      modifiedAt: now,
      paidAt: input.set_paid || status === "completed" || status === "processing" ? now : null,
      completedAt: status === "completed" ? now : null,
      refunds: [],
      meta: (input.meta_data ?? []).map((m) => ({ id: this.nextMetaId++, key: m.key, value: m.value })),
    };
    this.orders.set(order.id, order);
    // Observed on the real store: creating an order saves it again, so order.updated fires too.
    this.fire({ resource: "order", event: "created", id: order.id });
    this.fire({ resource: "order", event: "updated", id: order.id });
    return order;
  }

  updateOrder(
    id: number,
    input: { status?: string; billing?: Partial<SimAddress>; set_paid?: boolean },
  ): SimOrder | null {
    const order = this.orders.get(id);
    if (!order) return null;
    const now = this.clock.nowSeconds();
    if (input.status !== undefined && input.status !== order.status) {
      order.status = input.status;
      if (input.status === "completed") order.completedAt = now;
      if ((input.status === "processing" || input.status === "completed") && order.paidAt === null) order.paidAt = now;
    }
    if (input.billing) order.billing = { ...order.billing, ...input.billing };
    if (input.set_paid && order.paidAt === null) order.paidAt = now;
    order.modifiedAt = now;
    this.fire({ resource: "order", event: "updated", id });
    return order;
  }

  trashOrder(id: number): SimOrder | null {
    const order = this.orders.get(id);
    if (!order || order.status === "trash") return order ?? null;
    order.statusBeforeTrash = order.status;
    order.status = "trash";
    order.modifiedAt = this.clock.nowSeconds();
    this.fire({ resource: "order", event: "deleted", id });
    return order;
  }

  /** wp-admin's "Restore" (the REST API has no untrash). */
  untrashOrder(id: number): SimOrder | null {
    const order = this.orders.get(id);
    if (!order || order.status !== "trash") return null;
    order.status = order.statusBeforeTrash ?? "pending";
    order.statusBeforeTrash = null;
    order.modifiedAt = this.clock.nowSeconds();
    this.fire({ resource: "order", event: "restored", id });
    return order;
  }

  deleteOrder(id: number): SimOrder | null {
    const order = this.orders.get(id);
    if (!order) return null;
    this.fire({ resource: "order", event: "deleted", id });
    this.orders.delete(id);
    return order;
  }

  refundedMinor(order: SimOrder): number {
    return order.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
  }

  /** wc_create_refund: amount must not exceed what is left; a full refund sets the order to refunded. */
  createRefund(orderId: number, amount: string, reason: string): SimRefund | { error: string } {
    const order = this.orders.get(orderId);
    if (!order) return { error: "Invalid order ID." };
    const amountMinor = parseMinorUnits(amount, order.currency);
    if (amountMinor === null || amountMinor <= 0 || amountMinor > order.totalMinor - this.refundedMinor(order)) {
      return { error: "Invalid refund amount." };
    }
    const now = this.clock.nowSeconds();
    const refund: SimRefund = { id: this.nextPostId++, amountMinor, reason, createdAt: now };
    order.refunds.unshift(refund); // WooCommerce lists the newest refund first
    if (this.refundedMinor(order) === order.totalMinor) order.status = "refunded";
    order.modifiedAt = now;
    this.fire({ resource: "order", event: "updated", id: orderId }); // woocommerce_order_refunded
    return refund;
  }

  money(minor: number, currency = this.currency): string {
    return formatMinorUnits(minor, currency);
  }

  orderDocument(order: SimOrder): Record<string, unknown> {
    const total = this.money(order.totalMinor, order.currency);
    const base = `${this.homeUrl}/wp-json/wc/v3/orders/${order.id}`;
    return {
      id: order.id,
      parent_id: 0,
      status: order.status,
      currency: order.currency,
      version: "10.0.2",
      prices_include_tax: false,
      date_created: wooDate(order.createdAt),
      date_modified: wooDate(order.modifiedAt),
      discount_total: "0.00",
      discount_tax: "0.00",
      shipping_total: "0.00",
      shipping_tax: "0.00",
      cart_tax: "0.00",
      total,
      total_tax: "0.00",
      customer_id: order.customerId,
      order_key: order.orderKey,
      billing: { ...order.billing },
      shipping: (({ email: _e, ...rest }) => rest)(emptyAddress(false) as SimAddress & { email?: string }),
      payment_method: "",
      payment_method_title: "",
      transaction_id: "",
      customer_ip_address: "",
      customer_user_agent: "",
      created_via: order.createdVia,
      customer_note: "",
      date_completed: wooDate(order.completedAt),
      date_paid: wooDate(order.paidAt),
      cart_hash: "",
      number: String(order.id),
      meta_data: order.meta.filter((m) => !PROTECTED_META.test(m.key)),
      line_items: order.lines.map((l) => ({
        id: l.id,
        name: l.name,
        product_id: l.productId,
        variation_id: l.variationId,
        quantity: l.quantity,
        tax_class: "",
        subtotal: this.money(l.unitMinor * l.quantity, order.currency),
        subtotal_tax: "0.00",
        total: this.money(l.unitMinor * l.quantity, order.currency),
        total_tax: "0.00",
        taxes: [],
        meta_data: [],
        sku: l.sku,
        price: l.unitMinor / 100, // a JSON number, as WooCommerce sends it
        image: { id: "", src: "" },
        parent_name: null,
      })),
      tax_lines: [],
      shipping_lines: [],
      fee_lines: [],
      coupon_lines: [],
      refunds: order.refunds.map((r) => ({
        id: r.id,
        reason: r.reason,
        total: `-${this.money(r.amountMinor, order.currency)}`,
      })),
      payment_url: `${this.homeUrl}/checkout/order-pay/${order.id}/?pay_for_order=true&key=${order.orderKey}`,
      is_editable: ["pending", "on-hold", "checkout-draft", "auto-draft"].includes(order.status),
      needs_payment: ["pending", "failed"].includes(order.status) && order.totalMinor > 0,
      needs_processing: true,
      date_created_gmt: wooDate(order.createdAt),
      date_modified_gmt: wooDate(order.modifiedAt),
      date_completed_gmt: wooDate(order.completedAt),
      date_paid_gmt: wooDate(order.paidAt),
      currency_symbol: order.currency === "USD" ? "$" : order.currency,
      _links: { self: [{ href: base }], collection: [{ href: `${this.homeUrl}/wp-json/wc/v3/orders` }] },
    };
  }

  refundDocument(order: SimOrder, refund: SimRefund): Record<string, unknown> {
    return {
      id: refund.id,
      date_created: wooDate(refund.createdAt),
      date_created_gmt: wooDate(refund.createdAt),
      amount: this.money(refund.amountMinor, order.currency),
      reason: refund.reason,
      refunded_by: 1,
      refunded_payment: false,
      meta_data: [],
      line_items: [],
      shipping_lines: [],
      tax_lines: [],
      fee_lines: [],
    };
  }

  // ---------------------------------------------------------------- webhooks

  createWebhook(
    input: { name?: string; topic: string; delivery_url: string; secret?: string; status?: string },
    userId: number,
  ): SimWebhook {
    const now = this.clock.nowSeconds();
    const webhook: SimWebhook = {
      id: this.nextWebhookId++,
      name: input.name ?? `Webhook created on ${new Date(now * 1000).toUTCString()}`,
      status: input.status === "paused" || input.status === "disabled" ? input.status : "active",
      topic: input.topic,
      deliveryUrl: input.delivery_url,
      secret: input.secret || randomBytes(25).toString("base64"),
      userId,
      failureCount: 0,
      createdAt: now,
      modifiedAt: now,
    };
    this.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  webhookDocument(w: SimWebhook): Record<string, unknown> {
    const [resource, event] = w.topic.split(".");
    return {
      id: w.id,
      name: w.name,
      status: w.status,
      topic: w.topic,
      resource,
      event,
      hooks: [],
      delivery_url: w.deliveryUrl,
      date_created: wooDate(w.createdAt),
      date_created_gmt: wooDate(w.createdAt),
      date_modified: wooDate(w.modifiedAt),
      date_modified_gmt: wooDate(w.modifiedAt),
      _links: { self: [{ href: `${this.homeUrl}/wp-json/wc/v3/webhooks/${w.id}` }] },
    };
  }
}

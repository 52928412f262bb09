/**
 * Field resolvers per GraphQL type over the simulator's state. The server executes any valid document with them
 * (graphql-js does selection, aliases, fragments, variables); the bulk runner walks its inner query with the same
 * map. A field without a resolver is an explicit "not supported by the simulator" error, never a silent null.
 * To support more of the API (tags, metafields, mutations), add entries here.
 */
import { GraphQLError } from "graphql";
import { gid, parseGid } from "../ids";
import { graphqlDecimal, presentmentCents, type Cents } from "../money";
import type { MetafieldInput, SimMetafield } from "../metafields";
import type { SimCustomer, SimLineItem, SimOrder, SimRefund, SimRefundLine, SimTransaction } from "../model";
import { orderTotals } from "../order-math";
import { orderVisible } from "./access";
import type { SimulatedShop } from "../store";
import { graphqlDateTime } from "../time";
import type { BulkOperationRecord, BulkOperations } from "./bulk";
import type { BulkMutations } from "./bulk-mutation";
import { paginate, type Connection, type PageArgs } from "./connection";
import { searchPredicate, type FieldValue, type SearchWarning } from "./search-query";
import { StagedUploadError, type StagedUploadInput, type StagedUploads } from "./staged-uploads";

export interface ResolverContext {
  shop: SimulatedShop;
  bulk: BulkOperations;
  /** Staged uploads and bulk mutations (absent inside bulk runs, where those mutations are not allowed). */
  staged?: StagedUploads;
  bulkMutations?: BulkMutations;
  /** True while a bulk query runs: connections return everything, ignoring first/last. */
  unbounded: boolean;
  /** Search warnings reported in extensions.search. */
  searchWarnings: { path: string; query: string; warnings: SearchWarning[] }[];
}

export type Args = Record<string, unknown>;
export type Resolver = (source: unknown, args: Args, ctx: ResolverContext) => unknown;
type Typed<S> = Record<string, (source: S, args: Args, ctx: ResolverContext) => unknown>;

/** Lets each type's resolvers name their source type; the executor passes `unknown`. */
function typed<S>(map: Typed<S>): Record<string, Resolver> {
  return map as unknown as Record<string, Resolver>;
}

export class UnsupportedFieldError extends GraphQLError {}

interface Money {
  cents: Cents;
  currency: string;
}
const money = (cents: Cents, currency: string): Money => ({ cents, currency });
/** An order's MoneyBag: shop money, and presentment money in the currency the buyer paid in. */
const bag = (cents: Cents, order: SimOrder) => ({
  shop: money(cents, order.currency),
  presentment: money(presentmentCents(cents, order), order.presentment?.currency ?? order.currency),
});
const dt = (d: Date | null | undefined) => (d ? graphqlDateTime(d) : null);
/** UnsignedInt64 is serialised as a string by Shopify. */
const u64 = (n: number) => String(n);

interface LineSource {
  line: SimLineItem;
  order: SimOrder;
}
interface RefundSource {
  refund: SimRefund;
  order: SimOrder;
}
interface RefundLineSource {
  rl: SimRefundLine;
  order: SimOrder;
}
interface TransactionSource {
  t: SimTransaction;
  order: SimOrder;
}

const FINANCIAL: Record<SimOrder["financialStatus"], string> = {
  pending: "PENDING",
  authorized: "AUTHORIZED",
  partially_paid: "PARTIALLY_PAID",
  paid: "PAID",
  partially_refunded: "PARTIALLY_REFUNDED",
  refunded: "REFUNDED",
  voided: "VOIDED",
};

function fulfillmentDisplay(o: SimOrder): string {
  switch (o.fulfillmentStatus) {
    case "fulfilled":
      return "FULFILLED";
    case "partial":
      return "PARTIALLY_FULFILLED";
    case "restocked":
      return "RESTOCKED";
    default:
      return "UNFULFILLED";
  }
}

function refundedQuantity(order: SimOrder, lineId: number): number {
  let q = 0;
  for (const r of order.refunds) for (const rl of r.lines) if (rl.lineItemId === lineId) q += rl.quantity;
  return q;
}

function pageArgs(args: Args): PageArgs {
  return {
    first: args.first as number | null | undefined,
    last: args.last as number | null | undefined,
    after: args.after as string | null | undefined,
    before: args.before as string | null | undefined,
    reverse: args.reverse as boolean | null | undefined,
  };
}

const ORDER_SEARCH_FIELDS = [
  "updated_at",
  "created_at",
  "processed_at",
  "id",
  "name",
  "email",
  "customer_id",
  "financial_status",
  "fulfillment_status",
  "status",
  "test",
  "source_name",
] as const;

function orderSearchValue(o: SimOrder, field: string): FieldValue | FieldValue[] | undefined {
  switch (field) {
    case "updated_at":
      return o.updatedAt;
    case "created_at":
      return o.createdAt;
    case "processed_at":
      return o.processedAt;
    case "id":
      return o.id;
    case "name":
      return [o.name, o.name.replace(/^#/, "")];
    case "email":
      return o.email;
    case "customer_id":
      return o.customerId;
    case "financial_status":
      return o.financialStatus;
    case "fulfillment_status":
      return o.fulfillmentStatus === null
        ? "unfulfilled"
        : o.fulfillmentStatus === "fulfilled"
          ? "shipped"
          : o.fulfillmentStatus;
    case "status":
      return ["any", o.cancelledAt ? "cancelled" : o.closedAt ? "closed" : "open"];
    case "test":
      return o.test;
    case "source_name":
      return o.sourceName;
    default:
      return undefined;
  }
}

const ORDER_SORT: Record<string, (o: SimOrder) => (string | number)[]> = {
  ID: (o) => [o.id],
  CREATED_AT: (o) => [o.createdAt.getTime(), o.id],
  UPDATED_AT: (o) => [o.updatedAt.getTime(), o.id],
  PROCESSED_AT: (o) => [o.processedAt.getTime(), o.id],
  ORDER_NUMBER: (o) => [o.number, o.id],
  TOTAL_PRICE: (o) => [orderTotals(o).totalCents, o.id],
};

/** The orders the app can see (no read_all_orders: the last 60 days only). */
function visibleOrders(all: Iterable<SimOrder>, ctx: ResolverContext): SimOrder[] {
  const now = ctx.shop.clock.now();
  return [...all].filter((o) => orderVisible(ctx.shop.auth, o.createdAt, now));
}

function ordersConnection(all: SimOrder[], args: Args, ctx: ResolverContext, path: string): Connection<SimOrder> {
  all = visibleOrders(all, ctx);
  const query = (args.query as string | null | undefined) ?? null;
  const { test, warnings } = searchPredicate<SimOrder>(query, orderSearchValue, ORDER_SEARCH_FIELDS);
  if (warnings.length > 0 && query) ctx.searchWarnings.push({ path, query, warnings });
  const sortKey = (args.sortKey as string | undefined) ?? "ID";
  const key = ORDER_SORT[sortKey];
  if (!key)
    throw new UnsupportedFieldError(
      `sortKey ${sortKey} is not supported by the local Shopify simulator (supported: ${Object.keys(ORDER_SORT).join(", ")})`,
    );
  return paginate(all.filter(test), key, pageArgs(args), ctx.unbounded);
}

const CUSTOMER_SEARCH_FIELDS = [
  "updated_at",
  "created_at",
  "id",
  "email",
  "tag",
  "country",
  "state",
  // Documented customer search terms (re-enabled in every API version, changelog "Re-enabled customer search terms").
  "orders_count",
  "email_marketing_state",
] as const;

/**
 * The search value of each customer field. Order counts are counted once per query, and only when the query asks
 * for them (a per-customer scan of the orders would be quadratic in a large shop).
 */
function customerSearchValue(ctx: ResolverContext) {
  let ordersCount: Map<number, number> | null = null;
  return (c: SimCustomer, field: string): FieldValue | FieldValue[] | undefined => {
    switch (field) {
      case "updated_at":
        return c.updatedAt;
      case "created_at":
        return c.createdAt;
      case "id":
        return c.id;
      case "email":
        return c.email;
      case "tag":
        return c.tags;
      case "country":
        return c.countryCode;
      case "state":
        return c.state;
      case "orders_count":
        if (!ordersCount) {
          ordersCount = new Map();
          for (const o of ctx.shop.orders.values())
            if (o.customerId !== null) ordersCount.set(o.customerId, (ordersCount.get(o.customerId) ?? 0) + 1);
        }
        return ordersCount.get(c.id) ?? 0;
      case "email_marketing_state":
        return c.email ? (c.acceptsEmailMarketing ? "SUBSCRIBED" : "NOT_SUBSCRIBED") : null;
      default:
        return undefined;
    }
  };
}

const CUSTOMER_SORT: Record<string, (c: SimCustomer) => (string | number)[]> = {
  ID: (c) => [c.id],
  CREATED_AT: (c) => [c.createdAt.getTime(), c.id],
  UPDATED_AT: (c) => [c.updatedAt.getTime(), c.id],
};

/** Count (ordersCount, customersCount): capped at `limit` (default 10,000; null = no cap) with AT_LEAST. */
function countOf(count: number, args: Args): { count: number; precision: string } {
  const limit = args.limit === undefined ? 10_000 : (args.limit as number | null);
  return limit !== null && count > limit ? { count: limit, precision: "AT_LEAST" } : { count, precision: "EXACT" };
}

function idOf(value: unknown, type: string): number | null {
  const parsed = typeof value === "string" ? parseGid(value) : null;
  return parsed && parsed.type === type ? parsed.id : null;
}

/** A Node-typed field (tagsAdd's `node`) needs the concrete type name for graphql-js to resolve the interface. */
function asNode<T extends object>(typeName: string, value: T): T & { __typename: string } {
  return { ...value, __typename: typeName };
}

/** The customer behind a tagsAdd/tagsRemove id; other taggable types are not modelled by the simulator. */
function taggableCustomerId(id: unknown): number | null {
  const parsed = typeof id === "string" ? parseGid(id) : null;
  if (parsed && parsed.type !== "Customer")
    throw new UnsupportedFieldError(
      `tags on ${parsed.type} are not supported by the local Shopify simulator (only Customer)`,
    );
  return parsed ? parsed.id : null;
}

function tagsPayload(result: { customer: SimCustomer | null; userErrors: unknown[] }) {
  return { node: result.customer ? asNode("Customer", result.customer) : null, userErrors: result.userErrors };
}

function invalidTagId(id: unknown) {
  return { node: null, userErrors: [{ field: ["id"], message: `Invalid global id '${String(id)}'` }] };
}

function metafieldsSet(args: Args, ctx: ResolverContext) {
  const inputs = (args.metafields as MetafieldInput[]).map((m) => {
    if (m.compareDigest !== undefined)
      throw new UnsupportedFieldError("metafieldsSet compareDigest is not supported by the local Shopify simulator");
    const owner = parseGid(m.ownerId);
    if (owner && owner.type !== "Customer")
      throw new UnsupportedFieldError(
        `metafields on ${owner.type} are not supported by the local Shopify simulator (only Customer)`,
      );
    return { ...m, namespace: m.namespace ?? "$app", ownerCustomerId: owner ? owner.id : null };
  });
  return ctx.shop.setCustomerMetafields(inputs);
}

function metafieldsConnection(c: SimCustomer, args: Args, ctx: ResolverContext): Connection<SimMetafield> {
  const keys = args.keys as string[] | null | undefined;
  const list = ctx.shop
    .metafieldsOf(c.id)
    .filter((m) => !args.namespace || m.namespace === args.namespace)
    .filter((m) => !keys || keys.includes(`${m.namespace}.${m.key}`));
  return paginate(list, (m) => [m.id], pageArgs(args), ctx.unbounded);
}

const connectionResolvers = typed<Connection<unknown>>({
  edges: (c) => c.items.map((node, i) => ({ node, cursor: c.cursors[i] })),
  nodes: (c) => c.items,
  pageInfo: (c) => c,
});

/** Payload and error types that differ only in name share one set of resolvers. */
const tagsPayloadResolvers = typed<{ node: unknown; userErrors: unknown[] }>({
  node: (p) => p.node,
  userErrors: (p) => p.userErrors,
});

const bulkOperationPayloadResolvers = typed<{ bulkOperation: BulkOperationRecord | null; userErrors: unknown[] }>({
  bulkOperation: (p) => p.bulkOperation,
  userErrors: (p) => p.userErrors,
});

const bulkUserErrorResolvers = typed<{ field: string[] | null; message: string; code: string | null }>({
  field: (e) => e.field,
  message: (e) => e.message,
  code: (e) => e.code,
});

export const RESOLVERS: Record<string, Record<string, Resolver>> = {
  QueryRoot: typed<unknown>({
    shop: (_s, _a, ctx) => ctx.shop,
    order: (_s, a, ctx) => {
      const id = idOf(a.id, "Order");
      const order = id === null ? undefined : ctx.shop.orders.get(id);
      return order && visibleOrders([order], ctx).length ? order : null;
    },
    orders: (_s, a, ctx) => ordersConnection([...ctx.shop.orders.values()], a, ctx, "orders"),
    ordersCount: (_s, a, ctx) =>
      countOf(
        ordersConnection([...ctx.shop.orders.values()], { query: a.query }, { ...ctx, unbounded: true }, "ordersCount")
          .items.length,
        a,
      ),
    customersCount: (_s, a, ctx) => {
      const query = (a.query as string | null | undefined) ?? null;
      const { test } = searchPredicate<SimCustomer>(query, customerSearchValue(ctx), CUSTOMER_SEARCH_FIELDS);
      return countOf([...ctx.shop.customers.values()].filter(test).length, a);
    },
    customer: (_s, a, ctx) => {
      const id = idOf(a.id, "Customer");
      return id === null ? null : (ctx.shop.customers.get(id) ?? null);
    },
    customers: (_s, a, ctx) => {
      const query = (a.query as string | null | undefined) ?? null;
      const { test, warnings } = searchPredicate<SimCustomer>(query, customerSearchValue(ctx), CUSTOMER_SEARCH_FIELDS);
      if (warnings.length > 0 && query) ctx.searchWarnings.push({ path: "customers", query, warnings });
      const key = CUSTOMER_SORT[(a.sortKey as string | undefined) ?? "ID"];
      if (!key)
        throw new UnsupportedFieldError(
          `customers sortKey ${String(a.sortKey)} is not supported by the local Shopify simulator`,
        );
      return paginate([...ctx.shop.customers.values()].filter(test), key, pageArgs(a), ctx.unbounded);
    },
    bulkOperation: (_s, a, ctx) => {
      const id = idOf(a.id, "BulkOperation");
      return id === null ? null : (ctx.bulk.get(ctx.shop.domain, id) ?? null);
    },
  }),

  Mutation: typed<unknown>({
    bulkOperationRunQuery: (_s, a, ctx) => ctx.bulk.run(ctx.shop, String(a.query), a.groupObjects === true),
    tagsAdd: (_s, a, ctx) => {
      const id = taggableCustomerId(a.id);
      if (id === null) return invalidTagId(a.id);
      return tagsPayload(ctx.shop.addCustomerTags(id, a.tags as string[]));
    },
    tagsRemove: (_s, a, ctx) => {
      const id = taggableCustomerId(a.id);
      if (id === null) return invalidTagId(a.id);
      return tagsPayload(ctx.shop.removeCustomerTags(id, a.tags as string[]));
    },
    metafieldsSet: (_s, a, ctx) => metafieldsSet(a, ctx),
    stagedUploadsCreate: (_s, a, ctx) => {
      if (!ctx.staged) throw new UnsupportedFieldError("stagedUploadsCreate is not available here");
      const staged = ctx.staged;
      try {
        return {
          stagedTargets: (a.input as StagedUploadInput[]).map((input) => staged.create(ctx.shop, input)),
          userErrors: [],
        };
      } catch (e) {
        if (e instanceof StagedUploadError) throw new UnsupportedFieldError(e.message);
        throw e;
      }
    },
    bulkOperationRunMutation: (_s, a, ctx) => {
      if (!ctx.bulkMutations) throw new UnsupportedFieldError("bulkOperationRunMutation is not available here");
      return ctx.bulkMutations.run(ctx.shop, String(a.mutation), String(a.stagedUploadPath));
    },
    bulkOperationCancel: (_s, a, ctx) => {
      const id = idOf(a.id, "BulkOperation");
      return ctx.bulk.cancel(ctx.shop, id ?? -1);
    },
  }),

  Shop: typed<SimulatedShop>({
    id: (s) => gid("Shop", s.info.id),
    name: (s) => s.info.name,
    email: (s) => s.info.email,
    contactEmail: (s) => s.info.email,
    myshopifyDomain: (s) => s.info.domain,
    url: (s) => `https://${s.info.domain}`,
    currencyCode: (s) => s.info.currency,
    ianaTimezone: (s) => s.info.timezone,
    taxesIncluded: (s) => s.info.taxesIncluded,
    createdAt: (s) => dt(s.info.createdAt),
    updatedAt: (s) => dt(s.info.createdAt),
    enabledPresentmentCurrencies: (s) => [s.info.currency],
    plan: (s) => s.info.plan,
  }),

  ShopPlan: typed<SimulatedShop["info"]["plan"]>({
    shopifyPlus: (p) => p === "plus",
    partnerDevelopment: () => false,
    publicDisplayName: (p) => ({ standard: "Basic", advanced: "Advanced", plus: "Shopify Plus" })[p],
  }),

  Order: typed<SimOrder>({
    id: (o) => gid("Order", o.id),
    legacyResourceId: (o) => u64(o.id),
    name: (o) => o.name,
    number: (o) => o.number - 1000,
    email: (o) => o.email,
    phone: (o) => o.phone,
    note: (o) => o.note,
    tags: (o) => o.tags,
    createdAt: (o) => dt(o.createdAt),
    updatedAt: (o) => dt(o.updatedAt),
    processedAt: (o) => dt(o.processedAt),
    closedAt: (o) => dt(o.closedAt),
    closed: (o) => o.closedAt !== null,
    cancelledAt: (o) => dt(o.cancelledAt),
    cancelReason: (o) => o.cancelReason?.toUpperCase() ?? null,
    confirmed: () => true,
    test: (o) => o.test,
    displayFinancialStatus: (o) => FINANCIAL[o.financialStatus],
    displayFulfillmentStatus: (o) => fulfillmentDisplay(o),
    fullyPaid: (o) => ["paid", "partially_refunded", "refunded"].includes(o.financialStatus),
    unpaid: (o) => ["pending", "authorized"].includes(o.financialStatus),
    sourceName: (o) => o.sourceName,
    paymentGatewayNames: (o) => [o.gateway],
    discountCodes: (o) => o.discountCodes,
    discountCode: (o) => o.discountCodes[0] ?? null,
    customerAcceptsMarketing: (o) => o.buyerAcceptsMarketing,
    currencyCode: (o) => o.currency,
    presentmentCurrencyCode: (o) => o.presentment?.currency ?? o.currency,
    subtotalLineItemsQuantity: (o) => o.lineItems.reduce((s, l) => s + l.quantity, 0),
    totalPriceSet: (o) => bag(orderTotals(o).totalCents, o),
    originalTotalPriceSet: (o) => bag(orderTotals(o).totalCents, o),
    subtotalPriceSet: (o) => bag(orderTotals(o).subtotalCents, o),
    currentTotalPriceSet: (o) => bag(orderTotals(o).currentTotalCents, o),
    currentSubtotalPriceSet: (o) => bag(orderTotals(o).currentSubtotalCents, o),
    totalRefundedSet: (o) => bag(orderTotals(o).refundedCents, o),
    totalDiscountsSet: (o) => bag(o.discountCents, o),
    totalShippingPriceSet: (o) => bag(o.shippingCents, o),
    totalTaxSet: (o) => bag(orderTotals(o).taxCents, o),
    netPaymentSet: (o) => {
      const t = orderTotals(o);
      const received = o.transactions
        .filter((x) => (x.kind === "sale" || x.kind === "capture") && x.status === "success")
        .reduce((s, x) => s + x.amountCents, 0);
      return bag(received - t.refundedCents, o);
    },
    customerJourneySummary: (o) => o,
    customer: (o, _a, ctx) => (o.customerId !== null ? (ctx.shop.customers.get(o.customerId) ?? null) : null),
    refunds: (o, a) => {
      const list = o.refunds.map((refund) => ({ refund, order: o }));
      return typeof a.first === "number" ? list.slice(0, a.first) : list;
    },
    lineItems: (o, a, ctx) =>
      paginate(
        o.lineItems.map((line) => ({ line, order: o })),
        (x) => [x.line.id],
        pageArgs(a),
        ctx.unbounded,
      ),
  }),

  CustomerJourneySummary: typed<SimOrder>({
    ready: () => true,
    firstVisit: (o) => (o.landingSite || o.referringSite ? o : null),
    lastVisit: (o) => (o.landingSite || o.referringSite ? o : null),
    customerOrderIndex: (o, _a, ctx) => {
      if (o.customerId === null) return null;
      return ctx.shop.ordersOf(o.customerId).filter((x) => x.createdAt < o.createdAt).length;
    },
  }),

  CustomerVisit: typed<SimOrder>({
    id: (o) => gid("CustomerVisit", o.id),
    occurredAt: (o) => dt(o.createdAt),
    // GraphQL gives the absolute URL; REST's landing_site is the path + query.
    landingPage: (o, _a, ctx) => (o.landingSite ? `https://${ctx.shop.info.domain}${o.landingSite}` : null),
    referrerUrl: (o) => o.referringSite,
    source: (o) => (o.referringSite ? new URL(o.referringSite).hostname : "direct"),
    utmParameters: (o) => {
      if (!o.landingSite) return null;
      const params = new URL(o.landingSite, "https://x.example").searchParams;
      return params.has("utm_source") ? params : null;
    },
  }),

  UTMParameters: typed<URLSearchParams>({
    source: (p) => p.get("utm_source"),
    medium: (p) => p.get("utm_medium"),
    campaign: (p) => p.get("utm_campaign"),
    content: (p) => p.get("utm_content"),
    term: (p) => p.get("utm_term"),
  }),

  Customer: typed<SimCustomer>({
    id: (c) => gid("Customer", c.id),
    legacyResourceId: (c) => u64(c.id),
    firstName: (c) => c.firstName,
    lastName: (c) => c.lastName,
    displayName: (c) => [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || "",
    email: (c) => c.email,
    phone: (c) => c.phone,
    defaultEmailAddress: (c) => (c.email ? c : null),
    defaultPhoneNumber: (c) => (c.phone ? c : null),
    note: (c) => c.note,
    tags: (c) => c.tags,
    state: (c) => c.state.toUpperCase(),
    verifiedEmail: (c) => c.verifiedEmail,
    taxExempt: () => false,
    locale: () => "de",
    createdAt: (c) => dt(c.createdAt),
    updatedAt: (c) => dt(c.updatedAt),
    canDelete: (c, _a, ctx) => ctx.shop.ordersOf(c.id).length === 0,
    numberOfOrders: (c, _a, ctx) => u64(ctx.shop.ordersOf(c.id).length),
    amountSpent: (c, _a, ctx) =>
      money(
        ctx.shop.ordersOf(c.id).reduce((s, o) => s + orderTotals(o).currentTotalCents, 0),
        ctx.shop.info.currency,
      ),
    lastOrder: (c, _a, ctx) =>
      visibleOrders(ctx.shop.ordersOf(c.id), ctx).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0] ??
      null,
    orders: (c, a, ctx) => ordersConnection(ctx.shop.ordersOf(c.id), a, ctx, "customer.orders"),
    metafield: (c, a, ctx) =>
      ctx.shop.metafieldsOf(c.id).find((m) => m.namespace === (a.namespace ?? "$app") && m.key === a.key) ?? null,
    metafields: (c, a, ctx) => metafieldsConnection(c, a, ctx),
    // Non-null in the schema: a customer Shopify has not scored has an object whose fields are null.
    statistics: (c) => c,
  }),

  CustomerStatistics: typed<SimCustomer>({
    rfmGroup: (c, _a, ctx) => ctx.shop.statistics.get(c.id)?.rfmGroup ?? null,
    predictedSpendTier: (c, _a, ctx) => ctx.shop.statistics.get(c.id)?.predictedSpendTier ?? null,
  }),

  Metafield: typed<SimMetafield>({
    id: (m) => gid("Metafield", m.id),
    legacyResourceId: (m) => u64(m.id),
    namespace: (m) => m.namespace,
    key: (m) => m.key,
    type: (m) => m.type,
    value: (m) => m.value,
    jsonValue: (m) => (m.type === "json" ? (JSON.parse(m.value) as unknown) : m.value),
    ownerType: () => "CUSTOMER",
    createdAt: (m) => dt(m.createdAt),
    updatedAt: (m) => dt(m.updatedAt),
  }),

  TagsAddPayload: tagsPayloadResolvers,

  TagsRemovePayload: tagsPayloadResolvers,

  MetafieldsSetPayload: typed<{ metafields: SimMetafield[] | null; userErrors: unknown[] }>({
    metafields: (p) => p.metafields,
    userErrors: (p) => p.userErrors,
  }),

  MetafieldsSetUserError: typed<{ field: string[] | null; message: string; code: string; elementIndex: number | null }>(
    {
      field: (e) => e.field,
      message: (e) => e.message,
      code: (e) => e.code,
      elementIndex: (e) => e.elementIndex,
    },
  ),

  StagedUploadsCreatePayload: typed<{ stagedTargets: unknown[]; userErrors: unknown[] }>({
    stagedTargets: (p) => p.stagedTargets,
    userErrors: (p) => p.userErrors,
  }),

  StagedMediaUploadTarget: typed<{ url: string; resourceUrl: string; parameters: unknown[] }>({
    url: (t) => t.url,
    resourceUrl: (t) => t.resourceUrl,
    parameters: (t) => t.parameters,
  }),

  StagedUploadParameter: typed<{ name: string; value: string }>({
    name: (p) => p.name,
    value: (p) => p.value,
  }),

  BulkOperationRunMutationPayload: bulkOperationPayloadResolvers,

  BulkMutationUserError: bulkUserErrorResolvers,

  CustomerEmailAddress: typed<SimCustomer>({
    emailAddress: (c) => c.email,
    marketingState: (c) => (c.acceptsEmailMarketing ? "SUBSCRIBED" : "NOT_SUBSCRIBED"),
    marketingOptInLevel: (c) => (c.acceptsEmailMarketing ? "SINGLE_OPT_IN" : null),
    validFormat: () => true,
  }),

  CustomerPhoneNumber: typed<SimCustomer>({
    phoneNumber: (c) => c.phone,
  }),

  LineItem: typed<LineSource>({
    id: (s) => gid("LineItem", s.line.id),
    title: (s) => s.line.title,
    name: (s) => (s.line.variantTitle ? `${s.line.title} - ${s.line.variantTitle}` : s.line.title),
    variantTitle: (s) => s.line.variantTitle,
    sku: (s) => s.line.sku,
    vendor: (s) => s.line.vendor,
    quantity: (s) => s.line.quantity,
    currentQuantity: (s) => s.line.quantity - refundedQuantity(s.order, s.line.id) - (s.line.removedQuantity ?? 0),
    refundableQuantity: (s) => s.line.quantity - refundedQuantity(s.order, s.line.id),
    requiresShipping: (s) => s.line.requiresShipping,
    isGiftCard: (s) => s.line.title === "Gift Card",
    taxable: () => true,
    originalUnitPriceSet: (s) => bag(s.line.priceCents, s.order),
    discountedUnitPriceSet: (s) =>
      bag(s.line.priceCents - Math.round(s.line.discountCents / Math.max(1, s.line.quantity)), s.order),
    originalTotalSet: (s) => bag(s.line.priceCents * s.line.quantity, s.order),
    discountedTotalSet: (s) => bag(s.line.priceCents * s.line.quantity - s.line.discountCents, s.order),
    totalDiscountSet: (s) => bag(s.line.discountCents, s.order),
    product: (s) =>
      s.line.productId !== null ? { id: s.line.productId, title: s.line.title, vendor: s.line.vendor } : null,
    variant: (s) =>
      s.line.variantId !== null
        ? {
            id: s.line.variantId,
            title: s.line.variantTitle ?? "Default Title",
            sku: s.line.sku,
            price: s.line.priceCents,
          }
        : null,
  }),

  Product: typed<{ id: number; title: string; vendor: string | null }>({
    id: (p) => gid("Product", p.id),
    legacyResourceId: (p) => u64(p.id),
    title: (p) => p.title,
    vendor: (p) => p.vendor ?? "",
  }),

  ProductVariant: typed<{ id: number; title: string; sku: string | null; price: Cents }>({
    id: (v) => gid("ProductVariant", v.id),
    legacyResourceId: (v) => u64(v.id),
    title: (v) => v.title,
    sku: (v) => v.sku,
    price: (v) => graphqlDecimal(v.price),
  }),

  Refund: typed<RefundSource>({
    id: (s) => gid("Refund", s.refund.id),
    legacyResourceId: (s) => u64(s.refund.id),
    // Nullable in the schema; old refunds have none (see SimRefund.createdAtUnknown). processedAt is never null.
    createdAt: (s) => (s.refund.createdAtUnknown ? null : dt(s.refund.createdAt)),
    processedAt: (s) => dt(s.refund.createdAt),
    updatedAt: (s) => dt(s.refund.createdAt),
    note: (s) => s.refund.note,
    order: (s) => s.order,
    totalRefundedSet: (s) =>
      bag(
        s.refund.transactions
          .filter((t) => t.kind === "refund" && t.status === "success")
          .reduce((x, t) => x + t.amountCents, 0),
        s.order,
      ),
    refundLineItems: (s, a, ctx) =>
      paginate(
        s.refund.lines.map((rl) => ({ rl, order: s.order })),
        (x) => [x.rl.id],
        pageArgs(a),
        ctx.unbounded,
      ),
    transactions: (s, a, ctx) =>
      paginate(
        s.refund.transactions.map((t) => ({ t, order: s.order })),
        (x) => [x.t.id],
        pageArgs(a),
        ctx.unbounded,
      ),
  }),

  RefundLineItem: typed<RefundLineSource>({
    id: (s) => gid("RefundLineItem", s.rl.id),
    quantity: (s) => s.rl.quantity,
    restockType: (s) => s.rl.restockType.toUpperCase(),
    restocked: (s) => s.rl.restockType !== "no_restock",
    subtotalSet: (s) => bag(s.rl.subtotalCents, s.order),
    totalTaxSet: (s) => bag(s.rl.totalTaxCents, s.order),
    priceSet: (s) => {
      const line = s.order.lineItems.find((l) => l.id === s.rl.lineItemId);
      return bag(line?.priceCents ?? 0, s.order);
    },
    lineItem: (s) => {
      const line = s.order.lineItems.find((l) => l.id === s.rl.lineItemId);
      return line ? { line, order: s.order } : null;
    },
  }),

  OrderTransaction: typed<TransactionSource>({
    id: (s) => gid("OrderTransaction", s.t.id),
    kind: (s) => s.t.kind.toUpperCase(),
    status: (s) => s.t.status.toUpperCase(),
    gateway: (s) => s.t.gateway,
    createdAt: (s) => dt(s.t.createdAt),
    processedAt: (s) => dt(s.t.createdAt),
    test: (s) => s.order.test,
    amountSet: (s) => bag(s.t.amountCents, s.order),
    manualPaymentGateway: (s) => s.t.gateway === "manual" || s.t.gateway === "bank_transfer",
  }),

  MoneyBag: typed<{ shop: Money; presentment: Money }>({
    shopMoney: (b) => b.shop,
    presentmentMoney: (b) => b.presentment,
  }),

  MoneyV2: typed<Money>({
    amount: (m) => graphqlDecimal(m.cents),
    currencyCode: (m) => m.currency,
  }),

  PageInfo: typed<Connection<unknown>>({
    hasNextPage: (c) => c.hasNextPage,
    hasPreviousPage: (c) => c.hasPreviousPage,
    startCursor: (c) => c.cursors[0] ?? null,
    endCursor: (c) => c.cursors[c.cursors.length - 1] ?? null,
  }),

  BulkOperation: typed<BulkOperationRecord>({
    id: (b) => gid("BulkOperation", b.id),
    status: (b) => b.status,
    errorCode: (b) => b.errorCode,
    type: (b) => b.type,
    query: (b) => b.query,
    createdAt: (b) => dt(b.createdAt),
    completedAt: (b) => dt(b.completedAt),
    objectCount: (b) => u64(b.objectCount),
    rootObjectCount: (b) => u64(b.rootObjectCount),
    fileSize: (b) => (b.fileSize === null ? null : u64(b.fileSize)),
    url: (b) => b.url,
    partialDataUrl: (b) => b.partialDataUrl,
  }),

  Count: typed<{ count: number; precision: string }>({
    count: (c) => c.count,
    precision: (c) => c.precision,
  }),

  BulkOperationRunQueryPayload: bulkOperationPayloadResolvers,

  BulkOperationCancelPayload: bulkOperationPayloadResolvers,

  BulkOperationUserError: bulkUserErrorResolvers,

  UserError: typed<{ field: string[] | null; message: string }>({
    field: (e) => e.field,
    message: (e) => e.message,
  }),
};

/** Generic resolvers by type-name shape (every *Connection and *Edge). */
function genericResolver(typeName: string, fieldName: string): Resolver | undefined {
  if (typeName.endsWith("Connection")) return connectionResolvers[fieldName];
  if (typeName.endsWith("Edge")) {
    if (fieldName === "node") return (s) => (s as { node: unknown }).node;
    if (fieldName === "cursor") return (s) => (s as { cursor: string }).cursor;
  }
  return undefined;
}

export function resolverFor(typeName: string, fieldName: string): Resolver | undefined {
  return RESOLVERS[typeName]?.[fieldName] ?? genericResolver(typeName, fieldName);
}

export function unsupported(typeName: string, fieldName: string): UnsupportedFieldError {
  return new UnsupportedFieldError(
    `Field '${fieldName}' on type '${typeName}' is valid in Admin API 2026-07 but not supported by the local Shopify simulator; add a resolver in simulators/shopify/graphql/resolvers.ts`,
    {
      extensions: { code: "SIMULATOR_UNSUPPORTED_FIELD" },
    },
  );
}

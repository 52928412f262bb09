/**
 * Streams the backfill's bulk-operation JSONL into StoreOrders.
 * With `groupObjects: true` each order line is followed by its child lines (`__parentId` = the order's gid),
 * so an order is complete when the next root line (or the end of the file) arrives. Only one order is held.
 */
import { shopifyPaid } from "./payment-status";
import { parseMinorUnits } from "../../domain/money";
import type { StoreCustomer, StoreOrder, StoreOrderLine, StoreRefund } from "../../domain/types";
import { arr, bool, date, idFromGid, isObject, obj, str, int, type Json } from "../json";
import { orderValue } from "./order-value";

export interface AssembledOrder {
  order: StoreOrder;
  /** 0-based index of the order's own (root) line in the file: the resume checkpoint before it. */
  firstLine: number;
}

export type BulkLineResult = { kind: "ok"; completed: AssembledOrder | null } | { kind: "malformed"; reason: string };

export class BulkOrderAssembler {
  private current: { node: Json; firstLine: number; lines: StoreOrderLine[] } | null = null;

  /** Feeds one parsed JSONL object (line index `lineNo`); returns the previous order once it is complete. */
  push(value: unknown, lineNo: number): BulkLineResult {
    if (!isObject(value)) return { kind: "malformed", reason: "not a JSON object" };
    const parentId = str(value, "__parentId");
    if (parentId) {
      if (!this.current || str(this.current.node, "id") !== parentId) {
        return { kind: "malformed", reason: `child of ${parentId} does not follow its order` };
      }
      const line = mapLineItem(value, str(this.current.node, "currencyCode") ?? "USD");
      if (!line) return { kind: "malformed", reason: "line item without id" };
      this.current.lines.push(line);
      return { kind: "ok", completed: null };
    }
    if (!idFromGid(str(value, "id") ?? "")) return { kind: "malformed", reason: "order without id" };
    const completed = this.finishCurrent();
    this.current = { node: value, firstLine: lineNo, lines: [] };
    if (completed && "reason" in completed) return { kind: "malformed", reason: completed.reason };
    return { kind: "ok", completed };
  }

  /** Completes the last order at the end of the file. */
  end(): AssembledOrder | { reason: string } | null {
    return this.finishCurrent();
  }

  private finishCurrent(): AssembledOrder | { reason: string } | null {
    const current = this.current;
    this.current = null;
    if (!current) return null;
    const order = mapGraphqlOrder(current.node, current.lines);
    return "reason" in order ? order : { order, firstLine: current.firstLine };
  }
}

function money(set: unknown, currency: string): number | null {
  const m = obj(set, "shopMoney");
  return parseMinorUnits(str(m, "amount"), str(m, "currencyCode") ?? currency);
}

function mapLineItem(node: Json, currency: string): StoreOrderLine | null {
  const lineId = idFromGid(str(node, "id") ?? "");
  if (!lineId) return null;
  return {
    externalId: lineId,
    productId: idFromGid(str(obj(node, "product"), "id") ?? ""),
    variantId: idFromGid(str(obj(node, "variant"), "id") ?? ""),
    sku: str(node, "sku"),
    title: str(node, "title"),
    quantity: int(node, "quantity") ?? 0,
    unitPriceMinor: money(obj(node, "originalUnitPriceSet"), currency) ?? 0,
  };
}

/** An order node of a paginated (not bulk) query: its line items are inline under `lineItems.nodes`. */
export function mapGraphqlOrderNode(node: Json): StoreOrder | { reason: string } {
  const currency = str(node, "currencyCode") ?? "USD";
  const lines: StoreOrderLine[] = [];
  for (const l of arr(obj(node, "lineItems"), "nodes")) {
    const line = isObject(l) ? mapLineItem(l, currency) : null;
    if (line) lines.push(line);
  }
  return mapGraphqlOrder(node, lines);
}

/** A Customer node (GraphQL) -> StoreCustomer; null without an id. */
export function mapGraphqlCustomer(node: Json | null): StoreCustomer | null {
  return mapCustomer(node);
}

function mapCustomer(node: Json | null): StoreCustomer | null {
  const customerId = idFromGid(str(node, "id") ?? "");
  if (!customerId) return null;
  return {
    externalId: customerId,
    email: str(obj(node, "defaultEmailAddress"), "emailAddress"),
    firstName: str(node, "firstName"),
    lastName: str(node, "lastName"),
    createdAt: date(node, "createdAt"),
    updatedAt: date(node, "updatedAt"),
    ...customerExtras(node),
  };
}

/** Shopify's enum values are upper-case words; anything else is not stored. */
function enumValue(value: string | null): string | null {
  return value && /^[A-Z][A-Z_]{0,39}$/.test(value) ? value : null;
}

/**
 * Consent and Shopify's statistics, only when the query read them: a customer without an e-mail address
 * (`defaultEmailAddress: null`) cannot have accepted e-mail marketing; SUBSCRIBED is consent, PENDING (double
 * opt-in not confirmed), NOT_SUBSCRIBED, UNSUBSCRIBED, INVALID and REDACTED are not. A denied `statistics` (null
 * with ACCESS_DENIED) is "not read", not "no group".
 */
function customerExtras(node: Json | null): Pick<StoreCustomer, "acceptsMarketing" | "platformGroups"> {
  const out: Pick<StoreCustomer, "acceptsMarketing" | "platformGroups"> = {};
  if (isObject(node) && "defaultEmailAddress" in node) {
    const address = obj(node, "defaultEmailAddress");
    const state = str(address, "marketingState");
    if (address === null) out.acceptsMarketing = false;
    else if (state) out.acceptsMarketing = state === "SUBSCRIBED";
  }
  const statistics = obj(node, "statistics");
  if (statistics)
    out.platformGroups = {
      rfmGroup: enumValue(str(statistics, "rfmGroup")),
      predictedSpendTier: enumValue(str(statistics, "predictedSpendTier")),
    };
  return out;
}

export function mapGraphqlOrder(node: Json, lines: StoreOrderLine[]): StoreOrder | { reason: string } {
  const orderId = idFromGid(str(node, "id") ?? "");
  if (!orderId) return { reason: "order without id" };
  const createdAt = date(node, "createdAt");
  const updatedAt = date(node, "updatedAt") ?? createdAt;
  if (!createdAt || !updatedAt) return { reason: `order ${orderId} without createdAt/updatedAt` };
  const currency = str(node, "currencyCode") ?? "USD";
  const total = money(obj(node, "totalPriceSet"), currency);
  if (total === null) return { reason: `order ${orderId} without totalPriceSet` };
  const value = orderValue(
    total,
    money(obj(node, "currentTotalPriceSet"), currency),
    money(obj(node, "totalRefundedSet"), currency),
  );
  const processedAt = date(node, "processedAt") ?? createdAt;
  const refunds: StoreRefund[] = [];
  for (const r of arr(node, "refunds")) {
    // Keyed on the id, which is never null; Refund.createdAt is nullable, processedAt is not.
    const refundId = idFromGid(str(r, "id") ?? "");
    if (!refundId || !isObject(r)) continue;
    refunds.push({
      externalId: refundId,
      orderExternalId: orderId,
      amountMinor: money(obj(r, "totalRefundedSet"), currency) ?? 0,
      refundedAt: date(r, "processedAt") ?? date(r, "createdAt") ?? processedAt,
      amountRank: 2, // shopMoney: Shopify's own amount in the shop currency
    });
  }
  const financialStatus = str(node, "displayFinancialStatus")?.toLowerCase() ?? null;
  const firstVisit = obj(obj(node, "customerJourneySummary"), "firstVisit");
  return {
    externalId: orderId,
    name: str(node, "name"),
    customer: mapCustomer(obj(node, "customer")),
    email: str(node, "email") || null,
    currency,
    grossMinor: value.grossMinor,
    refunds,
    reportedRefundedMinor: value.reportedRefundedMinor,
    financialStatus,
    paid: shopifyPaid(financialStatus),
    fulfillmentStatus: str(node, "displayFulfillmentStatus")?.toLowerCase() ?? null,
    cancelledAt: date(node, "cancelledAt"),
    test: bool(node, "test") ?? false,
    voided: financialStatus === "voided" || financialStatus === "expired",
    sourceName: str(node, "sourceName"),
    landingSite: str(firstVisit, "landingPage"),
    referringSite: str(firstVisit, "referrerUrl"),
    processedAt,
    createdAt,
    updatedAt,
    lines,
  };
}

/**
 * Shopify's periodic reconciliation. Shopify does not guarantee webhook delivery (after 8 failed tries over
 * 4 hours a delivery is dropped; https://shopify.dev/docs/apps/build/webhooks — "implement reconciliation jobs"),
 * so each run reads back what changed since the last one and repairs what a lost delivery left wrong:
 *
 * 1. One probe call: how many orders and customers changed since the watermark (`updated_at`), and how many
 *    exist in the compared windows. A quiet store costs this one call and nothing else.
 * 2. Changed orders (creates, updates, refunds, cancellations, edits all move `updated_at`) and customers are
 *    read a page at a time and written through the same newest-wins writers as the webhooks; more changed orders
 *    than PAGED_ORDERS_LIMIT go to a bulk operation instead (the backfill, from the watermark).
 * 3. Deletions move no `updated_at`; a count that differs from ours (orders in the visible window, customers
 *    created since install) means a lost create or delete: the ids are compared, lost deletes applied and lost
 *    creates read.
 *
 * The watermark moves to the run's start (minus an overlap for late indexing) only when the run succeeded.
 */
import type { Db } from "../../db.server";
import { logger } from "../../logger.server";
import type { AdminGraphql, GraphqlResult } from "./admin-graphql.server";
import {
  forDataAccess,
  RECONCILE_CUSTOMER_IDS,
  RECONCILE_CUSTOMERS,
  RECONCILE_ORDER_DETAIL,
  RECONCILE_ORDER_IDS,
  RECONCILE_ORDERS,
  RECONCILE_PROBE,
  sinceFilter,
  type DataAccess,
} from "./graphql";
import { mapGraphqlCustomer, mapGraphqlOrderNode } from "./map-bulk";
import { idFromGid } from "../json";
import type { StoreOrder } from "../../domain/types";
import { applyStoreEvent } from "../../sync/apply-event.server";
import type { BackfillService } from "./backfill.server";
import { writeOrders } from "../../sync/order-writer.server";
import type { ReconcileStore, StoreReconciler } from "../../sync/reconcile-schedule.server";

/** Re-read this much before the watermark: Shopify's search index can lag a write by a little. */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;
/**
 * More changed orders than this are read by one bulk operation instead of pages: a page of 5 orders costs about
 * 150 points (30 per order), a bulk operation a few points plus the wait.
 */
export const PAGED_ORDERS_LIMIT = 200;
const ORDER_WINDOW_WITHOUT_READ_ALL_ORDERS_MS = 60 * 86_400_000;

export interface ReconcileReport {
  calls: number;
  points: number;
  ordersChanged: number;
  customersChanged: number;
  ordersDeleted: number;
  customersDeleted: number;
  ordersCreated: number;
  customersCreated: number;
  /** The changed orders went to a bulk operation (backfill run id). */
  bulkRunId: string | null;
}

export interface ShopifyReconcilerOptions {
  adminFor: (shop: string) => Promise<AdminGraphql>;
  backfill?: BackfillService;
}

interface Count {
  count: number;
  precision: string;
}
interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

export class ShopifyReconciler implements StoreReconciler {
  readonly platform = "shopify" as const;

  constructor(
    private readonly db: Db,
    private readonly options: ShopifyReconcilerOptions,
  ) {}

  async reconcile(store: ReconcileStore, now: number): Promise<void> {
    await this.run(store, new Date(now));
  }

  /** One reconciliation of one store; returns what it did and what it cost (calls, points). */
  async run(store: ReconcileStore, now = new Date()): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      calls: 0,
      points: 0,
      ordersChanged: 0,
      customersChanged: 0,
      ordersDeleted: 0,
      customersDeleted: 0,
      ordersCreated: 0,
      customersCreated: 0,
      bulkRunId: null,
    };
    const admin = await this.options.adminFor(store.domain);
    const call = async <T>(query: string, variables: Record<string, unknown>): Promise<GraphqlResult<T>> => {
      const result = await admin<T>(query, variables);
      report.calls++;
      report.points += result.extensions?.cost?.actualQueryCost ?? 0;
      const fatal = result.errors.filter((e) => e.extensions?.code !== "ACCESS_DENIED");
      if (fatal.length || !result.data)
        throw new Error(`reconcile query failed: ${JSON.stringify(result.errors).slice(0, 300)}`);
      return result;
    };
    try {
      const full = await this.db.store.findUniqueOrThrow({
        where: { id: store.id },
        include: { syncState: true },
      });
      const access = (full.syncState?.dataAccess as DataAccess | null) ?? "full";
      const readAllOrders = (full.scopes ?? "").split(",").includes("read_all_orders");
      const watermark = full.syncState?.reconciledThrough ?? full.installedAt;
      const since = new Date(watermark.getTime() - WATERMARK_OVERLAP_MS);
      const windowStart = readAllOrders ? null : new Date(now.getTime() - ORDER_WINDOW_WITHOUT_READ_ALL_ORDERS_MS);
      const customersFrom = full.installedAt;

      const probe = await call<{ ordersChanged: Count; orders: Count; customersChanged: Count; customers: Count }>(
        RECONCILE_PROBE,
        {
          ordersChanged: sinceFilter("updated_at", since),
          ordersWindow: windowStart ? sinceFilter("created_at", windowStart) : "",
          customersChanged: sinceFilter("updated_at", since),
          customersWindow: sinceFilter("created_at", customersFrom),
        },
      );
      const counts = probe.data!;
      report.ordersChanged = counts.ordersChanged.count;
      report.customersChanged = access === "no-customer" ? 0 : (counts.customersChanged?.count ?? 0);

      // 2. What changed.
      if (report.ordersChanged > PAGED_ORDERS_LIMIT && this.options.backfill) {
        const runRow = await this.options.backfill.start(store.id, "reconcile", since);
        report.bulkRunId = runRow.id;
      } else if (report.ordersChanged > 0) {
        await this.readOrders(store.id, call, sinceFilter("updated_at", since), access);
      }
      if (report.customersChanged > 0)
        await this.readCustomers(store.id, call, sinceFilter("updated_at", since), access);

      // 3. Lost creates and deletes.
      const ordersWhere = {
        storeId: store.id,
        deletedAt: null,
        ...(windowStart ? { platformCreatedAt: { gte: windowStart } } : {}),
      };
      if ((await this.db.order.count({ where: ordersWhere })) !== counts.orders.count) {
        const theirs = await this.ids(
          call,
          RECONCILE_ORDER_IDS,
          "orders",
          windowStart ? sinceFilter("created_at", windowStart) : "",
        );
        const ours = (await this.db.order.findMany({ where: ordersWhere, select: { externalId: true } })).map(
          (o) => o.externalId,
        );
        for (const id of ours.filter((x) => !theirs.has(x))) {
          await applyStoreEvent(
            { db: this.db, storeId: store.id, shopDomain: store.domain },
            { kind: "order.delete", orderExternalId: id, at: now },
          );
          report.ordersDeleted++;
        }
        const missing = [...theirs].filter((x) => !ours.includes(x));
        if (missing.length) report.ordersCreated += await this.readOrders(store.id, call, idsFilter(missing), access);
      }
      if (access !== "no-customer" && counts.customers) {
        const customersWhere = { storeId: store.id, deletedAt: null, platformCreatedAt: { gte: customersFrom } };
        if ((await this.db.customer.count({ where: customersWhere })) !== counts.customers.count) {
          const theirs = await this.ids(
            call,
            RECONCILE_CUSTOMER_IDS,
            "customers",
            sinceFilter("created_at", customersFrom),
          );
          const ours = (await this.db.customer.findMany({ where: customersWhere, select: { externalId: true } })).map(
            (c) => c.externalId,
          );
          for (const id of ours.filter((x) => !theirs.has(x))) {
            await applyStoreEvent(
              { db: this.db, storeId: store.id, shopDomain: store.domain },
              { kind: "customer.delete", customerExternalId: id, at: now },
            );
            report.customersDeleted++;
          }
          const missing = [...theirs].filter((x) => !ours.includes(x));
          if (missing.length)
            report.customersCreated += await this.readCustomers(store.id, call, idsFilter(missing), access);
        }
      }
      await this.saveState(store.id, { reconciledThrough: now, error: null, report });
      logger.info("shopify reconcile", { store: store.domain, ...report });
      return report;
    } catch (error) {
      await this.saveState(store.id, { reconciledThrough: null, error: String(error).slice(0, 500), report });
      throw error;
    }
  }

  private async readOrders(
    storeId: string,
    call: <T>(q: string, v: Record<string, unknown>) => Promise<GraphqlResult<T>>,
    query: string,
    access: DataAccess,
  ): Promise<number> {
    let after: string | null = null;
    let read = 0;
    const document = forDataAccess(RECONCILE_ORDERS, access);
    do {
      const page: Page<Record<string, unknown>> = (
        await call<{ orders: Page<Record<string, unknown>> }>(document, { query, after })
      ).data!.orders;
      const orders: StoreOrder[] = [];
      for (const node of page.nodes) {
        await this.complete(node, call);
        const order = mapGraphqlOrderNode(node);
        if ("reason" in order) logger.warn("reconcile skipped an order it cannot read", { reason: order.reason });
        else orders.push(order);
      }
      await writeOrders(this.db, storeId, orders);
      read += orders.length;
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    return read;
  }

  /** Reads the rest of an order the page cut short (more than 20 lines or 10 refunds), into the node itself. */
  private async complete(
    node: Record<string, unknown>,
    call: <T>(q: string, v: Record<string, unknown>) => Promise<GraphqlResult<T>>,
  ): Promise<void> {
    type Lines = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] };
    const lines = node.lineItems as Lines | undefined;
    const refunds = node.refunds as unknown[] | undefined;
    if (!lines?.pageInfo.hasNextPage && (refunds?.length ?? 0) < 10) return;
    let after = lines?.pageInfo.hasNextPage ? lines.pageInfo.endCursor : null;
    let first = true;
    const all = [...(lines?.nodes ?? [])];
    while (first || after) {
      const order = (
        await call<{ order: { refunds: unknown[]; lineItems: Lines } | null }>(RECONCILE_ORDER_DETAIL, {
          id: node.id,
          after,
        })
      ).data!.order;
      if (!order) return;
      if (first) node.refunds = order.refunds;
      if (after) all.push(...order.lineItems.nodes);
      after = after && order.lineItems.pageInfo.hasNextPage ? order.lineItems.pageInfo.endCursor : null;
      first = false;
    }
    node.lineItems = { pageInfo: { hasNextPage: false, endCursor: null }, nodes: all };
  }

  private async readCustomers(
    storeId: string,
    call: <T>(q: string, v: Record<string, unknown>) => Promise<GraphqlResult<T>>,
    query: string,
    access: DataAccess,
  ): Promise<number> {
    let after: string | null = null;
    let read = 0;
    const document = forDataAccess(RECONCILE_CUSTOMERS, access);
    const store = await this.db.store.findUniqueOrThrow({ where: { id: storeId }, select: { domain: true } });
    do {
      const page: Page<Record<string, unknown>> = (
        await call<{ customers: Page<Record<string, unknown>> }>(document, { query, after })
      ).data!.customers;
      for (const node of page.nodes) {
        const customer = mapGraphqlCustomer(node);
        if (!customer) continue;
        // Through the webhook path's event: redacted customers stay redacted.
        await applyStoreEvent(
          { db: this.db, storeId, shopDomain: store.domain },
          { kind: "customer.upsert", customer },
        );
        read++;
      }
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    return read;
  }

  private async ids(
    call: <T>(q: string, v: Record<string, unknown>) => Promise<GraphqlResult<T>>,
    document: string,
    root: "orders" | "customers",
    query: string,
  ): Promise<Set<string>> {
    const ids = new Set<string>();
    let after: string | null = null;
    do {
      const page: Page<{ id: string }> = (await call<Record<string, Page<{ id: string }>>>(document, { query, after }))
        .data![root]!;
      for (const node of page.nodes) {
        const id = idFromGid(node.id);
        if (id) ids.add(id);
      }
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    return ids;
  }

  private async saveState(
    storeId: string,
    s: { reconciledThrough: Date | null; error: string | null; report: ReconcileReport },
  ): Promise<void> {
    const fixed =
      s.report.ordersDeleted + s.report.customersDeleted + s.report.ordersCreated + s.report.customersCreated;
    const data = {
      lastReconcileAt: new Date(),
      lastReconcileCalls: s.report.calls,
      lastReconcilePoints: s.report.points,
      lastReconcileFixed: fixed,
      lastReconcileError: s.error,
      ...(s.reconciledThrough ? { reconciledThrough: s.reconciledThrough } : {}),
    };
    await this.db.storeSyncState.upsert({ where: { storeId }, create: { storeId, ...data }, update: data });
  }
}

/** Shopify search for a list of ids (`id:1 OR id:2 …`). */
function idsFilter(ids: string[]): string {
  return ids.map((id) => `id:${id}`).join(" OR ");
}

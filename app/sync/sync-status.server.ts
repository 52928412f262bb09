/** What has been synced for one store: the numbers behind the Sync page and /api/status. */
import type { Db } from "../db.server";
import { backfillProgress, type BackfillProgress } from "../platforms/shopify/backfill.server";

export interface SyncStatus {
  store: { domain: string; name: string | null; currency: string; timezone: string; status: string };
  customers: number;
  orders: number;
  ordersCounted: number;
  guestOrders: number;
  testOrders: number;
  cancelledOrders: number;
  refundedOrders: number;
  netRevenueMinor: string;
  webhooks: {
    processed: number;
    pending: number;
    /** Pending after a transient failure, waiting for their next attempt. */
    retrying: number;
    /** Could never apply as they are; kept with their reason until retried. */
    parked: number;
    /** Older receipts that failed before parking existed (payload gone). */
    failed: number;
    lastReceivedAt: string | null;
  };
  /** The most recent parked receipts (what, when, why), for the Sync page's retry list. */
  parked: ParkedReceipt[];
  backfill: (BackfillProgress & { trigger: string; startedAt: string }) | null;
}

export interface ParkedReceipt {
  id: string;
  topic: string;
  error: string | null;
  receivedAt: string;
}

const PARKED_LISTED = 20;

/** Orders that count toward customer value (see countsForValue in order-writer). */
export const COUNTED = { countsForValue: true, OR: [{ netMinor: { gt: 0n } }, { grossMinor: 0n }] };

export async function syncStatus(db: Db, storeId: string): Promise<SyncStatus> {
  const live = { storeId, deletedAt: null };
  const [
    store,
    customers,
    orders,
    counted,
    guests,
    tests,
    cancelled,
    refunded,
    revenue,
    receipts,
    lastReceipt,
    run,
    retrying,
    parked,
  ] = await Promise.all([
    db.store.findUniqueOrThrow({ where: { id: storeId } }),
    db.customer.count({ where: live }),
    db.order.count({ where: live }),
    db.order.count({ where: { ...live, ...COUNTED } }),
    db.order.count({ where: { ...live, customerExternalId: null } }),
    db.order.count({ where: { ...live, test: true } }),
    db.order.count({ where: { ...live, cancelled: true } }),
    db.order.count({ where: { ...live, refundedMinor: { gt: 0 } } }),
    db.order.aggregate({ where: { ...live, ...COUNTED }, _sum: { netMinor: true } }),
    db.webhookReceipt.groupBy({ by: ["status"], where: { storeId }, _count: { _all: true } }),
    db.webhookReceipt.findFirst({
      where: { storeId },
      orderBy: { receivedAt: "desc" },
      select: { receivedAt: true },
    }),
    db.backfillRun.findFirst({ where: { storeId }, orderBy: { startedAt: "desc" } }),
    db.webhookReceipt.count({ where: { storeId, status: "pending", error: { not: null } } }),
    db.webhookReceipt.findMany({
      where: { storeId, status: "parked" },
      orderBy: { receivedAt: "desc" },
      take: PARKED_LISTED,
      select: { id: true, topic: true, error: true, receivedAt: true },
    }),
  ]);
  const byStatus = (s: string) => receipts.find((r) => r.status === s)?._count._all ?? 0;
  return {
    store: {
      domain: store.domain,
      name: store.name,
      currency: store.currency,
      timezone: store.timezone,
      status: store.status,
    },
    customers,
    orders,
    ordersCounted: counted,
    guestOrders: guests,
    testOrders: tests,
    cancelledOrders: cancelled,
    refundedOrders: refunded,
    netRevenueMinor: (revenue._sum.netMinor ?? 0n).toString(),
    webhooks: {
      processed: byStatus("processed") + byStatus("ignored"),
      pending:
        byStatus("pending") +
        receipts.filter((r) => r.status.startsWith("processing:")).reduce((n, r) => n + r._count._all, 0),
      retrying,
      parked: byStatus("parked"),
      failed: byStatus("failed"),
      lastReceivedAt: lastReceipt?.receivedAt.toISOString() ?? null,
    },
    parked: parked.map((p) => ({ ...p, receivedAt: p.receivedAt.toISOString() })),
    backfill: run ? { ...backfillProgress(run), trigger: run.trigger, startedAt: run.startedAt.toISOString() } : null,
  };
}

/** What has been synced for one store: the numbers behind the Sync page and /api/status. */
import type { Db } from "../db.server";
import { backfillProgress, type BackfillProgress } from "./backfill.server";

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
  webhooks: { processed: number; pending: number; failed: number; lastReceivedAt: string | null };
  backfill: (BackfillProgress & { trigger: string; startedAt: string }) | null;
}

/** Orders that count toward customer value (see countsForValue in order-writer). */
export const COUNTED = { countsForValue: true, OR: [{ netMinor: { gt: 0n } }, { grossMinor: 0n }] };

export async function syncStatus(db: Db, storeId: string): Promise<SyncStatus> {
  const live = { storeId, deletedAt: null };
  const [store, customers, orders, counted, guests, tests, cancelled, refunded, revenue, receipts, lastReceipt, run] =
    await Promise.all([
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
      failed: byStatus("failed"),
      lastReceivedAt: lastReceipt?.receivedAt.toISOString() ?? null,
    },
    backfill: run ? { ...backfillProgress(run), trigger: run.trigger, startedAt: run.startedAt.toISOString() } : null,
  };
}

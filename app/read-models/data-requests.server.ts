/**
 * Customer data requests (customers/data_request): the report Ciclo assembles is the merchant's to hand over.
 * Settings lists a store's reports and offers each as a download for REPORT_DAYS days; then it is deleted. Expired
 * reports are never served (every read filters on age) and are deleted on each new request, on each Settings
 * visit, and hourly by the in-process workers.
 */
import type { Db } from "../db.server";
import { logger } from "../logger.server";

export const REPORT_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DataRequestListItem {
  id: string;
  customerExternalId: string;
  createdAt: string;
  expiresAt: string;
}

const cutoff = (now: Date) => new Date(now.getTime() - REPORT_DAYS * DAY_MS);

/** Deletes every store's reports older than REPORT_DAYS; returns how many. */
export async function purgeExpiredDataRequests(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.dataRequest.deleteMany({ where: { createdAt: { lt: cutoff(now) } } });
  if (count > 0) logger.info("expired data-request reports deleted", { count });
  return count;
}

export async function listDataRequests(db: Db, storeId: string, now = new Date()): Promise<DataRequestListItem[]> {
  const rows = await db.dataRequest.findMany({
    where: { storeId, createdAt: { gte: cutoff(now) } },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, customerExternalId: true, createdAt: true },
  });
  return rows.map((row) => ({
    id: row.id,
    customerExternalId: row.customerExternalId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: new Date(row.createdAt.getTime() + REPORT_DAYS * DAY_MS).toISOString(),
  }));
}

/** One report of the store as a JSON download, or null (unknown, another store's, or expired). */
export async function dataRequestReport(
  db: Db,
  storeId: string,
  id: string,
  now = new Date(),
): Promise<{ filename: string; json: string } | null> {
  const row = await db.dataRequest.findFirst({
    where: { id, storeId, createdAt: { gte: cutoff(now) } },
    select: { customerExternalId: true, createdAt: true, report: true },
  });
  if (!row) return null;
  const day = row.createdAt.toISOString().slice(0, 10);
  const customer = row.customerExternalId.replace(/[^A-Za-z0-9_-]/g, "");
  return { filename: `ciclo-data-request-${customer}-${day}.json`, json: row.report };
}

let timer: NodeJS.Timeout | null = null;

/** Hourly purge in this process (started with the in-process workers). */
export function startDataRequestRetention(db: Db): void {
  if (timer) return;
  const run = () => void purgeExpiredDataRequests(db).catch(() => undefined);
  run();
  timer = setInterval(run, 3600_000);
  timer.unref();
}

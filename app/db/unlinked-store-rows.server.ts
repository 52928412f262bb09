/**
 * CustomerScore, CustomerInsight and TagOutboxItem belong to a store without a foreign key to it (the nightly writes
 * a row per customer into each, and the key's check per row was a third of each write): deleting the store does
 * not cascade to them, so whatever deletes a store deletes their rows first, here. A few thousand rows per
 * statement, so a large store never holds the write lock for long; a crash half way leaves fewer rows, and running
 * it again finishes the job (docs/decisions/168-nightly-tables-without-foreign-keys.md).
 */
import type { Db } from "../db.server";

const BATCH = 2_000;

export async function deleteUnlinkedStoreRows(db: Db, storeId: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.customerScore.findMany({ where: { storeId }, select: { customerId: true }, take: BATCH });
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.customerId);
    deleted += (await db.customerScore.deleteMany({ where: { storeId, customerId: { in: ids } } })).count;
  }
  for (;;) {
    const rows = await db.customerInsight.findMany({ where: { storeId }, select: { customerId: true }, take: BATCH });
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.customerId);
    deleted += (await db.customerInsight.deleteMany({ where: { storeId, customerId: { in: ids } } })).count;
  }
  for (;;) {
    const rows = await db.tagOutboxItem.findMany({ where: { storeId }, select: { id: true }, take: BATCH });
    if (rows.length === 0) break;
    deleted += (await db.tagOutboxItem.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } })).count;
  }
  return deleted;
}

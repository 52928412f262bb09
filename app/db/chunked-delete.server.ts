/**
 * Deletes a store's rows of one table, without holding SQLite's write lock for long: there a few thousand rows per
 * statement, each batch found through the table's storeId index (a large store's orders in one transaction would
 * stall every webhook for minutes). PostgreSQL deletes them in one statement, which locks only those rows (writers
 * of other rows go on); batches of `key IN (SELECT … LIMIT n)` there re-read the rows earlier batches had deleted,
 * whose dead versions stay in the heap and the index until vacuum (200,000 outbox items: 2.6–11.9 s in batches,
 * 0.24–0.5 s in one statement). A crash half way leaves fewer rows, never a broken one; running it again finishes
 * the job. The one way the app deletes a store's rows in bulk: "delete all data", shop/redact, the tag outbox.
 */
import { dialectOf, type Db } from "../db.server";
import type { BulkWriter } from "./bulk-writer.server";

const BATCH = 2_000;

/**
 * One SQLite batch: the rows picked through the store's index, each then deleted through the table's key. A table
 * keyed by its own "id" is deleted by id alone — with the store in the outer condition too, SQLite walked all the
 * store's rows for every batch to test each against the list (1M outbox items: 23 s instead of ~2 s).
 */
export function sqliteDeleteBatch(table: string, key: StoreRowKey): string {
  const picked = `SELECT "${key}" FROM "${table}" WHERE "storeId" = ? LIMIT ${BATCH}`;
  return key === "id"
    ? `DELETE FROM "${table}" WHERE "id" IN (${picked})`
    : `DELETE FROM "${table}" WHERE "storeId" = ? AND "${key}" IN (${picked})`;
}

/** The column SQLite's batches delete rows by: the table's "id", or "customerId" for tables keyed by store and customer. */
export type StoreRowKey = "id" | "customerId";

export async function deleteStoreRows(
  db: Db,
  table: string,
  storeId: string,
  key: StoreRowKey = "id",
): Promise<number> {
  if (dialectOf(db) === "postgres") return db.$executeRawUnsafe(`DELETE FROM "${table}" WHERE "storeId" = $1`, storeId);
  const batch = sqliteDeleteBatch(table, key);
  const values = key === "id" ? [storeId] : [storeId, storeId];
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRawUnsafe(batch, ...values);
    total += deleted;
    if (deleted < BATCH) return total;
    await new Promise((r) => setImmediate(r)); // let requests in between batches
  }
}

/**
 * The nightly's clean-up of a table keyed by (storeId, customerId): deletes the store's rows a run did not write
 * (`computedAt` before the run's: customers deleted, redacted or no longer counted), BATCH per statement through
 * the run's bulk writer, so its write lock is never held long.
 */
export async function deleteRowsNotWrittenBy(
  bulk: BulkWriter,
  table: string,
  storeId: string,
  computedAt: Date,
): Promise<void> {
  const batch = `DELETE FROM "${table}" WHERE "storeId" = ? AND "customerId" IN (
    SELECT "customerId" FROM "${table}" WHERE "storeId" = ? AND "computedAt" < ? LIMIT ${BATCH})`;
  while ((await bulk.execute(batch, storeId, storeId, computedAt)) === BATCH);
}

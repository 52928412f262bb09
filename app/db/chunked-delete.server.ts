/**
 * Deletes a store's rows of one table a few thousand at a time, each batch its own short statement: deleting a
 * large store's orders in one transaction would hold SQLite's write lock for minutes and stall every webhook.
 * Batches find their rows through the table's storeId index. A crash half way leaves fewer rows, never a broken
 * one; running it again finishes the job.
 */
import type { Db } from "../db.server";
import type { BulkWriter } from "./bulk-writer.server";
import { bindNamed, type Dialect } from "./sql.server";

const BATCH = 2_000;

/** `key`: the column batches pick rows by ("customerId" for tables keyed by store and customer, without an id). */
export async function deleteStoreRows(
  db: Db,
  dialect: Dialect,
  table: string,
  storeId: string,
  key = "id",
): Promise<number> {
  const [sql, values] = bindNamed(
    `DELETE FROM "${table}" WHERE "storeId" = $store AND "${key}" IN (SELECT "${key}" FROM "${table}" WHERE "storeId" = $store LIMIT $limit)`,
    dialect,
    { store: storeId, limit: BATCH },
  );
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRawUnsafe(sql, ...values);
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

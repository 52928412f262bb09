/**
 * CustomerScore, CustomerInsight and TagOutboxPage belong to a store without a foreign key to it (the nightly writes
 * their rows by the million, and the key's check per row was a third of each write): deleting the store does
 * not cascade to them, so whatever deletes a store deletes their rows first, here
 * (docs/decisions/168-nightly-tables-without-foreign-keys.md).
 */
import type { Db } from "../db.server";
import { deleteStoreRows, type StoreRowKey } from "./chunked-delete.server";

/** Each table with the column SQLite's delete batches pick its rows by. */
const UNLINKED_TABLES: readonly [table: string, key: StoreRowKey][] = [
  ["CustomerScore", "customerId"],
  ["CustomerInsight", "customerId"],
  ["TagOutboxPage", "id"],
];

export async function deleteUnlinkedStoreRows(db: Db, storeId: string): Promise<number> {
  let deleted = 0;
  for (const [table, key] of UNLINKED_TABLES) deleted += await deleteStoreRows(db, table, storeId, key);
  return deleted;
}

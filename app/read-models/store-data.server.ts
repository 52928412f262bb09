/**
 * "Delete all data": everything Ciclo holds for the store — synced customers and orders, scores, history,
 * survey answers, settings, tag queue — children before parents, each table in short batches (a large store's
 * data in one transaction would stall every webhook for minutes). Kept: the store row and its session (the app
 * stays installed), and the hashes of redacted customers (a redaction must survive a re-sync). The store's
 * history is no longer complete: nothing is recomputed until it is imported again.
 */
import type { Db } from "../db.server";
import { deleteStoreRows, type StoreRowKey } from "../db/chunked-delete.server";
import { adminMemo } from "./memo.server";

export const DELETE_CONFIRMATION_HINT = "Type the store's domain to confirm";

export type DeleteResult = { ok: true; deleted: Record<string, number> } | { ok: false; error: string };

export async function deleteStoreData(
  db: Db,
  store: { id: string; domain: string },
  confirmation: string,
): Promise<DeleteResult> {
  if (confirmation.trim().toLowerCase() !== store.domain.toLowerCase()) {
    return { ok: false, error: `To delete, type ${store.domain} exactly.` };
  }
  // Children before parents (order lines before orders before customers).
  const tables: [string, string, StoreRowKey?][] = [
    ["customerScores", "CustomerScore", "customerId"],
    ["customerSegments", "CustomerSegment", "customerId"],
    ["customerInsights", "CustomerInsight", "customerId"],
    ["storeInsights", "StoreInsight"],
    ["segmentSnapshots", "SegmentSnapshot"],
    ["segmentTransitions", "SegmentTransition"],
    ["recomputeRuns", "RecomputeRun"],
    ["customerLabels", "CustomerLabels"],
    ["tagOutbox", "TagOutboxPage"],
    ["surveyResponses", "SurveyResponse"],
    ["surveyImpressions", "SurveyImpression"],
    ["orderLines", "OrderLine"],
    ["refunds", "Refund"],
    ["orders", "Order"],
    ["customers", "Customer"],
    ["backfillRuns", "BackfillRun"],
    ["webhookReceipts", "WebhookReceipt"],
    ["dataRequests", "DataRequest"],
  ];
  await db.store.update({ where: { id: store.id }, data: { historyCompleteAt: null } });
  const deleted: Record<string, number> = {};
  for (const [name, table, key] of tables) deleted[name] = await deleteStoreRows(db, table, store.id, key);
  deleted.settings = (await db.storeSettings.deleteMany({ where: { storeId: store.id } })).count;
  adminMemo.clear(`${store.id}:`);
  return { ok: true, deleted };
}

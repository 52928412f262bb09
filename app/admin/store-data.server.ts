/**
 * "Delete all data": everything Ciclo holds for the store — synced customers and orders, scores, history,
 * survey answers, settings, tag queue — in one transaction. Kept: the store row and its session (the app stays
 * installed), and the hashes of redacted customers (a redaction must survive a re-sync).
 */
import type { Db } from "../db.server";
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
  const where = { storeId: store.id };
  const deleted = await db.$transaction(
    async (tx) => {
      // Children before parents (order lines before orders before customers).
      const steps: [string, () => Promise<{ count: number }>][] = [
        ["customerScores", () => tx.customerScore.deleteMany({ where })],
        ["segmentSnapshots", () => tx.segmentSnapshot.deleteMany({ where })],
        ["segmentTransitions", () => tx.segmentTransition.deleteMany({ where })],
        ["recomputeRuns", () => tx.recomputeRun.deleteMany({ where })],
        ["customerLabels", () => tx.customerLabels.deleteMany({ where })],
        ["tagOutbox", () => tx.tagOutboxItem.deleteMany({ where })],
        ["surveyResponses", () => tx.surveyResponse.deleteMany({ where })],
        ["surveyImpressions", () => tx.surveyImpression.deleteMany({ where })],
        ["settings", () => tx.storeSettings.deleteMany({ where })],
        ["orderLines", () => tx.orderLine.deleteMany({ where })],
        ["refunds", () => tx.refund.deleteMany({ where })],
        ["orders", () => tx.order.deleteMany({ where })],
        ["customers", () => tx.customer.deleteMany({ where })],
        ["backfillRuns", () => tx.backfillRun.deleteMany({ where })],
        ["webhookReceipts", () => tx.webhookReceipt.deleteMany({ where })],
        ["dataRequests", () => tx.dataRequest.deleteMany({ where })],
      ];
      const counts: Record<string, number> = {};
      for (const [name, step] of steps) counts[name] = (await step()).count;
      return counts;
    },
    { timeout: 600_000 },
  );
  adminMemo.clear(`${store.id}:`);
  return { ok: true, deleted };
}

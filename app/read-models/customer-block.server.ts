/**
 * What the admin customer-details block shows for one Shopify customer: segment, stage, CLV, P(alive), the
 * expected next order and the latest NPS answer. Looked up by the platform's customer id within the
 * authenticated shop only.
 */
import type { Db } from "../db.server";
import { formatMoney } from "./format";
import { segmentName, stageName } from "../domain/names";

export interface CustomerBlockData {
  found: boolean;
  segment: string | null;
  stage: string | null;
  /** Formatted in the store's currency. */
  historicClv: string | null;
  predictedClv: string | null;
  /** 0..1 */
  pAlive: number | null;
  nextOrderAt: string | null;
  lastNps: { score: number; answeredAt: string; reason: string | null } | null;
  scoredAt: string | null;
}

const NOT_FOUND: CustomerBlockData = {
  found: false,
  segment: null,
  stage: null,
  historicClv: null,
  predictedClv: null,
  pAlive: null,
  nextOrderAt: null,
  lastNps: null,
  scoredAt: null,
};

/** Accepts "123" or "gid://shopify/Customer/123". */
export function customerExternalId(id: string): string | null {
  const match = /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/.exec(id);
  return match ? match[1]! : null;
}

export async function customerBlockData(
  db: Db,
  store: { id: string; currency: string },
  externalId: string,
): Promise<CustomerBlockData> {
  const customer = await db.customer.findUnique({
    where: { storeId_externalId: { storeId: store.id, externalId } },
    select: { id: true },
  });
  if (!customer) return NOT_FOUND;
  const [score, nps] = await Promise.all([
    db.customerScore.findUnique({ where: { storeId_customerId: { storeId: store.id, customerId: customer.id } } }),
    // Sorted here, not in SQL: an ORDER BY createdAt makes SQLite walk the store-wide (storeId, createdAt) index.
    db.surveyResponse
      .findMany({
        where: { storeId: store.id, customerId: customer.id, questionId: "nps", score: { not: null } },
        select: { score: true, createdAt: true, orderExternalId: true },
      })
      .then((rows) => rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0] ?? null),
  ]);
  const reason = nps
    ? await db.surveyResponse.findUnique({
        where: {
          storeId_orderExternalId_questionId: {
            storeId: store.id,
            orderExternalId: nps.orderExternalId,
            questionId: "nps-reason",
          },
        },
        select: { text: true },
      })
    : null;
  return {
    found: true,
    segment: score ? segmentName(score.segment) : null,
    stage: score ? stageName(score.stage) : null,
    historicClv: score ? formatMoney(score.historicClvMinor, store.currency) : null,
    predictedClv: score?.predictedClvMinor != null ? formatMoney(score.predictedClvMinor, store.currency) : null,
    pAlive: score?.pAlive ?? null,
    nextOrderAt: score?.nextOrderAt?.toISOString() ?? null,
    lastNps: nps ? { score: nps.score!, answeredAt: nps.createdAt.toISOString(), reason: reason?.text ?? null } : null,
    scoredAt: score?.computedAt.toISOString() ?? null,
  };
}

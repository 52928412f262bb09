/**
 * CSV exports: a segment's members, all customers with their scores (the store's data export), and survey
 * answers. Each walks a unique index with a keyset cursor, so every page costs the same however deep it is.
 */
import type { Db } from "../db.server";
import { RESPONSE_CSV_HEADER } from "../domain/surveys/csv";
import { formatMinorUnits } from "../domain/money";
import { csvStream } from "./csv-stream.server";
import { segmentName, stageName } from "../domain/names";
import type { StoreView } from "./store-view";

const PAGE = 2000;
const money = (minor: bigint | null, currency: string) => (minor === null ? null : formatMinorUnits(minor, currency));
const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

export const CUSTOMER_CSV_HEADER = [
  "customer_id",
  "email",
  "first_name",
  "last_name",
  "segment",
  "lifecycle_stage",
  "orders",
  "last_order",
  "total_spend",
  "historic_clv",
  "predicted_clv_12m",
  "p_alive",
  "expected_orders_365d",
  "next_order_expected",
  "r_score",
  "f_score",
  "m_score",
  "currency",
] as const;

/** Customers with scores; `segment` limits to one segment. Cursor: the last customerId. */
export function customersCsv(db: Db, store: StoreView, segment: string | null): ReadableStream<Uint8Array> {
  return csvStream<string>(CUSTOMER_CSV_HEADER, async (after) => {
    const scores = await db.customerScore.findMany({
      where: { storeId: store.id, ...(after ? { customerId: { gt: after } } : {}), ...(segment ? { segment } : {}) },
      orderBy: { customerId: "asc" },
      take: PAGE,
    });
    const customers = await db.customer.findMany({
      where: { storeId: store.id, id: { in: scores.map((s) => s.customerId) } },
      select: { id: true, externalId: true, email: true, firstName: true, lastName: true },
    });
    const byId = new Map(customers.map((c) => [c.id, c]));
    const rows = scores.map((s) => {
      const c = byId.get(s.customerId);
      return [
        c?.externalId ?? s.customerId,
        c?.email ?? null,
        c?.firstName ?? null,
        c?.lastName ?? null,
        segmentName(s.segment),
        stageName(s.stage),
        s.orders,
        day(s.lastOrderAt),
        money(s.monetaryMinor, store.currency),
        money(s.historicClvMinor, store.currency),
        money(s.predictedClvMinor, store.currency),
        s.pAlive === null ? null : Number(s.pAlive.toFixed(4)),
        s.expected365 === null ? null : Number(s.expected365.toFixed(3)),
        day(s.nextOrderAt),
        s.rScore,
        s.fScore,
        s.mScore,
        store.currency,
      ];
    });
    return { rows, next: scores.length === PAGE ? scores[scores.length - 1]!.customerId : null };
  });
}

/** Survey answers in the survey domain's CSV layout. Cursor: the last (order, question) pair. */
export function surveyResponsesCsv(db: Db, storeId: string): ReadableStream<Uint8Array> {
  return csvStream<{ order: string; question: string }>(RESPONSE_CSV_HEADER, async (after) => {
    const responses = await db.surveyResponse.findMany({
      where: {
        storeId,
        ...(after
          ? {
              OR: [
                { orderExternalId: { gt: after.order } },
                { orderExternalId: after.order, questionId: { gt: after.question } },
              ],
            }
          : {}),
      },
      orderBy: [{ orderExternalId: "asc" }, { questionId: "asc" }],
      take: PAGE,
    });
    const rows = responses.map((r) => [
      r.createdAt.toISOString(),
      r.target,
      r.orderExternalId,
      r.customerExternalId ?? r.customerId,
      r.questionSet,
      r.questionId,
      r.answerId,
      r.score,
      r.text,
      r.segmentAtAnswer === null ? null : segmentName(r.segmentAtAnswer),
      r.stageAtAnswer === null ? null : stageName(r.stageAtAnswer),
    ]);
    const last = responses[responses.length - 1];
    return {
      rows,
      next: responses.length === PAGE && last ? { order: last.orderExternalId, question: last.questionId } : null,
    };
  });
}

/**
 * The Customer page: R/F/M scores, segment and stage with their history, historic and predicted value,
 * P(alive) and the expected next order, the latest orders, and survey answers. Every read is by the customer's
 * own indexes (CustomerScore(storeId,customerId), Order(storeId,customerId,processedAt), ...).
 */
import type { Db } from "../db.server";
import { platformDefinition } from "../platforms/registry.server";
import { answerText, questionLabel } from "./survey-labels";
import type { StoreView } from "./store-view";

export interface CustomerPageData {
  store: StoreView;
  customer: {
    id: string;
    externalId: string;
    name: string;
    email: string | null;
    since: string | null;
    deleted: boolean;
  };
  score: {
    computedAt: string;
    segment: string;
    stage: string;
    rScore: number;
    fScore: number;
    mScore: number;
    orders: number;
    recencyDays: number | null;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    spendMinor: string;
    historicClvMinor: string;
    predictedClvMinor: string | null;
    pAlive: number | null;
    expected30: number | null;
    expected90: number | null;
    expected365: number | null;
    expectedAovMinor: string | null;
    nextOrderAt: string | null;
    clvPercentile: number | null;
  } | null;
  history: { day: string; fromSegment: string | null; toSegment: string; fromStage: string | null; toStage: string }[];
  orders: {
    id: string;
    name: string;
    processedAt: string;
    netMinor: string;
    currency: string;
    counts: boolean;
    status: string;
  }[];
  ordersShown: number;
  answers: {
    answeredAt: string;
    orderId: string;
    question: string;
    answer: string;
    score: number | null;
  }[];
  storeCustomerUrl: string | null;
}

const ORDERS_SHOWN = 25;

export async function loadCustomerPage(
  db: Db,
  store: StoreView,
  customerId: string,
  embedded: boolean,
): Promise<CustomerPageData | null> {
  const customer = await db.customer.findFirst({ where: { id: customerId, storeId: store.id } });
  if (!customer) return null;
  const [score, history, orders, answers] = await Promise.all([
    db.customerScore.findUnique({ where: { storeId_customerId: { storeId: store.id, customerId } } }),
    // No ORDER BY in SQL: with one, SQLite prefers the (storeId, day) / (storeId, createdAt) index and walks the
    // whole store (600 ms on a million customers); a customer has few rows, sorted below.
    db.segmentTransition.findMany({ where: { storeId: store.id, customerId } }),
    db.order.findMany({
      where: { storeId: store.id, customerId, deletedAt: null },
      orderBy: { processedAt: "desc" },
      take: ORDERS_SHOWN,
    }),
    db.surveyResponse.findMany({ where: { storeId: store.id, customerId } }),
  ]);
  history.sort((a, b) => b.day.localeCompare(a.day));
  answers.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || "Customer";
  return {
    store,
    customer: {
      id: customer.id,
      externalId: customer.externalId,
      name,
      email: customer.email,
      since: customer.platformCreatedAt?.toISOString() ?? null,
      deleted: customer.deletedAt !== null,
    },
    score: score
      ? {
          computedAt: score.computedAt.toISOString(),
          segment: score.segment,
          stage: score.stage,
          rScore: score.rScore,
          fScore: score.fScore,
          mScore: score.mScore,
          orders: score.orders,
          recencyDays: score.recencyDays,
          firstOrderAt: score.firstOrderAt?.toISOString() ?? null,
          lastOrderAt: score.lastOrderAt?.toISOString() ?? null,
          spendMinor: score.monetaryMinor.toString(),
          historicClvMinor: score.historicClvMinor.toString(),
          predictedClvMinor: score.predictedClvMinor?.toString() ?? null,
          pAlive: score.pAlive,
          expected30: score.expected30,
          expected90: score.expected90,
          expected365: score.expected365,
          expectedAovMinor: score.expectedAovMinor?.toString() ?? null,
          nextOrderAt: score.nextOrderAt?.toISOString() ?? null,
          clvPercentile: score.clvPercentile,
        }
      : null,
    history: history.slice(0, 50).map((h) => ({
      day: h.day,
      fromSegment: h.fromSegment,
      toSegment: h.toSegment,
      fromStage: h.fromStage,
      toStage: h.toStage,
    })),
    orders: orders.map((o) => ({
      id: o.id,
      name: o.name ?? `#${o.externalId}`,
      processedAt: o.processedAt.toISOString(),
      netMinor: o.netMinor.toString(),
      currency: o.currency,
      counts: o.countsForValue && (o.netMinor > 0n || o.grossMinor === 0n),
      status: o.cancelled
        ? "Cancelled"
        : o.test
          ? "Test"
          : o.refundedMinor > 0n
            ? o.netMinor > 0n
              ? "Partly refunded"
              : "Refunded"
            : "Paid",
    })),
    ordersShown: ORDERS_SHOWN,
    answers: answers.slice(0, 50).map((a) => ({
      answeredAt: a.createdAt.toISOString(),
      orderId: a.orderExternalId,
      question: questionLabel(a.questionId),
      answer: answerText(a),
      score: a.score,
    })),
    storeCustomerUrl: platformDefinition(store.platform).customerAdminUrl(store, customer.externalId, embedded),
  };
}

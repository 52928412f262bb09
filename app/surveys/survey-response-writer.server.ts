/**
 * Stores answers once per store + order + question: INSERT … ON CONFLICT DO NOTHING, so a double tap, a retry
 * or a replay stores one row however the requests interleave, and the caller learns which one was first.
 * Also records impressions (a survey shown for an order on a target), once per order and target.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";

export interface SurveyResponseRow {
  storeId: string;
  orderExternalId: string;
  customerId: string | null;
  customerExternalId: string | null;
  target: string;
  questionSet: string;
  questionId: string;
  answerId: string | null;
  score: number | null;
  text: string | null;
  locale: string | null;
  segmentAtAnswer: string | null;
  stageAtAnswer: string | null;
  clvAtAnswerMinor: bigint | null;
  createdAt: Date;
}

/** True when the row was stored, false when that order + question already had an answer. */
export async function insertSurveyResponse(db: Db, row: SurveyResponseRow): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "SurveyResponse" ("id", "storeId", "orderExternalId", "customerId", "customerExternalId", "target",
      "questionSet", "questionId", "answerId", "score", "text", "locale", "segmentAtAnswer", "stageAtAnswer",
      "clvAtAnswerMinor", "createdAt")
    VALUES (${randomUUID()}, ${row.storeId}, ${row.orderExternalId}, ${row.customerId}, ${row.customerExternalId},
      ${row.target}, ${row.questionSet}, ${row.questionId}, ${row.answerId}, ${row.score}, ${row.text}, ${row.locale},
      ${row.segmentAtAnswer}, ${row.stageAtAnswer}, ${row.clvAtAnswerMinor}, ${row.createdAt})
    ON CONFLICT ("storeId", "orderExternalId", "questionId") DO NOTHING`;
  return inserted === 1;
}

export interface SurveyImpressionRow {
  storeId: string;
  orderExternalId: string;
  customerId: string | null;
  target: string;
  createdAt: Date;
}

/** True when this is the first impression of the order on that target (reloads are not counted twice). */
export async function recordSurveyImpression(db: Db, row: SurveyImpressionRow): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "SurveyImpression" ("id", "storeId", "orderExternalId", "customerId", "target", "createdAt")
    VALUES (${randomUUID()}, ${row.storeId}, ${row.orderExternalId}, ${row.customerId}, ${row.target}, ${row.createdAt})
    ON CONFLICT ("storeId", "orderExternalId", "target") DO NOTHING`;
  return inserted === 1;
}

/** Stored SurveyResponse rows as the survey domain's records, with segment and stage names normalised. */
import type { LifecycleStage } from "../domain/lifecycle";
import type { RfmSegment } from "../domain/segments";
import type { SurveyResponseRecord, SurveyTarget } from "../domain/surveys";
import { SEGMENTS, STAGES, toSlug } from "../domain/names";

const SEGMENT_BY_KEY = new Map(SEGMENTS.map((s) => [s.slug, s.name]));
const STAGE_BY_KEY = new Map(STAGES.map((s) => [s.slug, s.name]));

/** The survey backend may store either the name ("At risk") or the slug ("at-risk"): accept both. */
export function segmentFromStored(value: string | null): RfmSegment | null {
  return value === null ? null : (SEGMENT_BY_KEY.get(toSlug(value)) ?? null);
}

export function stageFromStored(value: string | null): LifecycleStage | null {
  return value === null ? null : (STAGE_BY_KEY.get(toSlug(value)) ?? null);
}

export interface StoredResponseRow {
  target: string;
  orderExternalId: string;
  customerId: string | null;
  questionSet: string;
  questionId: string;
  answerId: string | null;
  score: number | null;
  text: string | null;
  createdAt: Date;
  segmentAtAnswer: string | null;
  stageAtAnswer: string | null;
}

export function toSurveyRecord(row: StoredResponseRow): SurveyResponseRecord {
  return {
    target: row.target as SurveyTarget,
    orderId: row.orderExternalId,
    customerId: row.customerId,
    questionSet: row.questionSet,
    questionId: row.questionId,
    answerId: row.answerId,
    score: row.score,
    text: row.text,
    answeredAt: row.createdAt,
    segment: segmentFromStored(row.segmentAtAnswer),
    stage: stageFromStored(row.stageAtAnswer),
  };
}

export const RESPONSE_SELECT = {
  target: true,
  orderExternalId: true,
  customerId: true,
  questionSet: true,
  questionId: true,
  answerId: true,
  score: true,
  text: true,
  createdAt: true,
  segmentAtAnswer: true,
  stageAtAnswer: true,
} as const;

/** A stored survey answer as the analytics read it: one row per order + question. */
import type { LifecycleStage } from "../lifecycle";
import type { RfmSegment } from "../segments";
import type { SurveyTarget } from "./catalogue";

export interface SurveyResponseRecord {
  target: SurveyTarget;
  orderId: string;
  customerId: string | null;
  questionSet: string;
  questionId: string;
  answerId: string | null;
  score: number | null;
  text: string | null;
  answeredAt: Date;
  /** The customer's segment and lifecycle stage when they answered (not today's). */
  segment: RfmSegment | null;
  stage: LifecycleStage | null;
}

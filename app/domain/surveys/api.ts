/**
 * Wire types of the survey endpoints, shared by the extension (which calls them) and the app routes (which
 * answer them). Every request carries `Authorization: Bearer <session token>`.
 *
 * GET  /api/survey/questions?target=thank-you|order-status&orderId=<gid or numeric id>&locale=en|it
 *      -> 200 SurveyQuestionsResponse
 * POST /api/survey/answers   (JSON SurveyAnswerRequest)
 *      -> 200 SurveyAnswerAccepted | 400 SurveyAnswerRejected | 401 | 429
 *
 * Responses carry ids only; labels live in the extension's locale files.
 */
import type { QuestionKind, SurveyTarget } from "./catalogue";

export type { QuestionKind, SurveyTarget } from "./catalogue";

export const SURVEY_QUESTIONS_PATH = "/api/survey/questions";
export const SURVEY_ANSWERS_PATH = "/api/survey/answers";

export const SURVEY_LOCALES = ["en", "it"] as const;
export type SurveyLocale = (typeof SURVEY_LOCALES)[number];

/** Why a customer is not asked; the extension renders nothing in every case. */
export type IneligibleReason =
  "cooldown" | "already-answered" | "not-delivered" | "order-cancelled" | "no-question-set" | "unknown-order";

export interface SurveyQuestionsQuery {
  target: SurveyTarget;
  orderId: string;
  locale: SurveyLocale;
}

export interface SurveyQuestionWire {
  id: string;
  kind: QuestionKind;
  /** Choice questions only, in display order. */
  answers?: { id: string }[];
  optional: boolean;
}

export interface SurveyQuestionsResponse {
  eligible: boolean;
  reason?: IneligibleReason;
  /** Id of the question set chosen for this customer ("" when not eligible). */
  questionSet: string;
  questions: SurveyQuestionWire[];
}

export interface SurveyAnswerRequest {
  target: SurveyTarget;
  orderId: string;
  questionId: string;
  /** Choice questions. */
  answerId?: string;
  /** NPS: an integer 0..10. */
  score?: number;
  /** Free-text questions: at most MAX_FREE_TEXT_LENGTH characters after cleaning. */
  text?: string;
}

export interface SurveyAnswerAccepted {
  ok: true;
  /** True when this order + question was already stored (a double tap or a retry): nothing new was stored. */
  duplicate: boolean;
}

export type SurveyAnswerErrorCode =
  | "not-an-object"
  | "unknown-field"
  | "required"
  | "wrong-type"
  | "unknown-target"
  | "invalid-order-id"
  | "unknown-question"
  | "question-not-for-target"
  | "question-not-in-set"
  | "unknown-answer"
  | "not-allowed-for-kind"
  | "score-out-of-range"
  | "score-not-integer"
  | "text-too-long"
  | "text-empty";

export interface SurveyAnswerError {
  field: string;
  code: SurveyAnswerErrorCode;
}

export interface SurveyAnswerRejected {
  errors: SurveyAnswerError[];
}

/** The largest request body the answers endpoint needs to read (the longest valid answer is far smaller). */
export const MAX_ANSWER_BODY_BYTES = 4096;

/**
 * Validation of one survey answer as it arrives from the network (`unknown` in, typed answer or errors out).
 * Strict on purpose: unknown fields, wrong types and ids outside the catalogue are errors, never coerced, so a
 * hostile or buggy client cannot store anything the analytics would have to second-guess.
 */
import type { SurveyAnswerError, SurveyAnswerErrorCode } from "./api";
import {
  NPS_MAX_SCORE,
  NPS_MIN_SCORE,
  SURVEY_TARGETS,
  type QuestionDefinition,
  type SurveyCatalogue,
  type SurveyTarget,
} from "./catalogue";
import { cleanFreeText } from "./free-text";
import { normalizeOrderId } from "./order-id";

interface AnswerBase {
  target: SurveyTarget;
  /** Numeric order id (GraphQL ids are reduced to it). */
  orderId: string;
  questionId: string;
}

export type ValidatedSurveyAnswer =
  | (AnswerBase & { kind: "choice"; answerId: string })
  | (AnswerBase & { kind: "nps"; score: number })
  | (AnswerBase & { kind: "text"; text: string });

export type SurveyAnswerValidation =
  { ok: true; answer: ValidatedSurveyAnswer } | { ok: false; errors: SurveyAnswerError[] };

export interface AnswerValidationOptions {
  /** The questions of the set served to this customer; answers to other questions are rejected. */
  allowedQuestionIds?: ReadonlySet<string>;
}

const KNOWN_FIELDS = new Set(["target", "orderId", "questionId", "answerId", "score", "text"]);
const MAX_ID_LENGTH = 64;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isSurveyTarget(value: unknown): value is SurveyTarget {
  return typeof value === "string" && (SURVEY_TARGETS as readonly string[]).includes(value);
}

export function validateSurveyAnswer(
  input: unknown,
  catalogue: SurveyCatalogue,
  options: AnswerValidationOptions = {},
): SurveyAnswerValidation {
  const errors: SurveyAnswerError[] = [];
  const fail = (field: string, code: SurveyAnswerErrorCode) => errors.push({ field, code });

  if (!isPlainObject(input)) return { ok: false, errors: [{ field: "", code: "not-an-object" }] };
  for (const key of Object.keys(input)) if (!KNOWN_FIELDS.has(key)) fail(key.slice(0, MAX_ID_LENGTH), "unknown-field");

  const { target, orderId, questionId, answerId, score, text } = input;

  if (target === undefined) fail("target", "required");
  else if (!isSurveyTarget(target)) fail("target", typeof target === "string" ? "unknown-target" : "wrong-type");

  let normalizedOrderId: string | null = null;
  if (orderId === undefined) fail("orderId", "required");
  else if (typeof orderId !== "string") fail("orderId", "wrong-type");
  else if ((normalizedOrderId = normalizeOrderId(orderId)) === null) fail("orderId", "invalid-order-id");

  let question: QuestionDefinition | undefined;
  if (questionId === undefined) fail("questionId", "required");
  else if (typeof questionId !== "string") fail("questionId", "wrong-type");
  else if (questionId.length > MAX_ID_LENGTH || !(question = catalogue.get(questionId))) {
    fail("questionId", "unknown-question");
  } else {
    if (isSurveyTarget(target) && !question.targets.includes(target)) fail("questionId", "question-not-for-target");
    if (options.allowedQuestionIds && !options.allowedQuestionIds.has(questionId)) {
      fail("questionId", "question-not-in-set");
    }
  }

  // Each kind takes exactly one value field; the others must be absent.
  let cleanedText: string | null = null;
  if (question) {
    const valueField = question.kind === "choice" ? "answerId" : question.kind === "nps" ? "score" : "text";
    for (const [field, value] of [
      ["answerId", answerId],
      ["score", score],
      ["text", text],
    ] as const) {
      if (field !== valueField && value !== undefined) fail(field, "not-allowed-for-kind");
    }
    if (question.kind === "choice") {
      if (answerId === undefined) fail("answerId", "required");
      else if (typeof answerId !== "string") fail("answerId", "wrong-type");
      else if (answerId.length > MAX_ID_LENGTH || !question.answers.includes(answerId))
        fail("answerId", "unknown-answer");
    } else if (question.kind === "nps") {
      if (score === undefined) fail("score", "required");
      else if (typeof score !== "number" || !Number.isFinite(score)) fail("score", "wrong-type");
      else if (!Number.isInteger(score)) fail("score", "score-not-integer");
      else if (score < NPS_MIN_SCORE || score > NPS_MAX_SCORE) fail("score", "score-out-of-range");
    } else {
      if (text === undefined) fail("text", "required");
      else if (typeof text !== "string") fail("text", "wrong-type");
      else {
        const cleaned = cleanFreeText(text);
        if (cleaned.ok) cleanedText = cleaned.text;
        else fail("text", cleaned.code);
      }
    }
  }

  if (errors.length > 0 || !question || normalizedOrderId === null || !isSurveyTarget(target)) {
    return { ok: false, errors };
  }
  const base: AnswerBase = { target, orderId: normalizedOrderId, questionId: question.id };
  switch (question.kind) {
    case "choice":
      return { ok: true, answer: { ...base, kind: "choice", answerId: answerId as string } };
    case "nps":
      // `+ 0` turns -0 into 0, so JSON and the database see the same number.
      return { ok: true, answer: { ...base, kind: "nps", score: (score as number) + 0 } };
    case "text":
      return { ok: true, answer: { ...base, kind: "text", text: cleanedText! } };
  }
}

/**
 * The key under which an answer is stored once: per shop, order and question (the target is implied by the
 * question). A double tap, a retry or a replay of the same request maps to the same key.
 */
export function answerIdempotencyKey(answer: Pick<ValidatedSurveyAnswer, "orderId" | "questionId">): string {
  return `${answer.orderId}:${answer.questionId}`;
}

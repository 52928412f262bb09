/**
 * Validation of one survey answer as it arrives from the network (`unknown` in, typed answer or errors out).
 * Strict on purpose: unknown fields, wrong types and ids outside the catalogue are errors, never coerced, so a
 * hostile or buggy client cannot store anything the analytics would have to second-guess.
 */
import type { SurveyAnswerError, SurveyAnswerErrorCode } from "./api";
import { SURVEY_TARGETS, type QuestionDefinition, type SurveyCatalogue, type SurveyTarget } from "./catalogue";
import { normalizeOrderId } from "./order-id";
import {
  ANSWER_FIELDS,
  kindSpec,
  makeAnswer,
  type AnswerValue,
  type QuestionKind,
  type ValidatedSurveyAnswer,
} from "./question-kinds";

export type { ValidatedSurveyAnswer } from "./question-kinds";

export type SurveyAnswerValidation =
  { ok: true; answer: ValidatedSurveyAnswer } | { ok: false; errors: SurveyAnswerError[] };

export interface AnswerValidationOptions {
  /** The questions of the set served to this customer; answers to other questions are rejected. */
  allowedQuestionIds?: ReadonlySet<string>;
}

const KNOWN_FIELDS = new Set<string>(["target", "orderId", "questionId", ...ANSWER_FIELDS]);
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

  const { target, orderId, questionId } = input;

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

  // Each kind takes exactly one value field (its table entry's); the others must be absent.
  let value: AnswerValue<QuestionKind> | undefined;
  if (question) {
    const spec = kindSpec(question.kind);
    for (const field of ANSWER_FIELDS) {
      if (field !== spec.field && input[field] !== undefined) fail(field, "not-allowed-for-kind");
    }
    const raw = input[spec.field];
    if (raw === undefined) fail(spec.field, "required");
    else {
      const parsed = spec.parseAnswer(raw, question);
      if (parsed.ok) value = parsed.value;
      else fail(spec.field, parsed.code);
    }
  }

  if (errors.length > 0 || !question || normalizedOrderId === null || !isSurveyTarget(target) || value === undefined) {
    return { ok: false, errors };
  }
  const answer = makeAnswer({ target, orderId: normalizedOrderId, questionId: question.id }, question.kind, value);
  return { ok: true, answer };
}

/**
 * The key under which an answer is stored once: per shop, order and question (the target is implied by the
 * question). A double tap, a retry or a replay of the same request maps to the same key.
 */
export function answerIdempotencyKey(answer: Pick<ValidatedSurveyAnswer, "orderId" | "questionId">): string {
  return `${answer.orderId}:${answer.questionId}`;
}

/**
 * The server's answer to "which questions, if any, for this customer and order?": the body of
 * GET /api/survey/questions, decided from data the route has already loaded.
 */
import type { IneligibleReason, SurveyQuestionsResponse, SurveyQuestionWire } from "./api";
import type { SurveyCatalogue, SurveyTarget } from "./catalogue";
import { checkCooldown, DEFAULT_COOLDOWN_DAYS, type PreviousSurveyAnswer, type SurveyCooldownDays } from "./cooldown";
import { npsReadiness, type OrderDeliveryState } from "./delivery";
import { kindSpec } from "./question-kinds";
import { chooseQuestionSet, type QuestionSet, type SurveyCustomerContext } from "./question-sets";

export interface SurveyEligibilityInput {
  target: SurveyTarget;
  /** Numeric order id (see normalizeOrderId). */
  orderId: string;
  /** null when the order is not (yet) known to Ciclo. Thank-you pages can be faster than the order webhook. */
  order: OrderDeliveryState | null;
  customer: SurveyCustomerContext;
  /** This customer's earlier answers (all orders); for guests, this order's answers. */
  previousAnswers: readonly PreviousSurveyAnswer[];
  questionSets: readonly QuestionSet[];
  catalogue: SurveyCatalogue;
  now: Date;
  cooldownDays?: SurveyCooldownDays;
}

function notEligible(reason: IneligibleReason): SurveyQuestionsResponse {
  return { eligible: false, reason, questionSet: "", questions: [] };
}

export function decideSurveyEligibility(input: SurveyEligibilityInput): SurveyQuestionsResponse {
  const { target, orderId, order } = input;
  if (target === "order-status") {
    if (!order) return notEligible("unknown-order");
    const readiness = npsReadiness(order);
    if (!readiness.ready) return notEligible(readiness.because);
  } else if (order?.cancelled) {
    return notEligible("order-cancelled");
  }

  const cooldown = checkCooldown(
    target,
    orderId,
    input.previousAnswers,
    input.now,
    input.cooldownDays ?? DEFAULT_COOLDOWN_DAYS,
  );
  if (cooldown.coolingDown) return notEligible("cooldown");

  const set = chooseQuestionSet(input.questionSets, target, input.customer);
  if (!set) return notEligible("no-question-set");

  // A customer who reloads the page continues where they stopped; answered questions are not asked again.
  const answered = new Set(
    input.previousAnswers.filter((a) => a.orderId === orderId && a.target === target).map((a) => a.questionId),
  );
  const questions: SurveyQuestionWire[] = [];
  for (const item of set.questions) {
    const question = input.catalogue.get(item.questionId);
    if (!question || !question.targets.includes(target) || answered.has(question.id)) continue;
    const answers = item.answers ?? question.answers;
    questions.push({
      id: question.id,
      kind: question.kind,
      ...(kindSpec(question.kind).hasAnswerList ? { answers: answers.map((id) => ({ id })) } : {}),
      optional: item.optional,
    });
  }
  // Free text left over after the taps were answered (usually skipped on purpose) is not worth asking alone.
  const nothingWorthAsking =
    answered.size > 0 && questions.every((question) => !kindSpec(question.kind).worthAskingAlone);
  if (questions.length === 0 || nothingWorthAsking) return notEligible("already-answered");
  return { eligible: true, questionSet: set.id, questions };
}

/**
 * Question sets: which questions a customer sees, chosen by who the customer is.
 *
 * Sets are tried in list order and the first whose audience matches wins, so a merchant orders them from the
 * most specific to the fallback. An empty audience matches everyone: every target needs one such fallback
 * (validateQuestionSets checks it). The segment and stage are the customer's *before* this order, so a lapsed
 * customer buying again is still "At risk" when asked what brought them back.
 */
import type { LifecycleStage } from "../lifecycle";
import type { RfmSegment } from "../segments";
import type { SurveyTarget } from "./catalogue";

export interface QuestionSetItem {
  questionId: string;
  optional: boolean;
  /** Restrict a choice question to these answers (catalogue order is kept); omitted = all answers. */
  answers?: readonly string[];
}

export interface QuestionSetAudience {
  segments?: readonly RfmSegment[];
  stages?: readonly LifecycleStage[];
  /** Matches customers whose current order is their first (Shopify's `isFirstOrder`, or no earlier orders). */
  firstOrder?: boolean;
}

export interface QuestionSet {
  id: string;
  target: SurveyTarget;
  /** Any listed criterion matching is enough (segments OR stages OR firstOrder); empty = everyone. */
  audience: QuestionSetAudience;
  questions: readonly QuestionSetItem[];
}

/** What is known about the customer when choosing; guests have no segment or stage. */
export interface SurveyCustomerContext {
  segment: RfmSegment | null;
  stage: LifecycleStage | null;
  isFirstOrder: boolean;
}

const ask = (questionId: string, optional = true): QuestionSetItem => ({ questionId, optional });

export const DEFAULT_QUESTION_SETS: readonly QuestionSet[] = [
  {
    // Lapsed customers who buy again: what brought them back is the most valuable thing to learn.
    id: "winback",
    target: "thank-you",
    audience: { segments: ["At risk", "Previously loyal", "Almost lost", "Dormant"], stages: ["At risk", "Lost"] },
    questions: [ask("winback-reason"), ask("jtbd-job"), ask("jtbd-comment")],
  },
  {
    // First-time buyers: the full Jobs-To-Be-Done interview, plus attribution.
    id: "jtbd-new",
    target: "thank-you",
    audience: { segments: ["New", "Prospects"], stages: ["New"], firstOrder: true },
    questions: [
      ask("jtbd-trigger"),
      ask("jtbd-job"),
      ask("jtbd-alternatives"),
      ask("jtbd-barrier"),
      ask("attribution"),
      ask("jtbd-comment"),
    ],
  },
  {
    // The best customers have answered before: keep it to two taps.
    id: "short-loyal",
    target: "thank-you",
    audience: { segments: ["Champions", "Loyal"], stages: ["Hero"] },
    questions: [ask("jtbd-trigger"), ask("jtbd-barrier")],
  },
  {
    id: "thank-you-default",
    target: "thank-you",
    audience: {},
    questions: [ask("jtbd-trigger"), ask("jtbd-job"), ask("attribution")],
  },
  {
    id: "nps",
    target: "order-status",
    audience: {},
    questions: [ask("nps", false), ask("nps-reason")],
  },
];

export function audienceMatches(audience: QuestionSetAudience, customer: SurveyCustomerContext): boolean {
  const hasCriteria = (audience.segments?.length ?? 0) > 0 || (audience.stages?.length ?? 0) > 0 || audience.firstOrder;
  if (!hasCriteria) return true;
  if (audience.firstOrder && customer.isFirstOrder) return true;
  if (customer.segment !== null && audience.segments?.includes(customer.segment)) return true;
  return customer.stage !== null && (audience.stages?.includes(customer.stage) ?? false);
}

/** The first set for the target whose audience matches the customer, or null. */
export function chooseQuestionSet(
  sets: readonly QuestionSet[],
  target: SurveyTarget,
  customer: SurveyCustomerContext,
): QuestionSet | null {
  return sets.find((set) => set.target === target && audienceMatches(set.audience, customer)) ?? null;
}

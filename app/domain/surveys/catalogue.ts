/**
 * The survey question catalogue: stable ids for questions and answers.
 *
 * Labels are not here: the extension and the hosted page carry them in their locale files, keyed by these ids,
 * so stored answers stay comparable when wording or language changes. Adding an answer therefore means adding
 * its label to every locale file too (a test checks that every id has a label).
 */
import { checkQuestionDefinitions, kindSpec, type QuestionKindSpec, type QuestionKind } from "./question-kinds";

export const SURVEY_TARGETS = ["thank-you", "order-status"] as const;
/** Where a question is asked: right after paying, or on the order-status page once the order arrived. */
export type SurveyTarget = (typeof SURVEY_TARGETS)[number];

export { QUESTION_KINDS, type QuestionKind } from "./question-kinds";

export interface QuestionDefinition {
  id: string;
  kind: QuestionKind;
  /** Answer ids, in display order (choice questions only). */
  answers: readonly string[];
  /** Targets the question may be asked on: "why did you buy" belongs after paying, NPS after delivery. */
  targets: readonly SurveyTarget[];
  /** Whether a choice answer becomes a customer tag (`jtbd-<answer>`) through the tag outbox. */
  tagsAnswers: boolean;
}

export type SurveyCatalogue = ReadonlyMap<string, QuestionDefinition>;

export { MAX_FREE_TEXT_LENGTH, NPS_MAX_SCORE, NPS_MIN_SCORE } from "./limits";

const THANK_YOU: readonly SurveyTarget[] = ["thank-you"];
const ORDER_STATUS: readonly SurveyTarget[] = ["order-status"];

export const DEFAULT_QUESTIONS: readonly QuestionDefinition[] = [
  {
    // What triggered the purchase (the "push").
    id: "jtbd-trigger",
    kind: "choice",
    answers: [
      "gift",
      "replacement",
      "treat-myself",
      "special-occasion",
      "new-need",
      "promotion",
      "recommendation",
      "other",
    ],
    targets: THANK_YOU,
    tagsAnswers: true,
  },
  {
    // What job the product is hired for.
    id: "jtbd-job",
    kind: "choice",
    answers: ["daily-use", "solve-problem", "for-someone-else", "hobby", "work", "try-something-new", "other"],
    targets: THANK_YOU,
    tagsAnswers: true,
  },
  {
    // What else was considered (the alternatives the product won against).
    id: "jtbd-alternatives",
    kind: "choice",
    answers: ["other-online-store", "physical-shop", "marketplace", "different-product", "nothing-else", "other"],
    targets: THANK_YOU,
    tagsAnswers: false,
  },
  {
    // What almost stopped the purchase (barriers and anxieties).
    id: "jtbd-barrier",
    kind: "choice",
    answers: ["price", "shipping-cost", "delivery-time", "trust", "product-info", "checkout", "nothing", "other"],
    targets: THANK_YOU,
    tagsAnswers: false,
  },
  {
    // How the customer heard about the store (self-reported attribution).
    id: "attribution",
    kind: "choice",
    answers: ["instagram", "facebook", "tiktok", "google", "youtube", "friend", "newsletter", "press", "other"],
    targets: THANK_YOU,
    tagsAnswers: false,
  },
  {
    // Win-back: what brought a lapsed customer back.
    id: "winback-reason",
    kind: "choice",
    answers: ["new-products", "discount", "email-reminder", "missed-product", "better-than-alternatives", "other"],
    targets: THANK_YOU,
    tagsAnswers: false,
  },
  { id: "jtbd-comment", kind: "text", answers: [], targets: THANK_YOU, tagsAnswers: false },
  { id: "nps", kind: "nps", answers: [], targets: ORDER_STATUS, tagsAnswers: false },
  { id: "nps-reason", kind: "text", answers: [], targets: ORDER_STATUS, tagsAnswers: false },
];

/** The catalogue by id; a definition its kind rejects (see checkQuestionDefinitions) fails here, at start-up. */
export function createCatalogue(questions: readonly QuestionDefinition[]): SurveyCatalogue {
  const problems = checkQuestionDefinitions(questions);
  if (problems.length > 0) throw new Error(`invalid survey questions: ${problems.join("; ")}`);
  return new Map(questions.map((question) => [question.id, question]));
}

export const DEFAULT_CATALOGUE: SurveyCatalogue = createCatalogue(DEFAULT_QUESTIONS);

/** The questions whose kind insights summarise a given way (NPS questions, distribution questions). */
export function questionIdsByInsight(
  insight: QuestionKindSpec<QuestionKind>["insight"],
  questions: readonly QuestionDefinition[] = DEFAULT_QUESTIONS,
): string[] {
  return questions.filter((question) => kindSpec(question.kind).insight === insight).map((question) => question.id);
}

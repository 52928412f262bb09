/**
 * English labels for survey question and answer ids, taken from the checkout extension's own locale file so
 * the admin shows merchants exactly the words their customers saw. Unknown ids fall back to the id in words.
 */
import labels from "../../extensions/checkout-survey/locales/en.default.json";

const questions = labels.questions as Record<string, string>;
const answers = labels.answers as Record<string, Record<string, string>>;

const humanize = (id: string) => id.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());

export function questionLabel(questionId: string): string {
  return questions[questionId] ?? humanize(questionId);
}

export function answerLabel(questionId: string, answerId: string): string {
  return answers[questionId]?.[answerId] ?? humanize(answerId);
}

export const TARGET_LABELS: Record<string, string> = {
  "thank-you": "Thank-you page (right after paying)",
  "order-status": "Order status page (after delivery)",
  hosted: "Survey link (email or WooCommerce)",
};

/** Choice questions shown as distributions (the Jobs-To-Be-Done view). */
export const DISTRIBUTION_QUESTIONS = [
  "jtbd-trigger",
  "jtbd-job",
  "jtbd-alternatives",
  "jtbd-barrier",
  "attribution",
  "winback-reason",
];

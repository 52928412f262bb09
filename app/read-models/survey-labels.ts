/**
 * English labels for survey question and answer ids, taken from the checkout extension's own locale file so
 * the admin shows merchants exactly the words their customers saw. Unknown ids fall back to the id in words.
 */
import labels from "../../extensions/checkout-survey/locales/en.default.json";
import { questionIdsByInsight } from "../domain/surveys/catalogue";
import { storedAnswerLabel, type StoredAnswerColumns } from "../domain/surveys/question-kinds";

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

/** A stored answer in words, by its kind's rule ("gift" → "A gift", 9 → "9 out of 10", text as typed). */
export function answerText(row: StoredAnswerColumns & { questionId: string }): string {
  return storedAnswerLabel(row, { answer: answerLabel });
}

/** Questions whose kind is summarised as a distribution by segment (the Jobs-To-Be-Done view). */
export const DISTRIBUTION_QUESTIONS = questionIdsByInsight("distribution");

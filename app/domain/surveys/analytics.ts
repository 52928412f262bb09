/**
 * Survey analytics over stored responses: NPS by month, segment and lifecycle stage, answer distributions,
 * response rates. Pure functions; the admin loads the rows and passes the store's time zone.
 */
import { questionIdsByInsight, type SurveyTarget } from "./catalogue";
import { summarizeNps, type NpsSummary } from "./nps";
import type { SurveyResponseRecord } from "./responses";

/** Label used for answers from customers without a segment or stage (guests, or not yet scored). */
export const UNKNOWN_GROUP = "(unknown)";

/** The questions whose kind is summarised as NPS. */
const NPS_QUESTIONS = new Set(questionIdsByInsight("nps"));

function npsScores(responses: readonly SurveyResponseRecord[]): SurveyResponseRecord[] {
  return responses.filter((r) => NPS_QUESTIONS.has(r.questionId) && r.score !== null);
}

function groupNps(
  responses: readonly SurveyResponseRecord[],
  keyOf: (response: SurveyResponseRecord) => string,
): Map<string, NpsSummary> {
  const scoresByKey = new Map<string, number[]>();
  for (const response of npsScores(responses)) {
    const key = keyOf(response);
    const scores = scoresByKey.get(key) ?? [];
    scores.push(response.score!);
    scoresByKey.set(key, scores);
  }
  return new Map([...scoresByKey].map(([key, scores]) => [key, summarizeNps(scores)]));
}

const monthFormatters = new Map<string, Intl.DateTimeFormat>();

/** "2026-03" for the month the instant falls in, in the given IANA time zone (throws on an unknown zone). */
export function monthKey(instant: Date, timeZone: string): string {
  let formatter = monthFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit" });
    monthFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const year = parts.find((part) => part.type === "year")!.value;
  const month = parts.find((part) => part.type === "month")!.value;
  return `${year}-${month}`;
}

export function npsOverall(responses: readonly SurveyResponseRecord[]): NpsSummary {
  return summarizeNps(npsScores(responses).map((r) => r.score!));
}

/** NPS per calendar month in the store's time zone, oldest first; months without answers are absent. */
export function npsByMonth(
  responses: readonly SurveyResponseRecord[],
  timeZone: string,
): { month: string; summary: NpsSummary }[] {
  return [...groupNps(responses, (r) => monthKey(r.answeredAt, timeZone))]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, summary]) => ({ month, summary }));
}

/** NPS per segment at answer time, largest group first. */
export function npsBySegment(responses: readonly SurveyResponseRecord[]): { group: string; summary: NpsSummary }[] {
  return byResponses(groupNps(responses, (r) => r.segment ?? UNKNOWN_GROUP));
}

/** NPS per lifecycle stage at answer time, largest group first. */
export function npsByStage(responses: readonly SurveyResponseRecord[]): { group: string; summary: NpsSummary }[] {
  return byResponses(groupNps(responses, (r) => r.stage ?? UNKNOWN_GROUP));
}

function byResponses(groups: Map<string, NpsSummary>): { group: string; summary: NpsSummary }[] {
  return [...groups]
    .map(([group, summary]) => ({ group, summary }))
    .sort((a, b) => b.summary.responses - a.summary.responses || a.group.localeCompare(b.group));
}

export interface AnswerDistribution {
  questionId: string;
  group: string;
  total: number;
  /** Answer id -> count and share of this group's answers to this question, most chosen first. */
  answers: { answerId: string; count: number; share: number }[];
}

/**
 * How answers to choice questions split within each segment (the Jobs-To-Be-Done view: "New customers buy
 * as a gift, Champions replace what they had"). Pass `questionIds` to limit the questions.
 */
export function answerDistributionsBySegment(
  responses: readonly SurveyResponseRecord[],
  questionIds?: readonly string[],
): AnswerDistribution[] {
  const counts = new Map<string, Map<string, number>>();
  for (const response of responses) {
    if (response.answerId === null) continue;
    if (questionIds && !questionIds.includes(response.questionId)) continue;
    const key = JSON.stringify([response.questionId, response.segment ?? UNKNOWN_GROUP]);
    const answers = counts.get(key) ?? new Map<string, number>();
    answers.set(response.answerId, (answers.get(response.answerId) ?? 0) + 1);
    counts.set(key, answers);
  }
  return [...counts]
    .map(([key, answers]) => {
      const [questionId, group] = JSON.parse(key) as [string, string];
      const total = [...answers.values()].reduce((sum, count) => sum + count, 0);
      return {
        questionId,
        group,
        total,
        answers: [...answers]
          .map(([answerId, count]) => ({ answerId, count, share: count / total }))
          .sort((a, b) => b.count - a.count || a.answerId.localeCompare(b.answerId)),
      };
    })
    .sort((a, b) => a.questionId.localeCompare(b.questionId) || b.total - a.total || a.group.localeCompare(b.group));
}

export interface ResponseRate {
  target: SurveyTarget;
  /** Orders for which the survey was served (eligible). */
  shown: number;
  /** Of those, orders with at least one answer. */
  responded: number;
  /** null when nothing was shown. */
  rate: number | null;
}

/**
 * Response rate per target: distinct orders answered / distinct orders shown. Answers for orders that were
 * never recorded as shown (e.g. served before impressions were logged) don't inflate the rate.
 */
export function responseRateByTarget(
  shown: readonly { target: SurveyTarget; orderId: string }[],
  responses: readonly Pick<SurveyResponseRecord, "target" | "orderId">[],
): ResponseRate[] {
  const targets: SurveyTarget[] = ["thank-you", "order-status"];
  return targets.map((target) => {
    const shownOrders = new Set(shown.filter((s) => s.target === target).map((s) => s.orderId));
    const responded = new Set(
      responses.filter((r) => r.target === target && shownOrders.has(r.orderId)).map((r) => r.orderId),
    );
    return {
      target,
      shown: shownOrders.size,
      responded: responded.size,
      rate: shownOrders.size === 0 ? null : responded.size / shownOrders.size,
    };
  });
}

/**
 * The Surveys page: NPS and its trend, NPS by segment and stage, Jobs-To-Be-Done answers by segment, response
 * rates, the latest answers (paginated) or a free-text search, and the question sets in use.
 */
import type { Db } from "../db.server";
import { searchFreeTextAnswers, type ResponseRate } from "../domain/surveys";
import { readQuestionSets } from "./question-sets.server";
import type { StoreView } from "./store-view";
import { surveyInsights, surveyResponseRates, type SurveyInsights } from "./survey-insights.server";
import { answerText, questionLabel } from "./survey-labels";
import { RESPONSE_SELECT, toSurveyRecord } from "./survey-records.server";
import { segmentName, stageName, toSlug } from "../domain/names";

export const RESPONSES_PAGE_SIZE = 25;
/** A search reads at most this many text answers (newest first). */
const SEARCH_WINDOW = 20_000;

export interface ResponseRow {
  answeredAt: string;
  customerId: string | null;
  orderId: string;
  question: string;
  answer: string;
  score: number | null;
  segment: string | null;
}

export interface SurveysPageData {
  store: StoreView;
  insights: SurveyInsights;
  rates: ResponseRate[];
  responses: ResponseRow[];
  page: number;
  hasNext: boolean;
  query: string;
  questionSets: { id: string; target: string; questions: number; audience: string }[];
  customSets: boolean;
}

function toRow(r: {
  createdAt: Date;
  customerId: string | null;
  orderExternalId: string;
  questionId: string;
  answerId: string | null;
  score: number | null;
  text: string | null;
  segmentAtAnswer: string | null;
}): ResponseRow {
  return {
    answeredAt: r.createdAt.toISOString(),
    customerId: r.customerId,
    orderId: r.orderExternalId,
    question: questionLabel(r.questionId),
    answer: answerText(r),
    score: r.score,
    segment: r.segmentAtAnswer === null ? null : segmentName(toSlug(r.segmentAtAnswer)),
  };
}

export async function loadSurveysPage(db: Db, store: StoreView, params: URLSearchParams): Promise<SurveysPageData> {
  const query = (params.get("q") ?? "").trim().slice(0, 100);
  const pageParam = Number(params.get("page") ?? "1");
  const page = Number.isInteger(pageParam) && pageParam >= 1 ? Math.min(pageParam, 400) : 1;
  const [insights, rates, sets] = await Promise.all([
    surveyInsights(db, store),
    surveyResponseRates(db, store.id),
    readQuestionSets(db, store.id),
  ]);

  let responses: ResponseRow[];
  let hasNext: boolean;
  if (query) {
    // Accent- and case-insensitive search (the domain's folding), over the newest text answers.
    const texts = await db.surveyResponse.findMany({
      where: { storeId: store.id, text: { not: null } },
      orderBy: { createdAt: "desc" },
      take: SEARCH_WINDOW,
      select: RESPONSE_SELECT,
    });
    const byRecord = new Map(texts.map((row) => [toSurveyRecord(row), row]));
    const found = searchFreeTextAnswers([...byRecord.keys()], query, page * RESPONSES_PAGE_SIZE + 1);
    const rows = found.map((record) => toRow(byRecord.get(record)!));
    responses = rows.slice((page - 1) * RESPONSES_PAGE_SIZE, page * RESPONSES_PAGE_SIZE);
    hasNext = rows.length > page * RESPONSES_PAGE_SIZE;
  } else {
    const rows = await db.surveyResponse.findMany({
      where: { storeId: store.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * RESPONSES_PAGE_SIZE,
      take: RESPONSES_PAGE_SIZE + 1,
      select: { ...RESPONSE_SELECT, id: true },
    });
    responses = rows.slice(0, RESPONSES_PAGE_SIZE).map(toRow);
    hasNext = rows.length > RESPONSES_PAGE_SIZE;
  }

  return {
    store,
    insights,
    rates,
    responses,
    page,
    hasNext,
    query,
    questionSets: sets.sets.map((set) => ({
      id: set.id,
      target: set.target,
      questions: set.questions.length,
      audience:
        [
          ...(set.audience.segments ?? []),
          ...(set.audience.stages ?? []).map((s) => `${stageName(toSlug(s))} (stage)`),
          ...(set.audience.firstOrder ? ["first order"] : []),
        ].join(", ") || "Everyone else",
    })),
    customSets: sets.custom,
  };
}

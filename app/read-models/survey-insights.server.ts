/**
 * What customers are telling us: NPS (with its confidence interval) overall, by month, by segment and stage,
 * Jobs-To-Be-Done answers by segment, and response rates — the survey domain's functions over the store's
 * stored answers. Grouped in SQL, refreshed at most once a minute, and shared by the Overview and Surveys pages.
 */
import { Prisma } from "@prisma/client";
import { dialectOf, type Db } from "../db.server";
import {
  answerDistributionsBySegment,
  npsByMonth,
  npsBySegment,
  npsByStage,
  npsOverall,
  type NpsSummary,
  type ResponseRate,
  type SurveyResponseRecord,
  type SurveyTarget,
} from "../domain/surveys";
import { adminMemo } from "./memo.server";
import { toNumber } from "../db/sql-values";
import { queryFragments } from "../db/dialect.server";
import { DISTRIBUTION_QUESTIONS } from "./survey-labels";
import { toSurveyRecord } from "./survey-records.server";

export interface NpsGroup {
  group: string;
  summary: NpsSummary;
}

export interface SurveyInsights {
  answers: number;
  respondents: number;
  overall: NpsSummary;
  /** The last 12 months with answers, oldest first. */
  byMonth: { month: string; summary: NpsSummary }[];
  bySegment: NpsGroup[];
  byStage: NpsGroup[];
  distributions: {
    questionId: string;
    group: string;
    total: number;
    answers: { answerId: string; count: number; share: number }[];
  }[];
}

interface GroupedRow {
  target: string;
  questionId: string;
  answerId: string | null;
  score: unknown;
  segment: string | null;
  stage: string | null;
  hour: string;
  n: unknown;
}

/**
 * Answers grouped in SQL by everything the analytics look at, with the answer time cut to the hour (UTC):
 * a few thousand rows instead of hundreds of thousands. The hour is then placed in the store's month, which
 * is exact for every time zone with whole-hour offsets.
 */
async function groupedAnswers(db: Db, storeId: string): Promise<GroupedRow[]> {
  const hour =
    dialectOf(db) === "postgres"
      ? Prisma.raw(`to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`)
      : Prisma.raw(`substr(strftime('%Y-%m-%dT%H', "createdAt"), 1, 13)`);
  return queryFragments<GroupedRow[]>(
    db,
    Prisma.sql`
    SELECT "target" AS "target", "questionId" AS "questionId", "answerId" AS "answerId", "score" AS "score",
      "segmentAtAnswer" AS "segment", "stageAtAnswer" AS "stage", ${hour} AS "hour", COUNT(*) AS "n"
    FROM "SurveyResponse" WHERE "storeId" = ${storeId} AND ("score" IS NOT NULL OR "answerId" IS NOT NULL)
    GROUP BY "target", "questionId", "answerId", "score", "segmentAtAnswer", "stageAtAnswer", ${hour}`,
  );
}

async function computeInsights(db: Db, storeId: string, timeZone: string): Promise<SurveyInsights> {
  const [groups, totals] = await Promise.all([
    groupedAnswers(db, storeId),
    db.$queryRaw<{ answers: unknown; respondents: unknown }[]>`
      SELECT COUNT(*) AS "answers", COUNT(DISTINCT COALESCE("customerId", "orderExternalId")) AS "respondents"
      FROM "SurveyResponse" WHERE "storeId" = ${storeId}`,
  ]);
  // The domain functions take one record per answer; repeat each group's record by its count.
  const records: SurveyResponseRecord[] = [];
  for (const group of groups) {
    const record = toSurveyRecord({
      target: group.target,
      orderExternalId: "",
      customerId: null,
      questionSet: "",
      questionId: group.questionId,
      answerId: group.answerId,
      score: group.score === null ? null : toNumber(group.score),
      text: null,
      createdAt: new Date(`${group.hour}:30:00Z`),
      segmentAtAnswer: group.segment,
      stageAtAnswer: group.stage,
    });
    for (let i = toNumber(group.n); i > 0; i--) records.push(record);
  }
  return {
    answers: toNumber(totals[0]?.answers ?? 0),
    respondents: toNumber(totals[0]?.respondents ?? 0),
    overall: npsOverall(records),
    byMonth: npsByMonth(records, timeZone).slice(-12),
    bySegment: npsBySegment(records),
    byStage: npsByStage(records),
    distributions: answerDistributionsBySegment(records, DISTRIBUTION_QUESTIONS),
  };
}

/** Answers arrive all day; the numbers refresh at most once a minute (older ones served meanwhile). */
const INSIGHTS_MAX_AGE_MS = 60_000;

export async function surveyInsights(db: Db, store: { id: string; timezone: string }): Promise<SurveyInsights> {
  return adminMemo.fresh(`${store.id}:survey-insights:${store.timezone}`, INSIGHTS_MAX_AGE_MS, () =>
    computeInsights(db, store.id, store.timezone),
  );
}

const RATE_REFRESH_MS = 5 * 60_000;

/** Response rate per target; impressions arrive with every order, so this refreshes every few minutes. */
export async function surveyResponseRates(db: Db, storeId: string): Promise<ResponseRate[]> {
  return adminMemo.fresh(`${storeId}:survey-rates`, RATE_REFRESH_MS, async () => {
    // Counting in SQL: impressions can number in the millions.
    const rows = await db.$queryRaw<{ target: string; shown: unknown; responded: unknown }[]>`
      SELECT i."target" AS "target", COUNT(*) AS "shown",
        SUM(CASE WHEN EXISTS (
          SELECT 1 FROM "SurveyResponse" r
          WHERE r."storeId" = i."storeId" AND r."orderExternalId" = i."orderExternalId" AND r."target" = i."target"
        ) THEN 1 ELSE 0 END) AS "responded"
      FROM "SurveyImpression" i WHERE i."storeId" = ${storeId} GROUP BY i."target"`;
    const byTarget = new Map(rows.map((row) => [row.target, row]));
    return (["thank-you", "order-status"] as SurveyTarget[]).map((target) => {
      const row = byTarget.get(target);
      const shown = row ? toNumber(row.shown) : 0;
      const responded = row ? toNumber(row.responded) : 0;
      return { target, shown, responded, rate: shown === 0 ? null : responded / shown };
    });
  });
}

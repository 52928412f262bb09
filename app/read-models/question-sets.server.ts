/**
 * The merchant's survey question sets: the saved list (StoreSettings.surveyQuestionSets) or the defaults,
 * validated with the survey domain's validateQuestionSets before saving so the extension never gets a set it
 * cannot ask.
 */
import { z } from "zod";
import type { Db } from "../db.server";
import {
  DEFAULT_CATALOGUE,
  DEFAULT_QUESTION_SETS,
  validateQuestionSets,
  type QuestionSet,
  type QuestionSetError,
} from "../domain/surveys";

export async function readQuestionSets(db: Db, storeId: string): Promise<{ sets: QuestionSet[]; custom: boolean }> {
  const row = await db.storeSettings.findUnique({ where: { storeId }, select: { surveyQuestionSets: true } });
  if (row?.surveyQuestionSets) {
    try {
      const result = validateQuestionSets(JSON.parse(row.surveyQuestionSets), DEFAULT_CATALOGUE);
      if (result.ok) return { sets: result.sets, custom: true };
    } catch {
      // fall through to the defaults: a broken saved value must not break the surveys
    }
  }
  return { sets: [...DEFAULT_QUESTION_SETS], custom: false };
}

export type SaveQuestionSetsResult = { ok: true; sets: QuestionSet[] } | { ok: false; errors: QuestionSetError[] };

/**
 * The editor posts its sets as one JSON text field; the sets' own rules (with their paths) are the survey
 * domain's validateQuestionSets, run on what this yields.
 */
const QuestionSetsField = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.issues.push({ code: "custom", input: text, message: "could not read the question sets (not valid JSON)" });
    return z.NEVER;
  }
});

export async function saveQuestionSets(db: Db, storeId: string, json: string): Promise<SaveQuestionSetsResult> {
  const parsed = QuestionSetsField.safeParse(json);
  if (!parsed.success) return { ok: false, errors: [{ path: "", message: parsed.error.issues[0]!.message }] };
  const result = validateQuestionSets(parsed.data, DEFAULT_CATALOGUE);
  if (!result.ok) return result;
  const value = JSON.stringify(result.sets);
  await db.storeSettings.upsert({
    where: { storeId },
    create: { storeId, surveyQuestionSets: value },
    update: { surveyQuestionSets: value },
  });
  return { ok: true, sets: result.sets };
}

export async function resetQuestionSets(db: Db, storeId: string): Promise<void> {
  await db.storeSettings.updateMany({ where: { storeId }, data: { surveyQuestionSets: null } });
}

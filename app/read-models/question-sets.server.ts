/**
 * The merchant's survey question sets: the saved list (StoreSettings.surveyQuestionSets) or the defaults,
 * validated with the survey domain's validateQuestionSets before saving so the extension never gets a set it
 * cannot ask.
 */
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

export async function saveQuestionSets(db: Db, storeId: string, json: string): Promise<SaveQuestionSetsResult> {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch {
    return { ok: false, errors: [{ path: "", message: "could not read the question sets (not valid JSON)" }] };
  }
  const result = validateQuestionSets(input, DEFAULT_CATALOGUE);
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

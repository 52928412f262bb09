/**
 * Validation of merchant-edited question sets (used by the admin editor and when loading saved sets).
 * Returns every problem at once, each with a path the editor can point at.
 */
import { LIFECYCLE_STAGES, type LifecycleStage } from "../lifecycle";
import { RFM_SEGMENTS, type RfmSegment } from "../segments";
import { SURVEY_TARGETS, type SurveyCatalogue, type SurveyTarget } from "./catalogue";
import { kindSpec } from "./question-kinds";
import type { QuestionSet, QuestionSetItem } from "./question-sets";

export interface QuestionSetError {
  /** e.g. "questions[2].questionId" */
  path: string;
  message: string;
}

export type QuestionSetValidation = { ok: true; set: QuestionSet } | { ok: false; errors: QuestionSetError[] };

export const MAX_QUESTIONS_PER_SET = 6;
const SET_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : null;
}

export function validateQuestionSet(input: unknown, catalogue: SurveyCatalogue): QuestionSetValidation {
  const errors: QuestionSetError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  if (!isRecord(input)) return { ok: false, errors: [{ path: "", message: "must be an object" }] };

  const { id, target, audience, questions } = input;
  if (typeof id !== "string" || !SET_ID.test(id)) {
    fail("id", "must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit");
  }
  const targetIsValid = typeof target === "string" && (SURVEY_TARGETS as readonly string[]).includes(target);
  if (!targetIsValid) fail("target", `must be one of ${SURVEY_TARGETS.join(", ")}`);

  let segments: RfmSegment[] | undefined;
  let stages: LifecycleStage[] | undefined;
  let firstOrder: boolean | undefined;
  if (!isRecord(audience)) fail("audience", "must be an object (empty means everyone)");
  else {
    if (audience.segments !== undefined) {
      const list = stringList(audience.segments);
      if (!list) fail("audience.segments", "must be a list of segment names");
      else {
        list.forEach((name, i) => {
          if (!(RFM_SEGMENTS as readonly string[]).includes(name))
            fail(`audience.segments[${i}]`, `unknown segment "${name}"`);
        });
        segments = list as RfmSegment[];
      }
    }
    if (audience.stages !== undefined) {
      const list = stringList(audience.stages);
      if (!list) fail("audience.stages", "must be a list of lifecycle stage names");
      else {
        list.forEach((name, i) => {
          if (!(LIFECYCLE_STAGES as readonly string[]).includes(name))
            fail(`audience.stages[${i}]`, `unknown stage "${name}"`);
        });
        stages = list as LifecycleStage[];
      }
    }
    if (audience.firstOrder !== undefined) {
      if (typeof audience.firstOrder !== "boolean") fail("audience.firstOrder", "must be true or false");
      else firstOrder = audience.firstOrder;
    }
    for (const key of Object.keys(audience)) {
      if (!["segments", "stages", "firstOrder"].includes(key)) fail(`audience.${key}`, "unknown field");
    }
  }

  const items: QuestionSetItem[] = [];
  if (!Array.isArray(questions) || questions.length === 0) fail("questions", "must list at least one question");
  else if (questions.length > MAX_QUESTIONS_PER_SET) {
    fail("questions", `at most ${MAX_QUESTIONS_PER_SET} questions: every extra one loses respondents`);
  } else {
    const seen = new Set<string>();
    questions.forEach((item: unknown, i) => {
      const path = `questions[${i}]`;
      if (!isRecord(item)) return fail(path, "must be an object");
      const question = typeof item.questionId === "string" ? catalogue.get(item.questionId) : undefined;
      if (!question) return fail(`${path}.questionId`, "unknown question");
      if (seen.has(question.id)) fail(`${path}.questionId`, "asked twice in this set");
      seen.add(question.id);
      // Only when the target itself is valid, or one wrong target would flag every question.
      if (targetIsValid && !(question.targets as readonly string[]).includes(target as string)) {
        fail(`${path}.questionId`, `"${question.id}" is not asked on ${target}`);
      }
      if (typeof item.optional !== "boolean") fail(`${path}.optional`, "must be true or false");
      let answers: string[] | undefined;
      if (item.answers !== undefined) {
        const list = stringList(item.answers);
        if (!kindSpec(question.kind).hasAnswerList) fail(`${path}.answers`, "only choice questions have answers");
        else if (!list) fail(`${path}.answers`, "must be a list of answer ids");
        else {
          list.forEach((answer, j) => {
            if (!question.answers.includes(answer)) fail(`${path}.answers[${j}]`, `unknown answer "${answer}"`);
          });
          if (new Set(list).size !== list.length) fail(`${path}.answers`, "lists an answer twice");
          if (list.length < 2) fail(`${path}.answers`, "needs at least two answers");
          // Keep catalogue order so the same answer sits in the same place everywhere.
          answers = question.answers.filter((answer) => list.includes(answer));
        }
      }
      items.push({ questionId: question.id, optional: item.optional === true, ...(answers ? { answers } : {}) });
    });
    // The follow-up only makes sense after the score it explains.
    const npsIndex = items.findIndex((item) => item.questionId === "nps");
    const reasonIndex = items.findIndex((item) => item.questionId === "nps-reason");
    if (reasonIndex >= 0 && (npsIndex < 0 || npsIndex > reasonIndex)) {
      fail(`questions[${reasonIndex}].questionId`, '"nps-reason" must come after "nps"');
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    set: {
      id: id as string,
      target: target as SurveyTarget,
      audience: {
        ...(segments ? { segments } : {}),
        ...(stages ? { stages } : {}),
        ...(firstOrder !== undefined ? { firstOrder } : {}),
      },
      questions: items,
    },
  };
}

/** A merchant's whole list: each set valid, ids unique, and a fallback (empty audience) for every target. */
export function validateQuestionSets(
  input: unknown,
  catalogue: SurveyCatalogue,
): { ok: true; sets: QuestionSet[] } | { ok: false; errors: QuestionSetError[] } {
  if (!Array.isArray(input)) return { ok: false, errors: [{ path: "", message: "must be a list of question sets" }] };
  const errors: QuestionSetError[] = [];
  const sets: QuestionSet[] = [];
  input.forEach((item: unknown, i) => {
    const result = validateQuestionSet(item, catalogue);
    if (result.ok) sets.push(result.set);
    else
      errors.push(...result.errors.map((error) => ({ ...error, path: `[${i}]${error.path ? "." + error.path : ""}` })));
  });
  const ids = new Set<string>();
  sets.forEach((set) => {
    if (ids.has(set.id)) errors.push({ path: "", message: `set id "${set.id}" is used twice` });
    ids.add(set.id);
  });
  for (const target of SURVEY_TARGETS) {
    const isFallback = (set: QuestionSet) =>
      set.target === target &&
      !set.audience.segments?.length &&
      !set.audience.stages?.length &&
      !set.audience.firstOrder;
    if (sets.length === input.length && !sets.some(isFallback)) {
      errors.push({ path: "", message: `no set for everyone on ${target}: add one with an empty audience` });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sets };
}

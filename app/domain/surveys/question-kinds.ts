/**
 * Survey question kinds, each described once: what its catalogue definition must look like, how an answer is
 * validated and normalised, which column stores it, how the admin words it, how insights summarise it and which
 * customer tags it implies.
 *
 * `QUESTION_KIND_SPECS` is typed `QuestionKindTable`, a mapped type over `QuestionKindShapes`: adding a kind to
 * the shapes makes the compiler list every missing piece here, and the two renderers (the hosted survey page's
 * `KIND_CONTROLS`, the checkout extension's `KIND_VIEWS`) are `Record<QuestionKind, …>` too. See README.md
 * "Adding a question kind".
 */
import type { SurveyAnswerErrorCode } from "./api";
import type { QuestionDefinition, SurveyTarget } from "./catalogue";
import { cleanFreeText } from "./free-text";
import { NPS_MAX_SCORE, NPS_MIN_SCORE } from "./limits";
import { npsCategory, type NpsCategory } from "./nps";

/**
 * Per kind, the one field that carries an answer — the same name in the request body, the SurveyResponse column
 * and the CSV column — and the type of its value. A new kind either reuses a column or adds one (schema change).
 */
export interface QuestionKindShapes {
  choice: { field: "answerId"; value: string };
  nps: { field: "score"; value: number };
  text: { field: "text"; value: string };
}
export type QuestionKind = keyof QuestionKindShapes;
export type AnswerField = QuestionKindShapes[QuestionKind]["field"];
export type AnswerValue<K extends QuestionKind> = QuestionKindShapes[K]["value"];

/** The SurveyResponse columns an answer can live in (one of them set, the others null). */
export interface StoredAnswerColumns {
  answerId: string | null;
  score: number | null;
  text: string | null;
}

interface AnswerBase {
  target: SurveyTarget;
  /** Numeric order id (GraphQL ids are reduced to it). */
  orderId: string;
  questionId: string;
}

/** A validated answer: `{ kind: "choice", answerId }`, `{ kind: "nps", score }`, `{ kind: "text", text }`, … */
export type ValidatedSurveyAnswer = {
  [K in QuestionKind]: AnswerBase & { kind: K } & { [F in QuestionKindShapes[K]["field"]]: AnswerValue<K> };
}[QuestionKind];

export interface SurveyTagChange {
  add: string[];
  remove: string[];
}

/** Words for answer ids (the admin passes the customer-facing English labels). */
export interface AnswerLabels {
  answer(questionId: string, answerId: string): string;
}

export type ParsedAnswer<V> = { ok: true; value: V } | { ok: false; code: SurveyAnswerErrorCode };

export interface QuestionKindSpec<K extends QuestionKind> {
  /** The one field carrying the answer (request body, SurveyResponse column, CSV column). */
  field: QuestionKindShapes[K]["field"];
  /** Whether definitions list answer ids: the options shown, which a question set may narrow. */
  hasAnswerList: boolean;
  /** Problems with a catalogue definition of this kind; empty when it is fine. */
  checkDefinition(question: QuestionDefinition): string[];
  /** Validates the raw value of `field` as it arrived from the network (present, any type) and normalises it. */
  parseAnswer(raw: unknown, question: QuestionDefinition): ParsedAnswer<AnswerValue<K>>;
  /** A form field's text (the hosted survey page) as parseAnswer expects it; bad input passes on to be rejected. */
  fromForm(raw: string): unknown;
  /** The admin's words for an answer (answer lists, the customer page). */
  label(value: AnswerValue<K>, questionId: string, labels: AnswerLabels): string;
  /** How insights summarise the answers: an NPS score, a distribution by segment, or not at all (read one by one). */
  insight: "nps" | "distribution" | "none";
  /** Still worth asking when every other question of the set is answered (free text alone is not). */
  worthAskingAlone: boolean;
  /** Customer tags an answer implies, without the `ciclo:` prefix; `question` is undefined outside the catalogue. */
  tags(value: AnswerValue<K>, question: QuestionDefinition | undefined): SurveyTagChange;
}

export type QuestionKindTable = { [K in QuestionKind]: QuestionKindSpec<K> };

const MAX_ID_LENGTH = 64;
const ANSWER_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NO_TAGS: SurveyTagChange = { add: [], remove: [] };

const NPS_TAGS: Record<NpsCategory, string> = {
  promoter: "nps-promoter",
  passive: "nps-passive",
  detractor: "nps-detractor",
};
/** Catch-all answers say nothing to act on and make no tag. */
const UNTAGGED_ANSWERS = new Set(["other", "nothing", "nothing-else"]);
// Numbers as a form sends them; anything else goes to the validator as a string (a wrong type).
const FORM_NUMBER = /^-?\d{1,3}(?:\.\d{1,3})?$/;

function withoutAnswerList(question: QuestionDefinition): string[] {
  const problems: string[] = [];
  if (question.answers.length > 0) problems.push(`${question.kind} questions have no answer list`);
  if (question.tagsAnswers) problems.push("only choice questions tag their answers");
  return problems;
}

export const QUESTION_KIND_SPECS: QuestionKindTable = {
  choice: {
    field: "answerId",
    hasAnswerList: true,
    checkDefinition(question) {
      const problems: string[] = [];
      if (question.answers.length < 2) problems.push("a choice question needs at least two answers");
      if (new Set(question.answers).size !== question.answers.length) problems.push("lists an answer twice");
      for (const answer of question.answers)
        if (!ANSWER_ID.test(answer)) problems.push(`answer id "${answer}" must be lower-case letters, digits, dashes`);
      return problems;
    },
    parseAnswer(raw, question) {
      if (typeof raw !== "string") return { ok: false, code: "wrong-type" };
      if (raw.length > MAX_ID_LENGTH || !question.answers.includes(raw)) return { ok: false, code: "unknown-answer" };
      return { ok: true, value: raw };
    },
    fromForm: (raw) => raw,
    label: (answerId, questionId, labels) => labels.answer(questionId, answerId),
    insight: "distribution",
    worthAskingAlone: true,
    tags(answerId, question) {
      if (!question?.tagsAnswers || UNTAGGED_ANSWERS.has(answerId)) return NO_TAGS;
      return { add: [`jtbd-${answerId}`], remove: [] };
    },
  },
  nps: {
    field: "score",
    hasAnswerList: false,
    checkDefinition: withoutAnswerList,
    parseAnswer(raw) {
      if (typeof raw !== "number" || !Number.isFinite(raw)) return { ok: false, code: "wrong-type" };
      if (!Number.isInteger(raw)) return { ok: false, code: "score-not-integer" };
      if (raw < NPS_MIN_SCORE || raw > NPS_MAX_SCORE) return { ok: false, code: "score-out-of-range" };
      // `+ 0` turns -0 into 0, so JSON and the database see the same number.
      return { ok: true, value: raw + 0 };
    },
    fromForm: (raw) => (FORM_NUMBER.test(raw) ? Number(raw) : raw),
    label: (score) => `${score} out of ${NPS_MAX_SCORE}`,
    insight: "nps",
    worthAskingAlone: true,
    tags(score) {
      // A customer carries only their latest category: the other two are removed.
      const tag = NPS_TAGS[npsCategory(score)];
      return { add: [tag], remove: Object.values(NPS_TAGS).filter((other) => other !== tag) };
    },
  },
  text: {
    field: "text",
    hasAnswerList: false,
    checkDefinition: withoutAnswerList,
    parseAnswer(raw) {
      if (typeof raw !== "string") return { ok: false, code: "wrong-type" };
      const cleaned = cleanFreeText(raw);
      return cleaned.ok ? { ok: true, value: cleaned.text } : { ok: false, code: cleaned.code };
    },
    fromForm: (raw) => raw,
    label: (text) => text,
    insight: "none",
    worthAskingAlone: false,
    tags: () => NO_TAGS,
  },
};

export const QUESTION_KINDS = Object.keys(QUESTION_KIND_SPECS) as QuestionKind[];

/** Every answer field once, in table order ("answerId", "score", "text"). */
export const ANSWER_FIELDS: readonly AnswerField[] = [
  ...new Set(QUESTION_KINDS.map((k) => QUESTION_KIND_SPECS[k].field)),
];

/** The spec of a kind, typed loosely enough to call with a value of that kind. */
export function kindSpec(kind: QuestionKind): QuestionKindSpec<QuestionKind> {
  return QUESTION_KIND_SPECS[kind] as unknown as QuestionKindSpec<QuestionKind>;
}

export function isQuestionKind(value: unknown): value is QuestionKind {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(QUESTION_KIND_SPECS, value);
}

/** The value an answer carries, whatever its kind. */
export function answerValue(answer: ValidatedSurveyAnswer): AnswerValue<QuestionKind> {
  return (answer as unknown as Record<AnswerField, AnswerValue<QuestionKind>>)[kindSpec(answer.kind).field];
}

/** An answer of `kind` carrying `value` in its kind's field (the value already parsed by that kind). */
export function makeAnswer(
  base: AnswerBase,
  kind: QuestionKind,
  value: AnswerValue<QuestionKind>,
): ValidatedSurveyAnswer {
  return { ...base, kind, [kindSpec(kind).field]: value } as unknown as ValidatedSurveyAnswer;
}

/** The SurveyResponse columns for an answer: its kind's column set, the others null. */
export function storedColumns(answer: ValidatedSurveyAnswer): StoredAnswerColumns {
  return { answerId: null, score: null, text: null, [kindSpec(answer.kind).field]: answerValue(answer) };
}

/**
 * A stored row read back as a kind and value: the catalogue's kind for the question when given and known,
 * otherwise the first kind (table order) whose column is set. Null when the row holds no answer.
 */
export function answerFromStored(
  row: StoredAnswerColumns & { questionId?: string },
  catalogue?: ReadonlyMap<string, QuestionDefinition>,
): { kind: QuestionKind; value: AnswerValue<QuestionKind> } | null {
  const known = row.questionId === undefined ? undefined : catalogue?.get(row.questionId)?.kind;
  for (const kind of known ? [known] : QUESTION_KINDS) {
    const value = row[QUESTION_KIND_SPECS[kind].field];
    if (value !== null && value !== undefined) return { kind, value };
  }
  return null;
}

/** The admin's words for a stored answer ("" when the row holds none). */
export function storedAnswerLabel(
  row: StoredAnswerColumns & { questionId: string },
  labels: AnswerLabels,
  catalogue?: ReadonlyMap<string, QuestionDefinition>,
): string {
  const answer = answerFromStored(row, catalogue);
  return answer ? kindSpec(answer.kind).label(answer.value, row.questionId, labels) : "";
}

/** Problems with catalogue definitions, each prefixed with the question id (empty = fine). */
export function checkQuestionDefinitions(questions: readonly QuestionDefinition[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const question of questions) {
    if (seen.has(question.id)) problems.push(`${question.id}: defined twice`);
    seen.add(question.id);
    if (!isQuestionKind(question.kind)) {
      problems.push(`${question.id}: unknown kind "${String(question.kind)}"`);
      continue;
    }
    if (question.targets.length === 0) problems.push(`${question.id}: asked nowhere (no targets)`);
    problems.push(
      ...kindSpec(question.kind)
        .checkDefinition(question)
        .map((p) => `${question.id}: ${p}`),
    );
  }
  return problems;
}

/**
 * The question-kind table: every kind round-trips define → answer → store → label through its own entry, and
 * the table (checked by `npm run typecheck`, which compiles this file) cannot leave a kind out.
 */
import { describe, expect, it } from "vitest";
import { validateSurveyAnswer } from "../../../app/domain/surveys/answer-validation";
import {
  createCatalogue,
  DEFAULT_QUESTIONS,
  questionIdsByInsight,
  type QuestionDefinition,
} from "../../../app/domain/surveys/catalogue";
import {
  answerFromStored,
  checkQuestionDefinitions,
  kindSpec,
  QUESTION_KIND_SPECS,
  QUESTION_KINDS,
  storedAnswerLabel,
  storedColumns,
  type QuestionKind,
  type QuestionKindTable,
} from "../../../app/domain/surveys/question-kinds";
import { storedAnswerTagChanges, surveyTagChanges } from "../../../app/domain/surveys/tags";

// Type-level: a table missing a kind, or giving a kind another kind's field, does not compile.
// @ts-expect-error -- "text" is missing: the table must list every kind
const missingKind: QuestionKindTable = { choice: QUESTION_KIND_SPECS.choice, nps: QUESTION_KIND_SPECS.nps };
const wrongField: QuestionKindTable = {
  ...QUESTION_KIND_SPECS,
  // @ts-expect-error -- an NPS answer lives in `score`, not `text`
  nps: { ...QUESTION_KIND_SPECS.nps, field: "text" },
};

/** One example per kind: a definition, a raw answer as the network sends it, and what it must become. */
const EXAMPLES: Record<
  QuestionKind,
  {
    definition: QuestionDefinition;
    raw: unknown;
    stored: unknown;
    label: string;
    tags: { add: string[]; remove: string[] };
    badRaw: unknown;
  }
> = {
  choice: {
    definition: {
      id: "why",
      kind: "choice",
      answers: ["gift", "other"],
      targets: ["thank-you"],
      tagsAnswers: true,
    },
    raw: "gift",
    stored: "gift",
    label: "label:why/gift",
    tags: { add: ["jtbd-gift"], remove: [] },
    badRaw: "not-listed",
  },
  nps: {
    definition: { id: "score", kind: "nps", answers: [], targets: ["order-status"], tagsAnswers: false },
    raw: -0,
    stored: 0,
    label: "0 out of 10",
    tags: { add: ["nps-detractor"], remove: ["nps-promoter", "nps-passive"] },
    badRaw: 11,
  },
  text: {
    definition: { id: "say-more", kind: "text", answers: [], targets: ["thank-you"], tagsAnswers: false },
    raw: "  <b>Great</b>   fit\u200b ",
    stored: "Great fit",
    label: "Great fit",
    tags: { add: [], remove: [] },
    badRaw: "   ",
  },
};

const labels = { answer: (questionId: string, answerId: string) => `label:${questionId}/${answerId}` };

describe("question kinds", () => {
  it("lists every kind once, and the catalogue's questions are valid definitions", () => {
    expect(QUESTION_KINDS).toEqual(["choice", "nps", "text"]);
    expect(checkQuestionDefinitions(DEFAULT_QUESTIONS)).toEqual([]);
    // Insights: NPS from the NPS question, distributions of every choice question, free text read one by one.
    expect(questionIdsByInsight("nps")).toEqual(["nps"]);
    expect(questionIdsByInsight("distribution")).toEqual(
      DEFAULT_QUESTIONS.filter((question) => question.kind === "choice").map((question) => question.id),
    );
    expect(questionIdsByInsight("none")).toEqual(["jtbd-comment", "nps-reason"]);
    void missingKind;
    void wrongField;
  });

  for (const kind of QUESTION_KINDS) {
    it(`round-trips a ${kind} answer: define → answer → store → label → tags`, () => {
      const example = EXAMPLES[kind];
      const spec = kindSpec(kind);
      expect(checkQuestionDefinitions([example.definition])).toEqual([]);
      const catalogue = createCatalogue([example.definition]);
      const target = example.definition.targets[0]!;

      const result = validateSurveyAnswer(
        { target, orderId: "gid://shopify/Order/42", questionId: example.definition.id, [spec.field]: example.raw },
        catalogue,
      );
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) return;
      expect(result.answer.kind).toBe(kind);
      expect(result.answer.orderId).toBe("42");

      const columns = storedColumns(result.answer);
      expect(columns[spec.field]).toStrictEqual(example.stored);
      // Exactly one column is set: the kind's own.
      expect(Object.values(columns).filter((value) => value !== null)).toHaveLength(1);

      const row = { ...columns, questionId: example.definition.id };
      expect(answerFromStored(row)).toStrictEqual({ kind, value: example.stored });
      expect(answerFromStored(row, catalogue)).toStrictEqual({ kind, value: example.stored });
      expect(storedAnswerLabel(row, labels)).toBe(example.label);

      expect(surveyTagChanges(result.answer, catalogue)).toEqual(example.tags);
      expect(storedAnswerTagChanges(row, catalogue)).toEqual(example.tags);

      // The answer field of every other kind is refused for this one.
      for (const other of QUESTION_KINDS.filter((k) => kindSpec(k).field !== spec.field)) {
        const wrong = validateSurveyAnswer(
          {
            target,
            orderId: "42",
            questionId: example.definition.id,
            [spec.field]: example.raw,
            [kindSpec(other).field]: EXAMPLES[other].raw,
          },
          catalogue,
        );
        expect(wrong).toEqual({ ok: false, errors: [{ field: kindSpec(other).field, code: "not-allowed-for-kind" }] });
      }
      const bad = validateSurveyAnswer(
        { target, orderId: "42", questionId: example.definition.id, [spec.field]: example.badRaw },
        catalogue,
      );
      expect(bad.ok).toBe(false);
      const missing = validateSurveyAnswer({ target, orderId: "42", questionId: example.definition.id }, catalogue);
      expect(missing).toEqual({ ok: false, errors: [{ field: spec.field, code: "required" }] });
    });
  }

  it("refuses to build a catalogue from a broken definition", () => {
    expect(() =>
      createCatalogue([{ id: "tags-nps", kind: "nps", answers: [], targets: ["order-status"], tagsAnswers: true }]),
    ).toThrow("invalid survey questions: tags-nps: only choice questions tag their answers");
  });

  it("reports broken definitions with the question id", () => {
    expect(
      checkQuestionDefinitions([
        { id: "one", kind: "choice", answers: ["only"], targets: ["thank-you"], tagsAnswers: false },
        { id: "nps2", kind: "nps", answers: ["x"], targets: [], tagsAnswers: true },
        { id: "odd", kind: "stars" as QuestionKind, answers: [], targets: ["thank-you"], tagsAnswers: false },
        { id: "one", kind: "text", answers: [], targets: ["thank-you"], tagsAnswers: false },
      ]),
    ).toEqual([
      "one: a choice question needs at least two answers",
      "nps2: asked nowhere (no targets)",
      "nps2: nps questions have no answer list",
      "nps2: only choice questions tag their answers",
      'odd: unknown kind "stars"',
      "one: defined twice",
    ]);
  });

  it("turns hosted-form text into what each kind's parser expects", () => {
    expect(kindSpec("nps").fromForm("7")).toBe(7);
    expect(kindSpec("nps").fromForm("7e1")).toBe("7e1");
    expect(kindSpec("choice").fromForm("gift")).toBe("gift");
    expect(kindSpec("text").fromForm("hi")).toBe("hi");
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOGUE } from "../../../app/domain/surveys/catalogue";
import {
  validateQuestionSet,
  validateQuestionSets,
  type QuestionSetValidation,
} from "../../../app/domain/surveys/question-set-validation";
import {
  chooseQuestionSet,
  DEFAULT_QUESTION_SETS,
  type SurveyCustomerContext,
} from "../../../app/domain/surveys/question-sets";

const customer = (overrides: Partial<SurveyCustomerContext>): SurveyCustomerContext => ({
  segment: null,
  stage: null,
  isFirstOrder: false,
  ...overrides,
});
const chosen = (c: Partial<SurveyCustomerContext>, target: "thank-you" | "order-status" = "thank-you") =>
  chooseQuestionSet(DEFAULT_QUESTION_SETS, target, customer(c))?.id;

describe("question set choice by segment and lifecycle stage", () => {
  it("asks lapsed customers who buy again what brought them back", () => {
    expect(chosen({ segment: "At risk" })).toBe("winback");
    expect(chosen({ segment: "Previously loyal" })).toBe("winback");
    expect(chosen({ segment: "Almost lost" })).toBe("winback");
    expect(chosen({ segment: "Active", stage: "Lost" })).toBe("winback");
  });

  it("gives first-time buyers the Jobs-To-Be-Done interview", () => {
    expect(chosen({ isFirstOrder: true })).toBe("jtbd-new");
    expect(chosen({ segment: "New" })).toBe("jtbd-new");
    expect(chosen({ segment: "Prospects", isFirstOrder: true })).toBe("jtbd-new");
    expect(DEFAULT_QUESTION_SETS.find((s) => s.id === "jtbd-new")!.questions.map((q) => q.questionId)).toEqual([
      "jtbd-trigger",
      "jtbd-job",
      "jtbd-alternatives",
      "jtbd-barrier",
      "attribution",
      "jtbd-comment",
    ]);
  });

  it("keeps it short for Champions, Loyal and Heroes", () => {
    expect(chosen({ segment: "Champions" })).toBe("short-loyal");
    expect(chosen({ segment: "Loyal" })).toBe("short-loyal");
    expect(chosen({ segment: "Active", stage: "Hero" })).toBe("short-loyal");
  });

  it("falls back to the default set for everyone else, guests included", () => {
    expect(chosen({ segment: "Active", stage: "Repeat" })).toBe("thank-you-default");
    expect(chosen({})).toBe("thank-you-default");
  });

  it("asks NPS on the order-status page whoever the customer is", () => {
    expect(chosen({ segment: "Champions" }, "order-status")).toBe("nps");
    expect(chosen({}, "order-status")).toBe("nps");
  });

  it("the first matching set in the merchant's order wins", () => {
    const fallbackFirst = [...DEFAULT_QUESTION_SETS].sort((a) => (a.id === "thank-you-default" ? -1 : 0));
    expect(chooseQuestionSet(fallbackFirst, "thank-you", customer({ segment: "At risk" }))?.id).toBe(
      "thank-you-default",
    );
  });
});

describe("validateQuestionSet (merchant edits)", () => {
  const paths = (result: QuestionSetValidation) => (result.ok ? [] : result.errors.map((e) => e.path));
  const valid = {
    id: "gift-season",
    target: "thank-you",
    audience: { segments: ["New"], firstOrder: true },
    questions: [
      { questionId: "jtbd-trigger", optional: true, answers: ["other", "gift", "treat-myself"] },
      { questionId: "attribution", optional: false },
    ],
  };

  it("accepts a valid set and keeps answers in catalogue order", () => {
    const result = validateQuestionSet(valid, DEFAULT_CATALOGUE);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.set.questions[0]!.answers).toEqual(["gift", "treat-myself", "other"]);
  });

  it("accepts the defaults", () => {
    expect(validateQuestionSets(DEFAULT_QUESTION_SETS, DEFAULT_CATALOGUE).ok).toBe(true);
  });

  it("reports every problem with a path", () => {
    const result = validateQuestionSet(
      {
        id: "Bad Id!",
        target: "checkout",
        audience: { segments: ["Whales"], stages: ["Zombie"], firstOrder: "yes", colour: "red" },
        questions: [
          { questionId: "nps-reason", optional: true },
          { questionId: "jtbd-trigger", optional: "no", answers: ["gift", "gift", "hacked"] },
          { questionId: "jtbd-trigger", optional: true },
          { questionId: "made-up", optional: true },
          { questionId: "jtbd-comment", optional: true, answers: ["gift", "other"] },
        ],
      },
      DEFAULT_CATALOGUE,
    );
    expect(paths(result)).toEqual([
      "id",
      "target",
      "audience.segments[0]",
      "audience.stages[0]",
      "audience.firstOrder",
      "audience.colour",
      "questions[1].optional",
      "questions[1].answers[2]",
      "questions[1].answers",
      "questions[2].questionId",
      "questions[3].questionId",
      "questions[4].answers",
      "questions[0].questionId",
    ]);
  });

  it("rejects questions asked at the wrong moment and sets that are empty or too long", () => {
    expect(
      paths(validateQuestionSet({ ...valid, questions: [{ questionId: "nps", optional: false }] }, DEFAULT_CATALOGUE)),
    ).toEqual(["questions[0].questionId"]);
    expect(paths(validateQuestionSet({ ...valid, questions: [] }, DEFAULT_CATALOGUE))).toEqual(["questions"]);
    const seven = [
      "jtbd-trigger",
      "jtbd-job",
      "jtbd-alternatives",
      "jtbd-barrier",
      "attribution",
      "winback-reason",
      "jtbd-comment",
    ];
    expect(
      paths(
        validateQuestionSet(
          { ...valid, questions: seven.map((questionId) => ({ questionId, optional: true })) },
          DEFAULT_CATALOGUE,
        ),
      ),
    ).toEqual(["questions"]);
    expect(
      paths(
        validateQuestionSet(
          { ...valid, questions: [{ questionId: "jtbd-trigger", optional: true, answers: ["gift"] }] },
          DEFAULT_CATALOGUE,
        ),
      ),
    ).toEqual(["questions[0].answers"]);
    expect(paths(validateQuestionSet("not a set", DEFAULT_CATALOGUE))).toEqual([""]);
  });

  it("a merchant's list needs unique ids and a set for everyone on each target", () => {
    const withoutFallback = DEFAULT_QUESTION_SETS.filter((set) => set.id !== "thank-you-default");
    const missing = validateQuestionSets(withoutFallback, DEFAULT_CATALOGUE);
    expect(missing.ok ? [] : missing.errors.map((e) => e.message)).toEqual([
      "no set for everyone on thank-you: add one with an empty audience",
    ]);
    const duplicated = validateQuestionSets([...DEFAULT_QUESTION_SETS, DEFAULT_QUESTION_SETS[0]], DEFAULT_CATALOGUE);
    expect(duplicated.ok ? [] : duplicated.errors.map((e) => e.message)).toEqual(['set id "winback" is used twice']);
    const broken = validateQuestionSets([...DEFAULT_QUESTION_SETS, { id: "x" }], DEFAULT_CATALOGUE);
    expect(broken.ok ? [] : broken.errors.map((e) => e.path)).toEqual(["[5].target", "[5].audience", "[5].questions"]);
  });
});

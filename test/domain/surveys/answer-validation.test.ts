import { describe, expect, it } from "vitest";
import {
  answerIdempotencyKey,
  validateSurveyAnswer,
  type SurveyAnswerValidation,
} from "../../../app/domain/surveys/answer-validation";
import { DEFAULT_CATALOGUE } from "../../../app/domain/surveys/catalogue";
import { cleanFreeText } from "../../../app/domain/surveys/free-text";
import { normalizeOrderId } from "../../../app/domain/surveys/order-id";

const validate = (input: unknown, allowed?: string[]) =>
  validateSurveyAnswer(input, DEFAULT_CATALOGUE, allowed ? { allowedQuestionIds: new Set(allowed) } : {});
const errorCodes = (result: SurveyAnswerValidation) =>
  result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);

const nps = { target: "order-status", orderId: "gid://shopify/Order/42", questionId: "nps", score: 9 };
const choice = { target: "thank-you", orderId: "42", questionId: "jtbd-trigger", answerId: "gift" };
const text = { target: "order-status", orderId: "42", questionId: "nps-reason", text: "Arrived fast" };

describe("validateSurveyAnswer accepts", () => {
  it("a choice, a score and free text, with order ids reduced to the number", () => {
    expect(validate(choice)).toEqual({
      ok: true,
      answer: { kind: "choice", target: "thank-you", orderId: "42", questionId: "jtbd-trigger", answerId: "gift" },
    });
    expect(validate(nps)).toEqual({
      ok: true,
      answer: { kind: "nps", target: "order-status", orderId: "42", questionId: "nps", score: 9 },
    });
    expect(validate(text)).toMatchObject({ ok: true, answer: { kind: "text", text: "Arrived fast" } });
    expect(validate({ ...nps, score: 0 })).toMatchObject({ ok: true });
    expect(validate({ ...nps, score: 10 })).toMatchObject({ ok: true });
    expect(validate({ ...nps, score: -0 })).toMatchObject({ ok: true, answer: { score: 0 } });
    expect(Object.is((validate({ ...nps, score: -0 }) as { answer: { score: number } }).answer.score, 0)).toBe(true);
  });

  it("500 characters of text, counted as characters not UTF-16 units", () => {
    expect(validate({ ...text, text: "a".repeat(500) }).ok).toBe(true);
    expect(validate({ ...text, text: "😀".repeat(500) }).ok).toBe(true);
    expect(errorCodes(validate({ ...text, text: "a".repeat(501) }))).toEqual(["text:text-too-long"]);
  });
});

describe("validateSurveyAnswer rejects hostile and malformed input", () => {
  const corpus: [name: string, input: unknown, expected: string[]][] = [
    ["null", null, [":not-an-object"]],
    ["an array", [nps], [":not-an-object"]],
    ["a string", JSON.stringify(nps), [":not-an-object"]],
    ["a number", 9, [":not-an-object"]],
    ["a class instance", new (class Answer {})(), [":not-an-object"]],
    ["an empty object", {}, ["target:required", "orderId:required", "questionId:required"]],
    ["a score as a string", { ...nps, score: "9" }, ["score:wrong-type"]],
    ["a boolean score", { ...nps, score: true }, ["score:wrong-type"]],
    ["NaN", { ...nps, score: NaN }, ["score:wrong-type"]],
    ["Infinity", { ...nps, score: Infinity }, ["score:wrong-type"]],
    ["a fractional score", { ...nps, score: 7.5 }, ["score:score-not-integer"]],
    ["a score of 11", { ...nps, score: 11 }, ["score:score-out-of-range"]],
    ["a negative score", { ...nps, score: -1 }, ["score:score-out-of-range"]],
    ["a huge score", { ...nps, score: 1e308 }, ["score:score-out-of-range"]],
    ["no score", { ...nps, score: undefined }, ["score:required"]],
    ["a numeric order id", { ...nps, orderId: 42 }, ["orderId:wrong-type"]],
    ["a foreign gid", { ...nps, orderId: "gid://shopify/Customer/42" }, ["orderId:invalid-order-id"]],
    ["an injected order id", { ...nps, orderId: "42; DROP TABLE answers" }, ["orderId:invalid-order-id"]],
    ["a huge order id", { ...nps, orderId: "9".repeat(100_000) }, ["orderId:invalid-order-id"]],
    ["order id zero", { ...nps, orderId: "0" }, ["orderId:invalid-order-id"]],
    ["an unknown target", { ...nps, target: "checkout" }, ["target:unknown-target"]],
    ["a target object", { ...nps, target: { toString: () => "order-status" } }, ["target:wrong-type"]],
    ["an unknown question", { ...nps, questionId: "nps-evil" }, ["questionId:unknown-question"]],
    ["a question list", { ...nps, questionId: ["nps"] }, ["questionId:wrong-type"]],
    ["a huge question id", { ...nps, questionId: "n".repeat(1_000_000) }, ["questionId:unknown-question"]],
    ["a prototype key as question", { ...nps, questionId: "__proto__" }, ["questionId:unknown-question"]],
    ["NPS on the thank-you page", { ...nps, target: "thank-you" }, ["questionId:question-not-for-target"]],
    ["an unknown answer", { ...choice, answerId: "hacked" }, ["answerId:unknown-answer"]],
    ["an answer of another question", { ...choice, answerId: "instagram" }, ["answerId:unknown-answer"]],
    ["a numeric answer", { ...choice, answerId: 1 }, ["answerId:wrong-type"]],
    ["a score on a choice", { ...choice, score: 9 }, ["score:not-allowed-for-kind"]],
    ["text on a score", { ...nps, text: "hi" }, ["text:not-allowed-for-kind"]],
    ["an answer id on text", { ...text, answerId: "gift" }, ["answerId:not-allowed-for-kind"]],
    ["text as a number", { ...text, text: 123 }, ["text:wrong-type"]],
    ["a megabyte of text", { ...text, text: "x".repeat(1_000_000) }, ["text:text-too-long"]],
    ["markup only", { ...text, text: "<img src=x onerror=alert(1)>" }, ["text:text-empty"]],
    ["whitespace and zero-width only", { ...text, text: " \u200b\u200d\t\n " }, ["text:text-empty"]],
    ["an extra field", { ...nps, customerId: "7" }, ["customerId:unknown-field"]],
  ];

  for (const [name, input, expected] of corpus) {
    it(name, () => expect(errorCodes(validate(input))).toEqual(expected));
  }

  it("a __proto__ key smuggled through JSON", () => {
    const input = JSON.parse(
      '{"target":"order-status","orderId":"1","questionId":"nps","score":9,"__proto__":{"x":1}}',
    );
    expect(errorCodes(validate(input))).toEqual(["__proto__:unknown-field"]);
  });

  it("a question outside the set served to this customer", () => {
    expect(errorCodes(validate(choice, ["jtbd-job"]))).toEqual(["questionId:question-not-in-set"]);
    expect(validate(choice, ["jtbd-trigger"]).ok).toBe(true);
  });
});

describe("free text cleaning", () => {
  const cleaned = (raw: string) => {
    const result = cleanFreeText(raw);
    return result.ok ? result.text : result.code;
  };

  it("strips markup, scripts and unclosed tags but keeps what the customer meant", () => {
    expect(cleaned("<script>alert('x')</script>Great <b>service</b>")).toBe("Great service");
    expect(cleaned("<style>body{display:none}</style>ok")).toBe("ok");
    expect(cleaned("Nice<img src=x onerror=alert(1)")).toBe("Nice");
    expect(cleaned('<a href="javascript:alert(1)">click</a>')).toBe("click");
    expect(cleaned("I <3 it, 2 < 3 > 1")).toBe("I <3 it, 2 < 3 > 1");
  });

  it("removes control, bidi and zero-width characters and lone surrogates", () => {
    expect(cleaned("good\u0000\u0007 one")).toBe("good one");
    expect(cleaned("\u202Etxt.exe\u202C")).toBe("txt.exe");
    expect(cleaned("zero\u200Bwidth\uFEFF")).toBe("zerowidth");
    expect(cleaned("broken \uD800 pair")).toBe("broken pair");
  });

  it("tidies whitespace, keeps up to one blank line, normalizes to NFC", () => {
    expect(cleaned("  a   b\t\tc \r\n\r\n\r\n\r\nd  ")).toBe("a b c\n\nd");
    expect(cleaned("Perche\u0301")).toBe("Perché");
  });
});

describe("order ids", () => {
  it("accepts Order and OrderIdentity gids and bare numbers, nothing else", () => {
    expect(normalizeOrderId("gid://shopify/Order/42")).toBe("42");
    expect(normalizeOrderId("gid://shopify/OrderIdentity/42")).toBe("42");
    expect(normalizeOrderId("42")).toBe("42");
    for (const bad of [
      "gid://shopify/Order/",
      "gid://shopify/Order/042",
      "gid://evil/Order/42",
      " 42",
      "4e2",
      42,
      null,
    ]) {
      expect(normalizeOrderId(bad)).toBeNull();
    }
  });
});

describe("replays", () => {
  it("the same answer, however the order id is spelled, has one idempotency key", () => {
    const first = validate(nps);
    const replay = validate({ ...nps, orderId: "42", score: 3 });
    if (!first.ok || !replay.ok) throw new Error("expected valid answers");
    expect(answerIdempotencyKey(replay.answer)).toBe(answerIdempotencyKey(first.answer));
    expect(answerIdempotencyKey(first.answer)).toBe("42:nps");
    const reason = validate(text);
    if (!reason.ok) throw new Error("expected a valid answer");
    expect(answerIdempotencyKey(reason.answer)).not.toBe(answerIdempotencyKey(first.answer));
  });
});

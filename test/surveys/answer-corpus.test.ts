/**
 * Malformed and hostile answers through the real endpoint (real session token): every one is refused with the
 * right status and nothing is stored; markup that passes is stored stripped. The database does not matter
 * here (validation happens before it), so SQLite only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SurveyHarness } from "../support/survey-harness";

const base = { target: "thank-you", orderId: "9001" };
const choice = { ...base, questionId: "jtbd-trigger", answerId: "gift" };
const nps = { target: "order-status", orderId: "9001", questionId: "nps", score: 9 };

const REJECTED: [string, unknown, string][] = [
  ["an array", [choice], "not-an-object"],
  ["null", null, "not-an-object"],
  ["a string", "gift", "not-an-object"],
  ["a number", 42, "not-an-object"],
  ["an unknown field", { ...choice, admin: true }, "unknown-field"],
  [
    "__proto__ pollution",
    JSON.parse(
      '{"target":"thank-you","orderId":"9001","questionId":"jtbd-trigger","answerId":"gift","__proto__":{"admin":true}}',
    ),
    "unknown-field",
  ],
  ["a missing target", { ...choice, target: undefined }, "required"],
  ["an unknown target", { ...choice, target: "checkout" }, "unknown-target"],
  ["a numeric order id", { ...choice, orderId: 9001 }, "wrong-type"],
  ["an order id with SQL", { ...choice, orderId: "9001' OR '1'='1" }, "invalid-order-id"],
  ["another resource's gid", { ...choice, orderId: "gid://shopify/Customer/9001" }, "invalid-order-id"],
  ["a huge order id", { ...choice, orderId: "9".repeat(100) }, "invalid-order-id"],
  ["an unknown question", { ...choice, questionId: "favourite-colour" }, "unknown-question"],
  ["a question of the other target", { ...choice, questionId: "nps", score: 9 }, "question-not-for-target"],
  ["an unknown answer", { ...choice, answerId: "bribe" }, "unknown-answer"],
  ["an answer of another question", { ...choice, answerId: "instagram" }, "unknown-answer"],
  ["an answer id object", { ...choice, answerId: { id: "gift" } }, "wrong-type"],
  ["a score on a choice question", { ...choice, score: 3 }, "not-allowed-for-kind"],
  ["NPS 11", { ...nps, score: 11 }, "score-out-of-range"],
  ["NPS -1", { ...nps, score: -1 }, "score-out-of-range"],
  ["NPS 7.5", { ...nps, score: 7.5 }, "score-not-integer"],
  ['NPS "9"', { ...nps, score: "9" }, "wrong-type"],
  ["NPS true", { ...nps, score: true }, "wrong-type"],
  ["NPS without a score", { ...nps, score: undefined }, "required"],
  ["text of only markup", { ...base, questionId: "jtbd-comment", text: "<img src=x onerror=alert(1)>" }, "text-empty"],
  [
    "text of only invisible characters",
    { ...base, questionId: "jtbd-comment", text: "\u202e\u200b\u0000" },
    "text-empty",
  ],
  ["text over the limit", { ...base, questionId: "jtbd-comment", text: "a".repeat(501) }, "text-too-long"],
  ["text as a number", { ...base, questionId: "jtbd-comment", text: 12 }, "wrong-type"],
];

describe("hostile survey answers", () => {
  let h: SurveyHarness;
  let token: string;
  beforeAll(async () => {
    h = await SurveyHarness.create("sqlite");
    await h.installStore("corpus-shop");
    token = await h.token("corpus-shop");
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(REJECTED)("refuses %s with 400", async (_name, body, code) => {
    const res = await h.answer(body, token);
    expect(res.status).toBe(400);
    const { errors } = (await res.json()) as { errors: { code: string }[] };
    expect(errors.map((error) => error.code)).toContain(code);
    expect(await h.db.surveyResponse.count()).toBe(0);
  });

  it("refuses a body that is not JSON, and one over 4 KB, storing nothing", async () => {
    expect((await h.answer(null, token, { raw: "{not json" })).status).toBe(400);
    expect((await h.answer(null, token, { raw: "" })).status).toBe(400);
    const huge = JSON.stringify({ ...base, questionId: "jtbd-comment", text: "x".repeat(1_000_000) });
    expect((await h.answer(null, token, { raw: huge })).status).toBe(413);
    expect(await h.db.surveyResponse.count()).toBe(0);
  });

  it("checks the token before reading anything else: a hostile body without a token is 401", async () => {
    expect((await h.answer({ ...choice, answerId: "<script>" }, null)).status).toBe(401);
    expect((await h.answer(null, null, { raw: "x".repeat(10_000) })).status).toBe(401);
  });

  it("stores free text stripped of markup and invisible characters", async () => {
    const res = await h.answer(
      {
        ...base,
        orderId: "9100",
        questionId: "jtbd-comment",
        text: "  <b>Great</b>\u202e tent <script>alert(1)</script>!\u0000 ",
      },
      token,
    );
    expect(res.status).toBe(200);
    expect(await h.db.surveyResponse.findFirstOrThrow({ where: { orderExternalId: "9100" } })).toMatchObject({
      text: "Great tent !",
    });
  });
});

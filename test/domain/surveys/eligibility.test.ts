import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOGUE } from "../../../app/domain/surveys/catalogue";
import { checkCooldown, type PreviousSurveyAnswer } from "../../../app/domain/surveys/cooldown";
import { npsReadiness, type OrderDeliveryState } from "../../../app/domain/surveys/delivery";
import { decideSurveyEligibility, type SurveyEligibilityInput } from "../../../app/domain/surveys/eligibility";
import { DEFAULT_QUESTION_SETS } from "../../../app/domain/surveys/question-sets";

const NOW = new Date("2026-11-20T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const answer = (overrides: Partial<PreviousSurveyAnswer>): PreviousSurveyAnswer => ({
  target: "thank-you",
  orderId: "100",
  questionId: "jtbd-trigger",
  answeredAt: daysAgo(1),
  ...overrides,
});
const delivered: OrderDeliveryState = {
  cancelled: false,
  fulfillmentStatus: "fulfilled",
  fulfillments: [{ status: "SUCCESS", latestShipmentStatus: "DELIVERED" }],
};

describe("cooldown", () => {
  it("blocks the same target for 60 days after an answer on another order, by default", () => {
    const history = [answer({ orderId: "100", answeredAt: daysAgo(59) })];
    expect(checkCooldown("thank-you", "200", history, NOW)).toEqual({ coolingDown: true, until: daysAgo(-1) });
    expect(checkCooldown("thank-you", "200", [answer({ answeredAt: daysAgo(61) })], NOW)).toEqual({
      coolingDown: false,
    });
  });

  it("counts neither the other target nor the order being asked about", () => {
    const history = [answer({ orderId: "100", answeredAt: daysAgo(1) })];
    expect(checkCooldown("order-status", "200", history, NOW).coolingDown).toBe(false);
    expect(checkCooldown("thank-you", "100", history, NOW).coolingDown).toBe(false);
  });

  it("uses the merchant's number of days", () => {
    const history = [answer({ answeredAt: daysAgo(10) })];
    const days = { "thank-you": 7, "order-status": 90 };
    expect(checkCooldown("thank-you", "200", history, NOW, days).coolingDown).toBe(false);
    expect(
      checkCooldown("order-status", "200", [answer({ target: "order-status", answeredAt: daysAgo(80) })], NOW, days)
        .coolingDown,
    ).toBe(true);
  });
});

describe("NPS readiness", () => {
  const state = (fulfillmentStatus: string, shipments: (string | null)[], extra: Partial<OrderDeliveryState> = {}) => ({
    cancelled: false,
    fulfillmentStatus,
    fulfillments: shipments.map((latestShipmentStatus) => ({ status: "SUCCESS", latestShipmentStatus })),
    ...extra,
  });

  it("is ready once delivered or picked up, or fulfilled without tracking", () => {
    expect(npsReadiness(state("FULFILLED", ["DELIVERED"]))).toEqual({ ready: true, because: "delivered" });
    expect(npsReadiness(state("PARTIALLY_FULFILLED", ["DELIVERED", "IN_TRANSIT"])).ready).toBe(true);
    expect(npsReadiness(state("FULFILLED", ["PICKED_UP"])).ready).toBe(true);
    expect(npsReadiness(state("fulfilled", [null]))).toEqual({ ready: true, because: "fulfilled-untracked" });
    expect(npsReadiness(state("fulfilled", []))).toEqual({ ready: true, because: "fulfilled-untracked" });
  });

  it("is not ready in transit, unfulfilled, cancelled, or when the only delivery was a cancelled fulfillment", () => {
    expect(npsReadiness(state("FULFILLED", ["IN_TRANSIT"]))).toEqual({ ready: false, because: "not-delivered" });
    expect(npsReadiness(state("UNFULFILLED", []))).toEqual({ ready: false, because: "not-delivered" });
    expect(npsReadiness(state("FULFILLED", ["DELIVERED"], { cancelled: true }))).toEqual({
      ready: false,
      because: "order-cancelled",
    });
    expect(
      npsReadiness({
        ...state("PARTIALLY_FULFILLED", []),
        fulfillments: [{ status: "CANCELLED", latestShipmentStatus: "DELIVERED" }],
      }).ready,
    ).toBe(false);
  });
});

describe("decideSurveyEligibility", () => {
  const base: SurveyEligibilityInput = {
    target: "thank-you",
    orderId: "200",
    order: null,
    customer: { segment: "At risk", stage: "At risk", isFirstOrder: false },
    previousAnswers: [],
    questionSets: DEFAULT_QUESTION_SETS,
    catalogue: DEFAULT_CATALOGUE,
    now: NOW,
  };

  it("serves the set for the customer's segment, with ids only", () => {
    expect(decideSurveyEligibility(base)).toEqual({
      eligible: true,
      questionSet: "winback",
      questions: [
        {
          id: "winback-reason",
          kind: "choice",
          answers: [
            "new-products",
            "discount",
            "email-reminder",
            "missed-product",
            "better-than-alternatives",
            "other",
          ].map((id) => ({ id })),
          optional: true,
        },
        expect.objectContaining({ id: "jtbd-job", kind: "choice" }),
        { id: "jtbd-comment", kind: "text", optional: true },
      ],
    });
  });

  it("asks the thank-you questions before the order webhook has arrived, but not for a cancelled order", () => {
    expect(decideSurveyEligibility(base).eligible).toBe(true);
    expect(decideSurveyEligibility({ ...base, order: { ...delivered, cancelled: true } })).toMatchObject({
      eligible: false,
      reason: "order-cancelled",
    });
  });

  it("honours the cooldown", () => {
    const previousAnswers = [answer({ orderId: "100", answeredAt: daysAgo(20) })];
    expect(decideSurveyEligibility({ ...base, previousAnswers })).toEqual({
      eligible: false,
      reason: "cooldown",
      questionSet: "",
      questions: [],
    });
  });

  it("continues where the customer stopped, and stops when only free text is left", () => {
    const partly = [answer({ orderId: "200", questionId: "winback-reason" })];
    expect(decideSurveyEligibility({ ...base, previousAnswers: partly }).questions.map((q) => q.id)).toEqual([
      "jtbd-job",
      "jtbd-comment",
    ]);
    const tapsDone = [...partly, answer({ orderId: "200", questionId: "jtbd-job" })];
    expect(decideSurveyEligibility({ ...base, previousAnswers: tapsDone })).toMatchObject({
      eligible: false,
      reason: "already-answered",
    });
  });

  it("asks NPS only once the order arrived", () => {
    const orderStatus = { ...base, target: "order-status" as const };
    expect(decideSurveyEligibility(orderStatus)).toMatchObject({ eligible: false, reason: "unknown-order" });
    expect(
      decideSurveyEligibility({
        ...orderStatus,
        order: { ...delivered, fulfillments: [{ status: "SUCCESS", latestShipmentStatus: "IN_TRANSIT" }] },
      }),
    ).toMatchObject({ eligible: false, reason: "not-delivered" });
    expect(decideSurveyEligibility({ ...orderStatus, order: delivered })).toEqual({
      eligible: true,
      questionSet: "nps",
      questions: [
        { id: "nps", kind: "nps", optional: false },
        { id: "nps-reason", kind: "text", optional: true },
      ],
    });
    // A thank-you answer yesterday does not hold back the NPS question.
    expect(
      decideSurveyEligibility({ ...orderStatus, order: delivered, previousAnswers: [answer({ orderId: "100" })] })
        .eligible,
    ).toBe(true);
  });

  it("says so when no set matches", () => {
    expect(decideSurveyEligibility({ ...base, questionSets: [] })).toMatchObject({
      eligible: false,
      reason: "no-question-set",
    });
  });
});

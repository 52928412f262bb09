import { describe, expect, it } from "vitest";
import {
  answerDistributionsBySegment,
  monthKey,
  npsByMonth,
  npsBySegment,
  npsByStage,
  npsOverall,
  responseRateByTarget,
} from "../../../app/domain/surveys/analytics";
import type { SurveyResponseRecord } from "../../../app/domain/surveys/responses";
import { searchFreeTextAnswers } from "../../../app/domain/surveys/search";

let nextOrder = 1;
function response(overrides: Partial<SurveyResponseRecord>): SurveyResponseRecord {
  return {
    target: "order-status",
    orderId: String(nextOrder++),
    customerId: "c1",
    questionSet: "nps",
    questionId: "nps",
    answerId: null,
    score: null,
    text: null,
    answeredAt: new Date("2026-03-10T12:00:00Z"),
    segment: null,
    stage: null,
    ...overrides,
  };
}

describe("survey analytics", () => {
  it("assigns months in the store's time zone", () => {
    const lateMarch = new Date("2026-03-31T23:30:00Z");
    expect(monthKey(lateMarch, "Europe/Rome")).toBe("2026-04"); // 01:30 on 1 April, summer time
    expect(monthKey(lateMarch, "America/New_York")).toBe("2026-03");
    expect(monthKey(lateMarch, "UTC")).toBe("2026-03");
    expect(() => monthKey(lateMarch, "Mars/Olympus")).toThrow(RangeError);
  });

  it("computes NPS by month, oldest first, from NPS answers only", () => {
    const rows = [
      response({ score: 10, answeredAt: new Date("2026-03-31T23:30:00Z") }),
      response({ score: 0, answeredAt: new Date("2026-03-15T10:00:00Z") }),
      response({ score: 9, answeredAt: new Date("2026-02-01T10:00:00Z") }),
      response({ questionId: "nps-reason", text: "late", answeredAt: new Date("2026-01-01T10:00:00Z") }),
    ];
    const byMonth = npsByMonth(rows, "Europe/Rome");
    expect(byMonth.map((m) => [m.month, m.summary.responses, m.summary.nps])).toEqual([
      ["2026-02", 1, 100],
      ["2026-03", 1, -100],
      ["2026-04", 1, 100],
    ]);
    expect(npsOverall(rows).nps).toBeCloseTo(100 / 3, 10);
  });

  it("computes NPS by segment and by lifecycle stage at answer time", () => {
    const rows = [
      response({ score: 10, segment: "Champions", stage: "Hero" }),
      response({ score: 3, segment: "Champions", stage: "Hero" }),
      response({ score: 9, segment: "Champions", stage: "Repeat" }),
      response({ score: 8, segment: "New", stage: "New" }),
      response({ score: 6 }),
    ];
    expect(npsBySegment(rows).map((g) => [g.group, g.summary.responses, Math.round(g.summary.nps!)])).toEqual([
      ["Champions", 3, 33],
      ["(unknown)", 1, -100],
      ["New", 1, 0],
    ]);
    expect(npsByStage(rows).map((g) => [g.group, g.summary.promoters, g.summary.detractors])).toEqual([
      ["Hero", 1, 1],
      ["(unknown)", 0, 1],
      ["New", 0, 0],
      ["Repeat", 1, 0],
    ]);
  });

  it("splits Jobs-To-Be-Done answers by segment", () => {
    const jtbd = (answerId: string, segment: SurveyResponseRecord["segment"]) =>
      response({ target: "thank-you", questionSet: "jtbd-new", questionId: "jtbd-trigger", answerId, segment });
    const rows = [jtbd("gift", "New"), jtbd("gift", "New"), jtbd("replacement", "New"), jtbd("replacement", "Loyal")];
    expect(answerDistributionsBySegment(rows, ["jtbd-trigger"])).toEqual([
      {
        questionId: "jtbd-trigger",
        group: "New",
        total: 3,
        answers: [
          { answerId: "gift", count: 2, share: 2 / 3 },
          { answerId: "replacement", count: 1, share: 1 / 3 },
        ],
      },
      {
        questionId: "jtbd-trigger",
        group: "Loyal",
        total: 1,
        answers: [{ answerId: "replacement", count: 1, share: 1 }],
      },
    ]);
    expect(answerDistributionsBySegment(rows, ["attribution"])).toEqual([]);
  });

  it("reports response rates per target over distinct orders shown", () => {
    const shown = [
      { target: "thank-you" as const, orderId: "1" },
      { target: "thank-you" as const, orderId: "1" }, // shown twice (a reload)
      { target: "thank-you" as const, orderId: "2" },
      { target: "thank-you" as const, orderId: "3" },
      { target: "thank-you" as const, orderId: "4" },
    ];
    const responses = [
      { target: "thank-you" as const, orderId: "1" },
      { target: "thank-you" as const, orderId: "1" }, // two answers, one order
      { target: "thank-you" as const, orderId: "9" }, // never recorded as shown
    ];
    expect(responseRateByTarget(shown, responses)).toEqual([
      { target: "thank-you", shown: 4, responded: 1, rate: 0.25 },
      { target: "order-status", shown: 0, responded: 0, rate: null },
    ]);
  });

  it("finds free text ignoring case and accents, every word required, newest first", () => {
    const rows = [
      response({
        questionId: "nps-reason",
        text: "Perché la CONSEGNA è stata veloce",
        answeredAt: new Date("2026-03-01"),
      }),
      response({ questionId: "nps-reason", text: "consegna lenta", answeredAt: new Date("2026-03-05") }),
      response({ questionId: "nps-reason", text: "Tutto ok", answeredAt: new Date("2026-03-06") }),
    ];
    expect(searchFreeTextAnswers(rows, "consegna").map((r) => r.text)).toEqual([
      "consegna lenta",
      "Perché la CONSEGNA è stata veloce",
    ]);
    expect(searchFreeTextAnswers(rows, "perche  consegna").map((r) => r.text)).toEqual([
      "Perché la CONSEGNA è stata veloce",
    ]);
    expect(searchFreeTextAnswers(rows, "È STATA").length).toBe(1);
    expect(searchFreeTextAnswers(rows, "   ")).toEqual([]);
    expect(searchFreeTextAnswers(rows, "consegna", 1)).toHaveLength(1);
  });
});

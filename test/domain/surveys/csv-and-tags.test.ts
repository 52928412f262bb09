import { describe, expect, it } from "vitest";
import type { ValidatedSurveyAnswer } from "../../../app/domain/surveys/answer-validation";
import { DEFAULT_CATALOGUE } from "../../../app/domain/surveys/catalogue";
import { csvCell, responsesToCsv, toCsv } from "../../../app/domain/surveys/csv";
import { surveyTagChanges } from "../../../app/domain/surveys/tags";

describe("CSV export", () => {
  it("quotes per RFC 4180 and ends lines with CRLF", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["plain", 'say "hi"'],
          ["x,y", "line\nbreak"],
          [null, 7],
        ],
      ),
    ).toBe('a,b\r\nplain,"say ""hi"""\r\n"x,y","line\nbreak"\r\n,7\r\n');
  });

  it("neutralises spreadsheet formulas in text, not in numbers", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+39 333")).toBe("'+39 333");
    expect(csvCell("-2 stars")).toBe("'-2 stars");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell(Number.NaN)).toBe("");
  });

  it("exports responses with a header and ISO timestamps", () => {
    const csv = responsesToCsv([
      {
        target: "order-status",
        orderId: "42",
        customerId: null,
        questionSet: "nps",
        questionId: "nps-reason",
        answerId: null,
        score: null,
        text: "=cmd|' /C calc'!A0, really",
        answeredAt: new Date("2026-03-01T09:30:00Z"),
        segment: "At risk",
        stage: null,
      },
    ]);
    expect(csv.split("\r\n")).toEqual([
      "answered_at,target,order_id,customer_id,question_set,question_id,answer_id,score,text,segment,lifecycle_stage",
      `2026-03-01T09:30:00.000Z,order-status,42,,nps,nps-reason,,,"'=cmd|' /C calc'!A0, really",At risk,`,
      "",
    ]);
  });
});

describe("tags from answers", () => {
  const base = { target: "order-status" as const, orderId: "1" };
  const npsAnswer = (score: number): ValidatedSurveyAnswer => ({ ...base, kind: "nps", questionId: "nps", score });
  const choice = (questionId: string, answerId: string): ValidatedSurveyAnswer => ({
    ...base,
    target: "thank-you",
    kind: "choice",
    questionId,
    answerId,
  });

  it("moves the customer into one NPS category", () => {
    expect(surveyTagChanges(npsAnswer(9), DEFAULT_CATALOGUE)).toEqual({
      add: ["nps-promoter"],
      remove: ["nps-passive", "nps-detractor"],
    });
    expect(surveyTagChanges(npsAnswer(7), DEFAULT_CATALOGUE).add).toEqual(["nps-passive"]);
    expect(surveyTagChanges(npsAnswer(6), DEFAULT_CATALOGUE).add).toEqual(["nps-detractor"]);
  });

  it("tags Jobs-To-Be-Done answers, not catch-alls, attribution or text", () => {
    expect(surveyTagChanges(choice("jtbd-trigger", "gift"), DEFAULT_CATALOGUE)).toEqual({
      add: ["jtbd-gift"],
      remove: [],
    });
    expect(surveyTagChanges(choice("jtbd-job", "for-someone-else"), DEFAULT_CATALOGUE).add).toEqual([
      "jtbd-for-someone-else",
    ]);
    expect(surveyTagChanges(choice("jtbd-trigger", "other"), DEFAULT_CATALOGUE).add).toEqual([]);
    expect(surveyTagChanges(choice("attribution", "instagram"), DEFAULT_CATALOGUE).add).toEqual([]);
    expect(
      surveyTagChanges({ ...base, kind: "text", questionId: "nps-reason", text: "x" }, DEFAULT_CATALOGUE).add,
    ).toEqual([]);
  });

  it("tagged answers are unique across questions, so a tag means one thing", () => {
    const tagged = [...DEFAULT_CATALOGUE.values()].filter((q) => q.tagsAnswers).flatMap((q) => q.answers);
    const meaningful = tagged.filter((answer) => answer !== "other");
    expect(new Set(meaningful).size).toBe(meaningful.length);
  });
});

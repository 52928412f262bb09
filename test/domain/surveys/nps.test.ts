import { describe, expect, it } from "vitest";
import { npsCategory, summarizeNps } from "../../../app/domain/surveys/nps";

describe("NPS", () => {
  it("puts 9-10 in promoters, 7-8 in passives, 0-6 in detractors", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      "detractor",
      "detractor",
      "passive",
      "passive",
      "promoter",
      "promoter",
    ]);
  });

  it("balanced sample of 10: NPS 0, SE = 100·√(0.8/10) = 28.284, CI ±55.44", () => {
    const summary = summarizeNps([10, 10, 9, 8, 7, 6, 3, 0, 10, 5]);
    expect(summary).toMatchObject({ responses: 10, promoters: 4, passives: 2, detractors: 4, smallSample: true });
    expect(summary.nps).toBeCloseTo(0, 10);
    expect(summary.standardError).toBeCloseTo(28.2843, 3);
    expect(summary.ci95!.low).toBeCloseTo(-55.4362, 3);
    expect(summary.ci95!.high).toBeCloseTo(55.4362, 3);
  });

  it("50/30/20 of 100: NPS 30, Var = 0.7 − 0.09 = 0.61, SE 7.810, CI [14.69, 45.31]", () => {
    const scores = [...Array(50).fill(10), ...Array(30).fill(8), ...Array(20).fill(2)] as number[];
    const summary = summarizeNps(scores);
    expect(summary.nps).toBeCloseTo(30, 10);
    expect(summary.standardError).toBeCloseTo(7.81025, 4);
    expect(summary.ci95!.low).toBeCloseTo(14.6922, 3);
    expect(summary.ci95!.high).toBeCloseTo(45.3078, 3);
    expect(summary.smallSample).toBe(false);
  });

  it("clips the interval to [-100, 100]", () => {
    // p = d = 0.5, n = 2: SE = 100·√(1/2) = 70.7, the raw interval is ±138.6.
    const summary = summarizeNps([9, 0]);
    expect(summary.standardError).toBeCloseTo(70.7107, 3);
    expect(summary.ci95).toEqual({ low: -100, high: 100 });
  });

  it("a single category collapses the interval to a point and is flagged as a small sample", () => {
    const summary = summarizeNps([10, 9, 10, 9, 10]);
    expect(summary.nps).toBe(100);
    expect(summary.standardError).toBe(0);
    expect(summary.ci95).toEqual({ low: 100, high: 100 });
    expect(summary.smallSample).toBe(true);
    expect(summarizeNps([0, 1, 2]).nps).toBe(-100);
  });

  it("has no score without responses", () => {
    expect(summarizeNps([])).toMatchObject({ responses: 0, nps: null, standardError: null, ci95: null });
  });
});

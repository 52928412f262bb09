/**
 * Net Promoter Score with a 95% confidence interval.
 *
 * Scores 9-10 are promoters, 7-8 passives, 0-6 detractors; NPS = 100 × (share of promoters − share of
 * detractors), from -100 to 100.
 *
 * Interval: each response is a value x = +1 (promoter), 0 (passive) or -1 (detractor) and NPS = 100 × mean(x).
 * With p and d the promoter and detractor shares, Var(x) = p + d − (p − d)² (the variance of a difference of
 * two proportions from the same multinomial sample, covariance included), so
 *   SE(NPS) = 100 × √((p + d − (p − d)²) / n)     and     95% CI = NPS ± 1.96 × SE,
 * the normal (Wald) approximation, clipped to [-100, 100].
 * Small samples: below 30 responses the normal approximation is poor, and when every answer falls in one
 * category the interval collapses to a point; `smallSample` says so, and the admin should show "few answers"
 * rather than a precise-looking range.
 */

export const PROMOTER_MIN_SCORE = 9;
export const PASSIVE_MIN_SCORE = 7;
export const SMALL_SAMPLE_RESPONSES = 30;
const Z_95 = 1.959963984540054;

export type NpsCategory = "promoter" | "passive" | "detractor";

export function npsCategory(score: number): NpsCategory {
  if (score >= PROMOTER_MIN_SCORE) return "promoter";
  return score >= PASSIVE_MIN_SCORE ? "passive" : "detractor";
}

export interface NpsSummary {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** null without responses. */
  nps: number | null;
  standardError: number | null;
  ci95: { low: number; high: number } | null;
  smallSample: boolean;
}

const clip = (value: number) => Math.min(100, Math.max(-100, value));

export function summarizeNps(scores: Iterable<number>): NpsSummary {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const score of scores) {
    const category = npsCategory(score);
    if (category === "promoter") promoters++;
    else if (category === "passive") passives++;
    else detractors++;
  }
  const responses = promoters + passives + detractors;
  if (responses === 0) {
    return {
      responses,
      promoters,
      passives,
      detractors,
      nps: null,
      standardError: null,
      ci95: null,
      smallSample: true,
    };
  }
  const p = promoters / responses;
  const d = detractors / responses;
  const nps = 100 * (p - d);
  // max(0, …) guards rounding just below zero when all answers share a category.
  const standardError = 100 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / responses);
  return {
    responses,
    promoters,
    passives,
    detractors,
    nps,
    standardError,
    ci95: { low: clip(nps - Z_95 * standardError), high: clip(nps + Z_95 * standardError) },
    smallSample: responses < SMALL_SAMPLE_RESPONSES,
  };
}

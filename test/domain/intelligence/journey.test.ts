import { describe, expect, it } from "vitest";
import { classifyLifecycle, LIFECYCLE_STAGES } from "../../../app/domain/lifecycle";
import { purchaseHistory } from "../../../app/domain/intelligence/purchase-history";
import {
  classifyJourney,
  ghostGroups,
  journeyCounts,
  journeyStageHelp,
  JOURNEY_STAGES,
  JOURNEY_TAGGABLE,
  JOURNEY_TO_LIFECYCLE,
  NO_JOURNEY_STAGE,
} from "../../../app/domain/intelligence/journey";

/** Customers as purchase-day lists with a net spend each → history and lifecycle input. */
function store(customers: { days: number[]; spend: number }[]) {
  const who: number[] = [];
  const when: number[] = [];
  customers.forEach((c, i) => c.days.forEach((d) => (who.push(i), when.push(d))));
  const history = purchaseHistory(who, when, customers.length);
  const lifecycleInput = {
    orders: customers.map((c) => c.days.length),
    firstOrderDay: customers.map((c) => c.days[0] ?? 0),
    lastOrderDay: customers.map((c) => c.days.at(-1) ?? 0),
    netSpend: customers.map((c) => c.spend),
  };
  return { history, lifecycleInput };
}

const names = (stage: Uint8Array) => Array.from(stage, (s) => (s === NO_JOURNEY_STAGE ? null : JOURNEY_STAGES[s]));

describe("classifyJourney", () => {
  /**
   * Reference day 1000. Four repeat buyers (< 5), so the lifecycle's typical gap is the 60-day fallback; a long
   * gap is then 1.5 × 60 = 90 days. Four customers with two or more gaps (< 20): irregular means CV > 0.75.
   *   c0 −300, −200, −100, 900 (spend 1): gaps 100, 100, 1000 → median 100 ≥ 90; mean 400, sd √180000 = 424.3,
   *      CV 1.061 > 0.75; lifecycle gap (1200 + 60) / 4 = 315 > 100 elapsed → Repeat → Occasional.
   *   c1 710..950 every 60 days (spend 2): CV 0, elapsed 50 < 60 → Repeat stays Repeat.
   *   c2 990 → New.  c3 920 → 80 days > 60 but not 2 × 60 → One-time.
   *   c4 no order, account, consent → Lead.  c5 consent unknown, c6 no account → no stage.
   *   c7 0, 10, 400: gaps 10, 390 → median 200, CV 190 / 200 = 0.95, irregular and long, but 600 days since
   *      the last order > 2 × (400 + 60) / 3 → At risk keeps precedence.
   *   c8 800, 850, 900, 950, 980, spend 1000: 5 orders ≥ the 80th percentile of repeat orders (5) and spend
   *      ≥ the 80th percentile (5), 20 days < its gap 48 → Hero. Gaps 50, 50, 50, 30: median 50, CV 8.66 / 45.
   */
  const { history, lifecycleInput } = store([
    { days: [-300, -200, -100, 900], spend: 1 },
    { days: [710, 770, 830, 890, 950], spend: 2 },
    { days: [990], spend: 3 },
    { days: [920], spend: 4 },
    { days: [], spend: 0 },
    { days: [], spend: 0 },
    { days: [], spend: 0 },
    { days: [0, 10, 400], spend: 5 },
    { days: [800, 850, 900, 950, 980], spend: 1000 },
  ]);
  const lifecycle = classifyLifecycle(lifecycleInput, 1000);
  const hasAccount = [1, 1, 1, 1, 1, 1, 0, 1, 1];
  const marketingConsent = [0, 0, 0, 0, 1, -1, 1, 0, 1];

  it("matches the hand-computed stages and thresholds", () => {
    expect(lifecycle.typicalGapDays).toBe(60);
    expect(Array.from(lifecycle.stage, (s) => LIFECYCLE_STAGES[s] ?? null)).toEqual([
      "Repeat",
      "Repeat",
      "New",
      "One-time",
      null,
      null,
      null,
      "At risk",
      "Hero",
    ]);
    const journey = classifyJourney({ lifecycle, history, hasAccount, marketingConsent }, 1000);
    expect(names(journey.stage)).toEqual([
      "Occasional",
      "Repeat",
      "New",
      "One-time",
      "Lead",
      null,
      null,
      "At risk",
      "Hero",
    ]);
    expect(journey.thresholds).toEqual({
      typicalGapDays: 60,
      longGapDays: 90,
      longGapFactor: 1.5,
      irregularCv: 0.75,
      cvSource: "fallback",
    });
    expect(Array.from(journey.medianGapDays)).toEqual([100, 60, 0, 0, 0, 0, 0, 200, 50]);
    expect(journey.gapCv[0]).toBeCloseTo(Math.sqrt(180_000) / 400, 12);
    expect(journey.gapCv[1]).toBe(0);
    expect(journey.gapCv[7]).toBeCloseTo(0.95, 12);
    expect(journey.gapCv[8]).toBeCloseTo(Math.sqrt(75) / 45, 12);
    expect(Number.isNaN(journey.gapCv[2]!)).toBe(true);
  });

  it("has no Leads without consent data, and ignores purchases after the reference day", () => {
    const journey = classifyJourney({ lifecycle, history }, 1000);
    expect(names(journey.stage)[4]).toBeNull();
    // As of day 899, c0's 900 purchase does not exist: two gaps of 100 → CV 0, not Occasional.
    const early = store([{ days: [-300, -200, -100, 900], spend: 1 }]);
    const asOf = classifyJourney(
      {
        lifecycle: classifyLifecycle({ ...early.lifecycleInput, orders: [3], lastOrderDay: [-100] }, 899),
        history: early.history,
      },
      899,
    );
    expect(asOf.gapCv[0]).toBe(0);
    expect(asOf.medianGapDays[0]).toBe(100);
  });

  it("uses the store's median irregularity once enough customers have two gaps", () => {
    // 11 steady buyers (CV 0) and 10 with gaps 100, 100, 1000 (CV 1.06): the median CV of 21 is 0, so any
    // spread counts as irregular; the steady ones stay Repeat.
    const customers = [
      ...Array.from({ length: 11 }, () => ({ days: [700, 760, 820, 880, 940], spend: 1 })),
      ...Array.from({ length: 10 }, () => ({ days: [-300, -200, -100, 900], spend: 1 })),
    ];
    const s = store(customers);
    const journey = classifyJourney({ lifecycle: classifyLifecycle(s.lifecycleInput, 1000), history: s.history }, 1000);
    expect(journey.thresholds.cvSource).toBe("store");
    expect(journey.thresholds.irregularCv).toBe(0);
    const stages = names(journey.stage);
    expect(stages.slice(11).every((x) => x === "Occasional")).toBe(true);
    expect(stages.slice(0, 11).every((x) => x !== "Occasional")).toBe(true);
  });
});

describe("journey counts, mapping and help", () => {
  it("counts customers and guest groups with their value; ghosts are never taggable", () => {
    const { history, lifecycleInput } = store([
      { days: [990], spend: 30 },
      { days: [995], spend: 12 },
      { days: [], spend: 0 },
    ]);
    const journey = classifyJourney(
      {
        lifecycle: classifyLifecycle(lifecycleInput, 1000),
        history,
        hasAccount: [1, 1, 1],
        marketingConsent: [0, 0, 1],
      },
      1000,
    );
    const rows = journeyCounts(journey, lifecycleInput.netSpend, { orders: [2, 0, 1], netSpend: [50, 0, 20] });
    expect(rows.map((r) => r.stage)).toEqual([...JOURNEY_STAGES]);
    expect(rows.find((r) => r.stage === "New")).toEqual({ stage: "New", count: 2, value: 42, taggable: true });
    expect(rows.find((r) => r.stage === "Lead")).toEqual({ stage: "Lead", count: 1, value: 0, taggable: true });
    expect(rows.find((r) => r.stage === "Ghost")).toEqual({ stage: "Ghost", count: 2, value: 70, taggable: false });
    expect(journeyCounts(journey, null, null).find((r) => r.stage === "Ghost")!.count).toBe(0);
  });

  it("groups guest orders by the caller's key, leaving keyless orders out", () => {
    const groups = ghostGroups(["k1", "k2", null, "k1", "", "k3"], [10, 5, 99, 2.5, 99, NaN]);
    expect(groups).toEqual({ keys: ["k1", "k2", "k3"], orders: [2, 1, 1], netSpend: [12.5, 5, 0], ungroupedOrders: 2 });
    const journey = classifyJourney(
      {
        lifecycle: classifyLifecycle({ orders: [], firstOrderDay: [], lastOrderDay: [], netSpend: [] }, 0),
        history: store([]).history,
      },
      0,
    );
    expect(journeyCounts(journey, null, groups).find((r) => r.stage === "Ghost")).toMatchObject({
      count: 3,
      value: 17.5,
    });
  });

  it("maps every journey stage to the seven, and covers all seven", () => {
    expect(Object.keys(JOURNEY_TO_LIFECYCLE).sort()).toEqual([...JOURNEY_STAGES].sort());
    const covered = new Set(Object.values(JOURNEY_TO_LIFECYCLE).filter((s) => s !== null));
    expect([...covered].sort()).toEqual([...LIFECYCLE_STAGES].sort());
    expect(
      Object.entries(JOURNEY_TAGGABLE)
        .filter(([, t]) => !t)
        .map(([s]) => s),
    ).toEqual(["Ghost"]);
  });

  it("explains each stage with the store's numbers", () => {
    const { history, lifecycleInput } = store([{ days: [990], spend: 1 }]);
    const help = journeyStageHelp(
      classifyJourney({ lifecycle: classifyLifecycle(lifecycleInput, 1000), history }, 1000),
    );
    expect(Object.keys(help)).toEqual([...JOURNEY_STAGES]);
    expect(help.Occasional).toContain("at least 90 days (1.5 × your store's 60 days)");
    expect(help.Occasional).toContain("75 %");
    expect(help.New).toContain("60 days");
    expect(help.Ghost).toContain("never tagged");
  });
});

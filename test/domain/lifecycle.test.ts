import { describe, expect, it } from "vitest";
import { classifyLifecycle, LIFECYCLE_STAGES, NO_STAGE, type LifecycleStage } from "../../app/domain/lifecycle";

const REF = 20_000;

/** A store whose repeat customers order every ~30 days, plus the customers under test. */
function storeWith(extra: [orders: number, firstAgo: number, lastAgo: number, spend: number][]) {
  const rows: [number, number, number, number][] = [];
  for (let i = 0; i < 40; i++) rows.push([3, 60 + i, i, 90]); // gap (60)/2 = 30 days
  for (let i = 0; i < 40; i++) rows.push([1, 200 + i, 200 + i, 40]);
  rows.push(...extra);
  return {
    orders: rows.map((r) => r[0]),
    firstOrderDay: rows.map((r) => REF - r[1]),
    lastOrderDay: rows.map((r) => REF - r[2]),
    netSpend: rows.map((r) => r[3]),
  };
}

function stageOf(result: ReturnType<typeof classifyLifecycle>, index: number): LifecycleStage | null {
  const code = result.stage[index]!;
  return code === NO_STAGE ? null : LIFECYCLE_STAGES[code]!;
}

describe("classifyLifecycle", () => {
  it("derives the typical gap from the store's own repeat customers", () => {
    const result = classifyLifecycle(storeWith([]), REF);
    expect(result.gapSource).toBe("store");
    expect(result.typicalGapDays).toBeGreaterThanOrEqual(30);
    expect(result.typicalGapDays).toBeLessThanOrEqual(50);
  });

  it("places customers in the stage their rhythm implies", () => {
    const input = storeWith([
      [1, 5, 5, 30], // New: first order 5 days ago
      [1, 60, 60, 30], // One-time: older than the typical gap, not yet late
      [4, 95, 5, 80], // Repeat: every ~30 days, last 5 days ago, spend below the Hero cut-off
      [12, 330, 3, 2000], // Hero: many orders, top spend, recent
      [4, 120, 35, 100], // Waiting: due (gap ~35) but not late
      [4, 190, 100, 100], // At risk: ~3 gaps since the last order
      [4, 500, 400, 100], // Lost: far beyond 4 gaps
      [0, 0, 0, 0], // Prospect: no stage
    ]);
    const result = classifyLifecycle(input, REF);
    const base = 80;
    expect(stageOf(result, base)).toBe("New");
    expect(stageOf(result, base + 1)).toBe("One-time");
    expect(stageOf(result, base + 2)).toBe("Repeat");
    expect(stageOf(result, base + 3)).toBe("Hero");
    expect(stageOf(result, base + 4)).toBe("Waiting");
    expect(stageOf(result, base + 5)).toBe("At risk");
    expect(stageOf(result, base + 6)).toBe("Lost");
    expect(stageOf(result, base + 7)).toBeNull();
    expect(Array.from(result.expectedGapDays).every(Number.isFinite)).toBe(true);
  });

  it("scales with the store: the same dates mean different stages in a fast and a slow store", () => {
    const fast = classifyLifecycle(storeWith([[4, 190, 100, 100]]), REF);
    const slowInput = storeWith([[4, 190, 100, 100]]);
    for (let i = 0; i < 40; i++) slowInput.firstOrderDay[i] = REF - 600 - i; // repeat customers every ~300 days
    const slow = classifyLifecycle(slowInput, REF);
    expect(stageOf(fast, 80)).toBe("At risk");
    expect(stageOf(slow, 80)).not.toBe("At risk");
    expect(slow.typicalGapDays).toBeGreaterThan(fast.typicalGapDays * 5);
  });

  it("uses P(alive) for repeat customers when a model is available, not for one-time buyers", () => {
    const input = {
      ...storeWith([
        [4, 95, 5, 120],
        [1, 60, 60, 30],
      ]),
      pAlive: [] as number[],
    };
    input.pAlive = input.orders.map(() => 1);
    input.pAlive[80] = 0.1;
    input.pAlive[81] = 0.1;
    const result = classifyLifecycle(input, REF);
    expect(stageOf(result, 80)).toBe("Lost");
    expect(stageOf(result, 81)).toBe("One-time");
    input.pAlive[80] = 0.4;
    expect(stageOf(classifyLifecycle(input, REF), 80)).toBe("At risk");
  });

  it("falls back to a stated default gap in stores without repeat customers", () => {
    const result = classifyLifecycle(
      { orders: [1, 1], firstOrderDay: [REF - 3, REF - 100], lastOrderDay: [REF - 3, REF - 100], netSpend: [5, 5] },
      REF,
    );
    expect(result.gapSource).toBe("fallback");
    expect(result.typicalGapDays).toBe(60);
    expect(stageOf(result, 0)).toBe("New");
    expect(stageOf(result, 1)).toBe("One-time");
    expect(classifyLifecycle({ orders: [], firstOrderDay: [], lastOrderDay: [], netSpend: [] }, REF).stage.length).toBe(
      0,
    );
  });
});

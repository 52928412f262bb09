import { describe, expect, it } from "vitest";
import { scoreRfm } from "../../app/domain/rfm";
import { assignSegments, RFM_SEGMENTS, SEGMENT_GRID, segmentFor } from "../../app/domain/segments";
import { SeededRandom } from "../../app/domain/math/random";

const REF = 20_000;

function store(rows: [orders: number, daysAgo: number, spend: number][]) {
  return {
    orders: rows.map((r) => r[0]),
    lastOrderDay: rows.map((r) => REF - r[1]),
    netSpend: rows.map((r) => r[2]),
  };
}

function randomStore(n: number, seed: number) {
  const random = new SeededRandom(seed);
  const rows: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    // Most customers buy once; a long tail buys more.
    const orders = random.uniform() < 0.7 ? 1 : 2 + Math.floor(random.exponential(0.4));
    rows.push([orders, Math.floor(random.uniform() * 700), Math.round(orders * random.gamma(2, 0.04) * 100) / 100]);
  }
  return store(rows);
}

describe("scoreRfm", () => {
  it("scores 1..5 with ties always sharing a score", () => {
    const input = randomStore(5000, 1);
    const scores = scoreRfm(input, REF);
    for (const [column, values] of [
      [scores.recency, scores.recencyDays],
      [scores.frequency, input.orders],
      [scores.monetary, input.netSpend],
    ] as const) {
      const scoreOf = new Map<number, number>();
      for (let i = 0; i < values.length; i++) {
        expect(column[i]).toBeGreaterThanOrEqual(1);
        expect(column[i]).toBeLessThanOrEqual(5);
        const seen = scoreOf.get(values[i]!);
        if (seen !== undefined) expect(column[i]).toBe(seen);
        scoreOf.set(values[i]!, column[i]!);
      }
    }
  });

  it("is monotone: more recent, more orders, more spend never score lower", () => {
    const input = randomStore(2000, 2);
    const s = scoreRfm(input, REF);
    const idx = [...Array(2000).keys()];
    const check = (values: ArrayLike<number>, scores: Uint8Array, higherIsBetter: boolean) => {
      const sorted = [...idx].sort((p, q) => values[p]! - values[q]!);
      for (let k = 1; k < sorted.length; k++) {
        const prev = scores[sorted[k - 1]!]!;
        const cur = scores[sorted[k]!]!;
        if (higherIsBetter) expect(cur).toBeGreaterThanOrEqual(prev);
        else expect(cur).toBeLessThanOrEqual(prev);
      }
    };
    check(s.recencyDays, s.recency, false);
    check(input.orders, s.frequency, true);
    check(input.netSpend, s.monetary, true);
  });

  it("spreads frequency sensibly when most customers buy once", () => {
    const input = randomStore(5000, 3);
    const s = scoreRfm(input, REF);
    const used = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      if (input.orders[i] === 1) expect(s.frequency[i]).toBe(1);
      else expect(s.frequency[i]).toBeGreaterThanOrEqual(2);
      used.add(s.frequency[i]!);
    }
    expect([...used].sort()).toEqual([1, 2, 3, 4, 5]);
    // Roughly even spread across quintiles for recency and spend.
    for (const column of [s.recency, s.monetary]) {
      const counts = [0, 0, 0, 0, 0];
      for (const v of column) counts[v - 1]!++;
      for (const c of counts) expect(c).toBeGreaterThan(700);
    }
  });

  it("handles small stores, a single customer, single-valued columns and prospects without NaN or empty-bin bugs", () => {
    const one = scoreRfm(store([[1, 10, 50]]), REF);
    expect([one.recency[0], one.frequency[0], one.monetary[0]]).toEqual([3, 1, 3]);

    const same = scoreRfm(store(Array.from({ length: 30 }, () => [2, 7, 20] as [number, number, number])), REF);
    expect(new Set(same.recency)).toEqual(new Set([3]));
    expect(new Set(same.monetary)).toEqual(new Set([3]));
    expect(new Set(same.frequency)).toEqual(new Set([4]));
    expect(same.ranges.monetary).toEqual([{ score: 3, customers: 30, min: 20, max: 20 }]);

    const withProspects = scoreRfm(
      store([
        [0, 0, 0],
        [1, 5, 10],
        [3, 50, 100],
        [0, 0, 0],
      ]),
      REF,
    );
    expect(Array.from(withProspects.recency)).toEqual([0, 4, 2, 0]);
    expect(Array.from(withProspects.frequencyMonetary)[0]).toBe(0);

    const tiny = scoreRfm(
      store([
        [1, 1, 10],
        [2, 2, 20],
        [3, 3, 30],
      ]),
      REF,
    );
    expect(Array.from(tiny.recency)).toEqual([5, 3, 1]);
    expect(Array.from(tiny.monetary)).toEqual([1, 3, 5]);
    for (const r of [...tiny.ranges.recencyDays, ...tiny.ranges.monetary]) {
      expect(Number.isFinite(r.min) && Number.isFinite(r.max)).toBe(true);
    }
    const empty = scoreRfm(store([]), REF);
    expect(empty.recency.length).toBe(0);
  });

  it("supports other bin counts and explicit edges", () => {
    const input = randomStore(1000, 4);
    const three = scoreRfm(input, REF, { bins: 3 });
    expect(Math.max(...three.recency)).toBe(3);
    expect(Math.max(...three.frequency)).toBe(3);
    const fixed = scoreRfm(
      store([
        [1, 5, 10],
        [4, 40, 250],
        [9, 400, 1000],
      ]),
      REF,
      {
        edges: { recencyDays: [30, 90, 180, 365], frequency: [2, 3, 5, 8], monetary: [50, 100, 200, 500] },
      },
    );
    expect(Array.from(fixed.recency)).toEqual([5, 4, 1]);
    expect(Array.from(fixed.frequency)).toEqual([1, 3, 5]);
    expect(Array.from(fixed.monetary)).toEqual([1, 4, 5]);
    expect(() => scoreRfm(input, REF, { bins: 1 })).toThrow(RangeError);
    expect(() => scoreRfm(input, REF, { edges: { monetary: [3, 2, 1, 0] } })).toThrow(RangeError);
  });
});

describe("segments", () => {
  it("the grid is a complete 5 x 5 table using the Shopify names", () => {
    expect(SEGMENT_GRID).toHaveLength(5);
    const used = new Set<string>();
    for (const row of SEGMENT_GRID) {
      expect(row).toHaveLength(5);
      for (const name of row) used.add(name);
    }
    expect([...used, "Prospects"].sort()).toEqual([...RFM_SEGMENTS].sort());
  });

  it("maps the corners and the plain-words descriptions", () => {
    expect(segmentFor(5, 5)).toBe("Champions");
    expect(segmentFor(5, 1)).toBe("New");
    expect(segmentFor(4, 5)).toBe("Loyal");
    expect(segmentFor(5, 3)).toBe("Active");
    expect(segmentFor(3, 3)).toBe("Needs attention");
    expect(segmentFor(4, 1)).toBe("Promising");
    expect(segmentFor(1, 5)).toBe("Previously loyal");
    expect(segmentFor(2, 4)).toBe("At risk");
    expect(segmentFor(2, 1)).toBe("Almost lost");
    expect(segmentFor(1, 1)).toBe("Dormant");
    expect(segmentFor(0, 0)).toBe("Prospects");
    expect(segmentFor(3, 3, 3)).toBe("Champions");
  });

  it("assigns every customer of a store", () => {
    const input = randomStore(3000, 5);
    input.orders[0] = 0;
    const segments = assignSegments(scoreRfm(input, REF));
    expect(RFM_SEGMENTS[segments[0]!]).toBe("Prospects");
    const names = new Set(Array.from(segments, (k) => RFM_SEGMENTS[k]));
    expect(names.size).toBeGreaterThanOrEqual(9);
  });
});

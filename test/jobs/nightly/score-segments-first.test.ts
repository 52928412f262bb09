/**
 * The scoring hands the products phase the segments before it fits the CLV model (most of its time), so the phase's
 * second part runs beside the rest of the scoring (decision 160).
 */
import { describe, expect, it, vi } from "vitest";
import type { CustomerTable } from "../../../app/jobs/nightly/aggregate.server";

const order: string[] = [];
vi.mock("../../../app/domain/clv/analyze", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../../app/domain/clv/analyze")>();
  return {
    ...actual,
    analyzeCustomerValue: (...args: Parameters<typeof actual.analyzeCustomerValue>) => {
      order.push("clv model");
      return actual.analyzeCustomerValue(...args);
    },
  };
});
const { scoreCustomerTable } = await import("../../../app/jobs/nightly/score-customers");

/** `n` customers with 0–4 purchase days over two years before day 1,000. */
function customers(n: number): CustomerTable {
  const column = (value: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => value(i));
  const days = (i: number) => i % 5;
  return {
    size: n,
    ids: Array.from({ length: n }, (_, i) => `c${i}`),
    orders: column(days),
    purchaseDays: column(days),
    firstDay: column((i) => (days(i) ? 270 + (i % 300) : 0)),
    lastDay: column((i) => (days(i) ? 600 + (i % 390) : 0)),
    totalSpend: column((i) => days(i) * (2_000 + (i % 7) * 500)),
    repeatSpendMean: column((i) => (days(i) > 1 ? 2_000 + (i % 7) * 500 : 0)),
    repeatSpendDays: column((i) => Math.max(0, days(i) - 1)),
  } as unknown as CustomerTable;
}

describe("the scoring's segments", () => {
  it("are handed over before the CLV model is fitted, as final as the table returned holds them", () => {
    let given: Uint8Array | null = null;
    const scores = scoreCustomerTable(customers(2_000), 1_000, {
      onSegments: (index) => {
        order.push("segments");
        given = Uint8Array.from(index);
      },
    });
    expect(order).toEqual(["segments", "clv model"]);
    expect(Array.from(given!)).toEqual(Array.from(scores.segmentIndex));
  });
});

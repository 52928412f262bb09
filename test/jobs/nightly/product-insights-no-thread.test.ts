/**
 * A build without the products worker's bundle (or a thread that cannot start) must not fail the nightly: the
 * phase computes in place, with the same results, and says so in the log.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("../../../app/worker-entry.server", () => ({
  workerEntry: (name: string) => {
    throw new Error(`worker bundle missing: ${name}.js (run npm run build)`);
  },
}));

const { startProductInsights } = await import("../../../app/jobs/nightly/product-insights-in-worker.server");

describe("products phase without a thread", () => {
  it("computes in place when the thread cannot start", async () => {
    const input = {
      customers: 3,
      segmentIndex: Uint8Array.from([0, 0, 1]),
      basketCustomer: Int32Array.from([0, 1, 2, 2]),
      // Customers 0 and 1 bought products 0 and 1 together; customer 2 bought product 0, then 2.
      lineBasket: Int32Array.from([0, 0, 1, 1, 2, 3]),
      lineProduct: Int32Array.from([0, 1, 0, 1, 0, 2]),
      productIds: ["a", "b", "c"],
      titles: ["A", "B", "C"],
    };
    const threaded = await startProductInsights(input, true).result();
    const inPlace = await startProductInsights({ ...input }, false).result();
    expect(input.lineBasket.length).toBe(6); // not handed over: no thread took it
    expect(threaded.products.baskets).toBe(4);
    expect(Array.from(threaded.products.suggestion)).toEqual(Array.from(inPlace.products.suggestion));
    expect(threaded.products.summary).toEqual(inPlace.products.summary);
  });
});

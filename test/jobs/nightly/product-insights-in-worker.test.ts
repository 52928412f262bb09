/**
 * The products phase on a thread of its own gives exactly what it gives in place, hands its line arrays over
 * instead of copying them, reports a failure on the thread as a rejection, and can be stopped.
 */
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../../app/domain/math/random";
import type { ProductInput } from "../../../app/jobs/nightly/product-insights";
import { startProductInsights } from "../../../app/jobs/nightly/product-insights-in-worker.server";
import { computeFor } from "../../support/busy-thread";

/** A store of `customers` customers, each with a few orders of a few of 40 products, and segments 0..9. */
function syntheticStore(customers: number, seed: number): ProductInput {
  const random = new SeededRandom(seed);
  const basketCustomer: number[] = [];
  const lineBasket: number[] = [];
  const lineProduct: number[] = [];
  for (let c = 0; c < customers; c++) {
    const taste = Math.floor(random.uniform() * 8) * 5; // customers like them buy from the same few products
    for (let o = 0; o < 1 + Math.floor(random.uniform() * 4); o++) {
      const basket = basketCustomer.push(c) - 1;
      for (let l = 0; l < 1 + Math.floor(random.uniform() * 3); l++) {
        lineBasket.push(basket);
        lineProduct.push((taste + Math.floor(random.uniform() * 7)) % 40);
      }
    }
  }
  return {
    customers,
    segmentIndex: Uint8Array.from({ length: customers }, (_, c) => c % 10),
    basketCustomer: Int32Array.from(basketCustomer),
    lineBasket: Int32Array.from(lineBasket),
    lineProduct: Int32Array.from(lineProduct),
    productIds: Array.from({ length: 40 }, (_, k) => `p${String(k).padStart(2, "0")}`),
    titles: Array.from({ length: 40 }, (_, k) => `Product ${k}`),
  };
}

describe("products phase on a thread of its own", () => {
  it("gives the same suggestions and summary as in place, and takes the line arrays instead of copying them", async () => {
    const inPlace = await startProductInsights(syntheticStore(3_000, 7), false).result();
    const input = syntheticStore(3_000, 7);
    const threaded = await startProductInsights(input, true).result();
    expect(inPlace.products.suggestion.filter((k) => k >= 0).length).toBeGreaterThan(1_000);
    expect(Array.from(threaded.products.suggestion)).toEqual(Array.from(inPlace.products.suggestion));
    expect(Array.from(threaded.products.because)).toEqual(Array.from(inPlace.products.because));
    expect(threaded.products.summary).toEqual(inPlace.products.summary);
    expect(threaded.products.baskets).toBe(inPlace.products.baskets);
    expect(Object.keys(threaded.steps)).toEqual(expect.arrayContaining(["baskets", "pairs", "next_product"]));
    // Transferred: the caller's arrays are now empty (detached), nothing was copied.
    expect(input.lineBasket.length).toBe(0);
    expect(input.lineProduct.length).toBe(0);
  });

  it("computes the pairs before the segments come, and finishes with them when they do", async () => {
    const inPlace = await startProductInsights(syntheticStore(3_000, 11), false).result();
    const { segmentIndex, ...baskets } = syntheticStore(3_000, 11);
    const pending = startProductInsights(baskets, true);
    const early = await Promise.race([pending.result(), new Promise((resolve) => setTimeout(resolve, 300, "waiting"))]);
    expect(early).toBe("waiting"); // no result without the segments
    pending.segments(segmentIndex);
    const threaded = await pending.result();
    expect(Array.from(threaded.products.suggestion)).toEqual(Array.from(inPlace.products.suggestion));
    expect(threaded.products.summary).toEqual(inPlace.products.summary);
  });

  it("takes the segments at once from a caller that goes on computing without a turn of its event loop", async () => {
    // As the scoring does: it hands the segments over midway and computes for seconds more.
    const { segmentIndex, ...baskets } = syntheticStore(100_000, 17);
    const pending = startProductInsights(baskets, true);
    pending.segments(segmentIndex);
    // The rest of the scoring: meanwhile the thread starts and computes its pairs.
    computeFor(4_000);
    const { steps } = await pending.result();
    // The segments were waiting for the thread when it asked for them. Posted only when this thread got back to its
    // event loop, the thread would have sat idle until then: seconds, unless its pairs took it the whole busy time.
    expect(steps.segments_wait).toBeLessThan(250);
    expect(Object.keys(steps)).toEqual(expect.arrayContaining(["pairs", "segments_wait", "next_product"]));
  }, 30_000);

  it("in place, the result waits for the segments too", async () => {
    const expected = await startProductInsights(syntheticStore(2_000, 19), false).result();
    const { segmentIndex, ...baskets } = syntheticStore(2_000, 19);
    const pending = startProductInsights(baskets, false);
    const early = await Promise.race([pending.result(), new Promise((resolve) => setTimeout(resolve, 100, "waiting"))]);
    expect(early).toBe("waiting");
    pending.segments(segmentIndex);
    expect((await pending.result()).products.summary).toEqual(expected.products.summary);
  });

  it("a failure on the thread rejects the result with its message", async () => {
    const { segmentIndex: _unused, ...baskets } = syntheticStore(50, 3);
    const pending = startProductInsights(baskets, true);
    pending.segments(null as unknown as Uint8Array); // segments the thread cannot read
    await expect(pending.result()).rejects.toThrow(/null|segment|undefined/i);
  });

  it("segments that never come (the scoring failed) stop the thread, and the result says why", async () => {
    const { segmentIndex: _unused, ...baskets } = syntheticStore(2_000, 13);
    for (const inWorker of [true, false]) {
      const pending = startProductInsights(baskets, inWorker);
      pending.cancel(new Error("scoring failed"));
      await expect(pending.result()).rejects.toThrow(/scoring failed/);
    }
  });

  it("a cancelled thread ends and its result rejects", async () => {
    const pending = startProductInsights(syntheticStore(20_000, 5), true);
    pending.cancel();
    await expect(pending.result()).rejects.toThrow(/exited/);
  });
});

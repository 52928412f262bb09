/** The counting semaphore behind the tag writer's bulk rounds. */
import { describe, expect, it } from "vitest";
import { Slots } from "../../../../app/platforms/shopify/tags/slots";

describe("Slots", () => {
  it("lets at most `size` holders in, then the waiters in arrival order", async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const first = await slots.acquire();
    const second = await slots.acquire();
    const third = slots.acquire().then((release) => (order.push("third"), release));
    const fourth = slots.acquire().then((release) => (order.push("fourth"), release));
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([]);
    first();
    first(); // releasing twice frees one slot only
    const releaseThird = await third;
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual(["third"]);
    second();
    (await fourth)();
    releaseThird();
    expect(order).toEqual(["third", "fourth"]);
    // Everything released: two can enter again at once.
    await Promise.all([slots.acquire(), slots.acquire()]);
  });
});

/** The in-process wake-up for bulk operations, fed by bulk_operations/finish webhooks. */
import { describe, expect, it } from "vitest";
import { BulkOperationSignals } from "../../../app/platforms/shopify/bulk-operation-signals";

const gid = (n: number) => `gid://shopify/BulkOperation/${n}`;
const settled = async (p: Promise<void>) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);

describe("BulkOperationSignals", () => {
  it("wakes every waiter of the finished operation and no other", async () => {
    const signals = new BulkOperationSignals();
    const a1 = signals.wait(gid(1));
    const a2 = signals.wait(gid(1));
    const b = signals.wait(gid(2));
    signals.finished(gid(1));
    expect(await settled(a1)).toBe(true);
    expect(await settled(a2)).toBe(true);
    expect(await settled(b)).toBe(false);
  });

  it("remembers a finish that arrived before anyone waited, once", async () => {
    const signals = new BulkOperationSignals();
    signals.finished(gid(3));
    expect(await settled(signals.wait(gid(3)))).toBe(true);
    expect(await settled(signals.wait(gid(3)))).toBe(false);
  });

  it("forgets waiters older than the longest wait", async () => {
    const signals = new BulkOperationSignals(10);
    const old = signals.wait(gid(4));
    await new Promise((r) => setTimeout(r, 15));
    signals.wait(gid(5)); // prunes the stale waiter
    signals.finished(gid(4)); // now an early finish, not a wake-up
    expect(await settled(old)).toBe(false);
    expect(await settled(signals.wait(gid(4)))).toBe(true);
  });
});

/** The tag outbox page's text forms: changes round-trip exactly, and a redacted customer leaves a consistent page. */
import { describe, expect, it } from "vitest";
import {
  decodeItems,
  decodeProblems,
  encodeItems,
  PageItems,
  stateOfOutcome,
  withoutItems,
  type OutboxChange,
} from "../../../app/jobs/tags/outbox-page";

const change = (n: number, extra: Partial<OutboxChange> = {}): OutboxChange => ({
  customerId: `c${n}`,
  customerExternalId: String(100 + n),
  add: [`ciclo:a${n}`],
  remove: n % 2 ? [`ciclo:r${n}`] : [],
  metafields: null,
  ...extra,
});

describe("tag outbox pages", () => {
  it("round-trips changes, odd ids and metafields text included", () => {
    const changes = [
      change(1),
      change(2, { customerId: 'q"uo\\te', customerExternalId: "gid://shopify/Customer/7\u2028x", add: ["ciclo:é"] }),
      change(3, { metafields: '{"segment":"champions","clv":"0.9"}' }),
      change(4, { add: [], remove: [] }),
    ];
    expect(decodeItems(encodeItems(changes))).toEqual(changes);
    // The plan's own path (tag lists given as JSON text) writes the same text.
    const page = new PageItems();
    for (const c of changes)
      page.add(c.customerId, c.customerExternalId, JSON.stringify(c.add), JSON.stringify(c.remove), c.metafields);
    const fromPlan = page.json();
    expect(page.size).toBe(4);
    expect(fromPlan).toBe(encodeItems(changes));
    expect(decodeItems(fromPlan)[2]!.metafields).toBe('{"segment":"champions","clv":"0.9"}');
  });

  it("writes each tag list once per page, and less than half the text of a list per item", () => {
    const lists = [
      ["ciclo:clv-top-10", "ciclo:rfm-champions", "ciclo:stage-hero"],
      ["ciclo:rfm-lost", "ciclo:stage-lost"],
    ];
    const changes = Array.from({ length: 1_000 }, (_, n) =>
      change(n, { customerExternalId: String(7_000_000_000_000 + n), add: lists[n % 2]!, remove: [] }),
    );
    const json = encodeItems(changes);
    expect(json.split("ciclo:rfm-champions").length - 1).toBe(1);
    // The same changes with each item's lists in place (the form pages had before).
    const inPlace = JSON.stringify(changes.map((c) => [c.customerId, c.customerExternalId, c.add, c.remove, null]));
    expect(json.length).toBeLessThan(inPlace.length / 2);
    const decoded = decodeItems(json);
    expect(decoded).toEqual(changes);
    // Each change its own lists: changing one leaves the others as stored.
    decoded[0]!.add.push("ciclo:x");
    expect(decoded[2]!.add).toEqual(lists[0]);
  });

  it("still reads a page written with each item's lists in place", () => {
    const changes = [change(1), change(2, { metafields: '{"clv":"1"}' })];
    const stored = JSON.stringify(
      changes.map((c) => [c.customerId, c.customerExternalId, c.add, c.remove, c.metafields]),
    );
    expect(decodeItems(stored)).toEqual(changes);
    const page = { items: stored, outcomes: "a.", problems: null };
    expect(decodeItems(withoutItems(page, (c) => c.customerId === "c1")!.items)).toEqual([changes[1]]);
  });

  it("refuses a page whose item names a list it does not hold", () => {
    expect(() => decodeItems('{"lists":[["ciclo:a"]],"items":[["c1","101",0,1,null]]}')).toThrow(/list 1/);
  });

  it("knows each outcome character and refuses others", () => {
    expect([".", "a", "n", "u"].map(stateOfOutcome)).toEqual(["pending", "applied", "not_found", "user_error"]);
    expect(() => stateOfOutcome("x")).toThrow(/unknown/);
  });

  it("takes a customer out of a page, keeping the others' outcomes, tallies and refusals in step", () => {
    const changes = [change(1), change(2), change(3), change(4)];
    const page = {
      items: encodeItems(changes),
      outcomes: "anu.",
      problems: JSON.stringify([
        { customerExternalId: "102", state: "not_found", error: "gone" },
        { customerExternalId: "103", state: "user_error", error: "bad" },
      ]),
    };
    const withoutSecond = withoutItems(page, (c) => c.customerId === "c2")!;
    expect(decodeItems(withoutSecond.items).map((c) => c.customerId)).toEqual(["c1", "c3", "c4"]);
    expect(withoutSecond).toMatchObject({
      outcomes: "au.",
      size: 3,
      applied: 1,
      notFound: 0,
      userErrors: 1,
      state: "pending",
    });
    expect(decodeProblems(withoutSecond.problems)).toEqual([
      { customerExternalId: "103", state: "user_error", error: "bad" },
    ]);
    // Without the waiting one, every item left is answered: the page is settled.
    const answered = withoutItems(page, (c) => c.customerId === "c4")!;
    expect(answered).toMatchObject({ outcomes: "anu", state: "settled", applied: 1, notFound: 1, userErrors: 1 });
    // Nothing left: no page.
    expect(withoutItems(page, () => true)).toBeNull();
    expect(withoutItems({ ...page, problems: null }, (c) => c.customerId === "c3")!.problems).toBeNull();
  });
});

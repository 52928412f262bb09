import { describe, expect, it } from "vitest";
import { isNightlyDue, localParts, nextNightlyRun, utcOffsetMinutes } from "../../app/jobs/schedule";

describe("store-local nightly schedule", () => {
  it("reads local day and hour in the store's zone", () => {
    const t = new Date("2026-11-24T23:30:00Z");
    expect(localParts(t, "Europe/Rome")).toMatchObject({ day: "2026-11-25", hour: 0 });
    expect(localParts(t, "America/Los_Angeles")).toMatchObject({ day: "2026-11-24", hour: 15 });
    expect(utcOffsetMinutes(t, "Europe/Rome")).toBe(60);
    expect(utcOffsetMinutes(t, "Asia/Kolkata")).toBe(330);
    expect(utcOffsetMinutes(new Date("2026-07-01T12:00:00Z"), "Europe/Rome")).toBe(120);
  });

  it("is due once per local day, at or after the local hour", () => {
    const zone = "Australia/Sydney";
    expect(isNightlyDue(new Date("2026-11-24T15:59:00Z"), zone, 3, "2026-11-24")).toBe(false); // 02:59 on the 25th
    expect(isNightlyDue(new Date("2026-11-24T16:00:00Z"), zone, 3, "2026-11-24")).toBe(true); // 03:00 on the 25th
    expect(isNightlyDue(new Date("2026-11-24T20:00:00Z"), zone, 3, "2026-11-25")).toBe(false); // already ran today
  });

  it("runs at the same local hour before and after a DST change", () => {
    // Europe/Rome: CEST -> CET on 2026-10-25. 03:00 local is 01:00Z before and 02:00Z after.
    expect(nextNightlyRun(new Date("2026-10-23T12:00:00Z"), "Europe/Rome", 3, "2026-10-23").toISOString()).toBe(
      "2026-10-24T01:00:00.000Z",
    );
    expect(nextNightlyRun(new Date("2026-10-25T12:00:00Z"), "Europe/Rome", 3, "2026-10-25").toISOString()).toBe(
      "2026-10-26T02:00:00.000Z",
    );
  });

  it("runs once on the fall-back night when the local hour happens twice", () => {
    // America/New_York, 2026-11-01: 01:00-02:00 EDT then again EST. Hour 1 is reached at 05:00Z.
    const first = nextNightlyRun(new Date("2026-10-31T12:00:00Z"), "America/New_York", 1, "2026-10-31");
    expect(first.toISOString()).toBe("2026-11-01T05:00:00.000Z");
    expect(isNightlyDue(new Date("2026-11-01T06:00:00Z"), "America/New_York", 1, "2026-11-01")).toBe(false);
  });

  it("on a spring-forward night whose hour does not exist, runs at the first instant after it", () => {
    // America/New_York 2026-03-08: 02:00 jumps to 03:00. A store scheduled at 02:00 runs at 03:00 EDT = 07:00Z.
    const next = nextNightlyRun(new Date("2026-03-07T12:00:00Z"), "America/New_York", 2, "2026-03-07");
    expect(next.toISOString()).toBe("2026-03-08T07:00:00.000Z");
  });
});

import { describe, expect, it } from "vitest";
import { channelCode, type Channel } from "../../../app/domain/intelligence/channels";
import { channelValueCsv, valueByCampaign, valueByChannel } from "../../../app/domain/intelligence/channel-value";

const REF = 20_000;

/**
 * Five customers:
 *   #0 Email  "dec"  3 orders, spend 300, predicted 120, NPS 10, first REF-400, second REF-380
 *   #1 Email  "dec"  1 order,  spend 100, predicted  20, NPS  6, first REF-400
 *   #2 Email  null   2 orders, spend 200, predicted NaN, no NPS, first REF-100, second REF-50 (too young)
 *   #3 Paid social   1 order,  spend  50, predicted  10, NPS  8, first REF-500
 *   #4 Direct        0 orders (a prospect: never acquired, left out)
 * Email, hand count: customers 3, repeaters 2 (#0, #2) → 2/3; predicted mean over finite values
 *   (120 + 20) / 2 = 70; historic mean (300 + 100 + 200) / 3 = 200; NPS: one promoter, one detractor → 0.
 *   12-month repeat: eligible #0, #1 (acquired ≥ 365 days ago), repeated within 365 days: #0 → 1/2.
 */
function input() {
  const channels: Channel[] = ["Email", "Email", "Email", "Paid social", "Direct"];
  return {
    channel: channels.map(channelCode),
    campaign: ["dec", "dec", null, null, null],
    orders: [3, 1, 2, 1, 0],
    historicValue: [300, 100, 200, 50, 0],
    predictedValue: [120, 20, NaN, 10, 0],
    npsScore: [10, 6, NaN, 8, NaN],
    firstOrderDay: [REF - 400, REF - 400, REF - 100, REF - 500, NaN],
    secondOrderDay: [REF - 380, NaN, REF - 50, NaN, NaN],
  };
}

describe("valueByChannel", () => {
  it("matches the hand-computed figures", () => {
    const rows = valueByChannel(input(), { referenceDay: REF });
    expect(rows.map((r) => r.channel)).toEqual(["Email", "Paid social"]);
    const email = rows[0]!;
    expect(email.customers).toBe(3);
    expect(email.repeatRate).toBeCloseTo(2 / 3, 12);
    expect(email.meanPredictedValue).toBe(70);
    expect(email.meanHistoricValue).toBe(200);
    expect(email.nps).toMatchObject({ responses: 2, promoters: 1, detractors: 1, nps: 0 });
    expect(email.windowRepeat).toEqual({ eligible: 2, repeated: 1, rate: 0.5 });
    expect(email.smallSample).toBe(true);
    expect(rows[1]).toMatchObject({ customers: 1, repeatRate: 0, meanPredictedValue: 10 });
    expect(rows[1]!.nps.nps).toBe(0); // one passive
  });

  it("splits campaigns, keeping customers without one in their own row", () => {
    const rows = valueByCampaign(input(), { referenceDay: REF });
    expect(rows.map((r) => [r.channel, r.campaign, r.customers])).toEqual([
      ["Email", "dec", 2],
      // Ties in customers follow the channel order (Paid social before Email).
      ["Paid social", null, 1],
      ["Email", null, 1],
    ]);
  });

  it("handles empty input, missing optional columns and bad codes", () => {
    expect(valueByChannel({ channel: [], orders: [], historicValue: [] })).toEqual([]);
    const rows = valueByChannel({ channel: [99, -1, 0.5, 0], orders: [1, 1, 1, 1], historicValue: [1, 1, 1, NaN] });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: "Direct", customers: 1, meanPredictedValue: null, windowRepeat: null });
    expect(rows[0]!.nps.nps).toBeNull();
  });

  it("writes formula-safe CSV rows", () => {
    const csv = channelValueCsv(valueByCampaign({ ...input(), campaign: ["=cmd()", "=cmd()", null, null, null] }));
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^channel,campaign,customers,/);
    expect(lines[1]).toMatch(/^Email,'=cmd\(\),2,1,0\.5,/);
  });
});

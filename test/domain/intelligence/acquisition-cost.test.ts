import { describe, expect, it } from "vitest";
import { channelCode, type Channel } from "../../../app/domain/intelligence/channels";
import {
  compareActualCost,
  countAcquired,
  maxAcquisitionCost,
  parseAmount,
  parseSpendCsv,
  spendSheetTemplate,
  resolveMaxCacSettings,
} from "../../../app/domain/intelligence/acquisition-cost";

const REF = 20_000;

describe("maxAcquisitionCost", () => {
  /**
   * Paid social: two recent customers (first orders 40 and 60, predicted 100 and 200 over 12 months).
   *   value = mean first (50) + mean predicted (150) = 200; margin 0.4 → 80; ratio 2 → max CAC 40.
   * Email: one recent customer (first 30, predicted 90) and one old one (first 10, predicted 10): with
   *   minCustomers 2 too few recent → all: value (30+10)/2 + (90+10)/2 = 20 + 50 = 70 → 28 → 14.
   * Overall: recent customers are 3 (≥ 2): first (40+60+30)/3 = 43.33, predicted (100+200+90)/3 = 130 →
   *   173.33 × 0.4 / 2 = 34.67.
   */
  const channels: Channel[] = ["Paid social", "Paid social", "Email", "Email"];
  const input = {
    channel: channels.map(channelCode),
    firstOrderDay: [REF - 10, REF - 20, REF - 30, REF - 900],
    firstOrderValue: [40, 60, 30, 10],
    predictedValue: [100, 200, 90, 10],
  };
  const settings = { grossMargin: 0.4, targetRatio: 2, recentDays: 180, minCustomers: 2 };

  it("matches the hand-computed figures, overall first", () => {
    const rows = maxAcquisitionCost(input, REF, settings);
    expect(rows.map((r) => r.channel)).toEqual([null, "Paid social", "Email"]);
    const [overall, social, email] = rows;
    expect(overall!.maxCac).toBeCloseTo((((40 + 60 + 30) / 3 + (100 + 200 + 90) / 3) * 0.4) / 2, 10);
    expect(social).toMatchObject({ basis: "recent", customers: 2, valuePerCustomer: 200, maxCac: 40 });
    expect(email).toMatchObject({ basis: "all", customers: 2, recentCustomers: 1, valuePerCustomer: 70 });
    expect(email!.maxCac).toBeCloseTo(14, 12);
  });

  it("explains the figure in plain words with the store's numbers", () => {
    const social = maxAcquisitionCost(input, REF, settings)[1]!;
    expect(social.explanation).toBe(
      "Customers who came through Paid social in the last 180 days spent 0.50 on their first order and are " +
        "expected to spend 1.50 more in the next 12 months: 2.00 in all. At a 40 % gross margin that is 0.80 " +
        "of gross profit per customer. To get 2 back for every 1 spent, spend at most 0.40 to acquire one customer.",
    );
    const email = maxAcquisitionCost(input, REF, settings)[2]!;
    expect(email.explanation).toContain("Only 1 customer came in the last 180 days");
    expect(email.explanation).toContain("treat the figure as a floor");
  });

  it("uses defaults for missing or impossible settings and survives empty or bad input", () => {
    expect(resolveMaxCacSettings({ grossMargin: 7, targetRatio: -1, horizonDays: NaN })).toMatchObject({
      grossMargin: 0.5,
      targetRatio: 3,
      horizonDays: 365,
    });
    const empty = maxAcquisitionCost({ channel: [], firstOrderDay: [], firstOrderValue: [], predictedValue: [] }, REF);
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({ channel: null, customers: 0, maxCac: 0 });
    expect(empty[0]!.explanation).toContain("nobody acquired yet");
    const bad = maxAcquisitionCost(
      { channel: [0, 0], firstOrderDay: [NaN, REF], firstOrderValue: [NaN, 10], predictedValue: [Infinity, NaN] },
      REF,
      { minCustomers: 1 },
    );
    expect(bad[1]).toMatchObject({ channel: "Direct", customers: 1, valuePerCustomer: 10 });
  });
});

describe("spend per channel", () => {
  it("parses amounts written in different locales", () => {
    expect(parseAmount("1,234.56")).toBe(1234.56);
    expect(parseAmount("1.234,56 €")).toBe(1234.56);
    expect(parseAmount("€ 1 234,5")).toBe(1234.5);
    expect(parseAmount("1,234")).toBe(1234);
    expect(parseAmount("12,5")).toBe(12.5);
    expect(parseAmount("USD 500")).toBe(500);
    expect(parseAmount("1'000.00")).toBe(1000);
    expect(parseAmount("-5")).toBeNull();
    expect(parseAmount("abc")).toBeNull();
    expect(parseAmount("")).toBeNull();
  });

  it("reads a spend sheet robustly and reports bad lines", () => {
    const text =
      "\ufeffChannel;Spend\r\n" +
      "# November\r\n" +
      "Paid social;1.200,50\r\n" +
      "google ads;300\r\n" +
      '"Paid search";"99,50"\r\n' +
      "Billboards;50\r\n" +
      "Email;lots\r\n" +
      "\r\n";
    const result = parseSpendCsv(text);
    expect(result.rows).toEqual([
      { channel: "Paid social", spendMinor: 120050 },
      { channel: "Paid search", spendMinor: 39950 },
    ]);
    expect(result.errors).toEqual([
      { line: 6, message: 'Unknown channel "Billboards".' },
      { line: 7, message: '"lots" is not an amount.' },
    ]);
  });

  it("accepts comma-separated sheets without a header, including an unquoted decimal comma", () => {
    expect(parseSpendCsv("paid_social,250.75\nEmail,12,5\n").rows).toEqual([
      { channel: "Paid social", spendMinor: 25075 },
      { channel: "Email", spendMinor: 1250 },
    ]);
    expect(parseSpendCsv("").rows).toEqual([]);
    // E-mail tools are the Email channel; an absurd amount is a typo, reported with its line.
    expect(parseSpendCsv("Klaviyo,40\nMailchimp,2.5\nSEO,1e3\nPaid search,5000000000000\n")).toEqual({
      rows: [{ channel: "Email", spendMinor: 4250 }],
      errors: [
        { line: 3, message: '"1e3" is not an amount.' },
        { line: 4, message: '"5000000000000" is more than any ad budget.' },
      ],
    });
    // The sheet the page offers to fill in reads back as it was; channels left blank have no spend.
    const template = spendSheetTemplate(["Paid search", "Email", "Display"], { "Paid search": 150050, Display: 7 });
    expect(template).toBe("Channel,Spend\r\nPaid search,1500.50\r\nEmail,\r\nDisplay,0.07\r\n");
    expect(parseSpendCsv(template)).toEqual({
      rows: [
        { channel: "Paid search", spendMinor: 150050 },
        { channel: "Display", spendMinor: 7 },
      ],
      errors: [],
    });
    expect(spendSheetTemplate(["Email"], { Email: 12000 }, 0)).toBe("Channel,Spend\r\nEmail,12000\r\n");
    // Lines past the limit are not read, and that is said.
    expect(parseSpendCsv("Email,1\nSMS,2\nDisplay,3\n", { maxLines: 2 }).errors).toEqual([
      { line: 3, message: "Only the first 2 lines were read." },
    ]);
    expect(parseSpendCsv(undefined as unknown as string).errors).toEqual([]);
  });

  it("compares actual cost per customer with the maximum", () => {
    // Paid social: 1000.00 for 20 customers → 50.00 each, above a max of 40.00.
    // Email: 100.00 for 0 customers. Affiliate: 10.00 for 1 customer, no estimate.
    const channel = [...Array(20).fill(channelCode("Paid social")), channelCode("Affiliate")];
    const acquired = countAcquired(channel, Array(21).fill(REF - 5), REF - 30, REF);
    const maxRows = maxAcquisitionCost(
      {
        channel: channel.slice(0, 20),
        firstOrderDay: Array(20).fill(REF - 5),
        firstOrderValue: Array(20).fill(4000),
        predictedValue: Array(20).fill(16000),
      },
      REF,
      { grossMargin: 0.5, targetRatio: 2.5 },
    );
    const rows = compareActualCost(
      [
        { channel: "Paid social", spendMinor: 100000 },
        { channel: "Email", spendMinor: 10000 },
        { channel: "Affiliate", spendMinor: 1000 },
      ],
      acquired,
      maxRows,
    );
    expect(rows.map((r) => [r.channel, r.costPerCustomer, r.verdict])).toEqual([
      ["Paid social", 5000, "above"],
      ["Email", null, "no-customers"],
      ["Affiliate", 1000, "no-estimate"],
    ]);
    expect(rows[0]!.valueToCost).toBe(2); // 10000 gross profit ÷ 5000 cost
    expect(rows[0]!.explanation).toBe(
      "Each Paid social customer cost 50.00, more than the 40.00 you can afford at your target.",
    );
  });
});

/**
 * Spend per campaign against what the customers it acquired are worth, on hand-computed cases; and the campaign
 * sheet: names matched as utm_campaign is normalized, unknown campaigns and bad amounts reported by line.
 */
import { describe, expect, it } from "vitest";
import {
  campaignKey,
  campaignSpendSheetTemplate,
  compareCampaignCost,
  parseCampaignSpendCsv,
} from "../../../app/domain/intelligence/campaign-cost";

const KNOWN = ["summer-sale", "brand", "black friday", "2026-11 newsletter"];

describe("compareCampaignCost", () => {
  const settings = { grossMargin: 0.4, targetRatio: 3 };

  it("computes cost, value, the most one may spend and value-to-cost per campaign, best ratio first", () => {
    const rows = compareCampaignCost(
      [
        { campaign: "brand", spendMinor: 30_000 },
        { campaign: "summer-sale", spendMinor: 100_000 },
        { campaign: "brand", spendMinor: 10_000 }, // same campaign twice: 40,000 in all
      ],
      [
        // brand: 10 customers, value (50,000 + 150,000) / 10 = 20,000 each.
        { campaign: "brand", customers: 10, historicMinor: 50_000, predictedMinor: 150_000 },
        // summer-sale: 20 customers, value (80,000 + 0) / 20 = 4,000 each.
        { campaign: "summer-sale", customers: 20, historicMinor: 80_000, predictedMinor: 0 },
      ],
      settings,
    );
    // brand: cost 4,000; profit 20,000 × 0.4 = 8,000; most you can spend 8,000 / 3 = 2,666.67; ratio 8,000 / 4,000 = 2.
    // summer-sale: cost 5,000; profit 1,600; most 533.33; ratio 0.32.
    expect(rows.map((r) => r.campaign)).toEqual(["brand", "summer-sale"]);
    const [brand, summer] = rows;
    expect(brand).toMatchObject({
      spendMinor: 40_000,
      customersAcquired: 10,
      costPerCustomer: 4_000,
      valuePerCustomer: 20_000,
      grossProfitPerCustomer: 8_000,
      valueToCost: 2,
      verdict: "above",
    });
    expect(brand!.maxCac).toBeCloseTo(8_000 / 3, 9);
    expect(brand!.explanation).toBe(
      "10 customers came through brand, 40.00 each; they are worth 200.00 each (spent so far and expected in the " +
        "next 12 months), so you can afford 26.67 at your target. Each 1 spent brings back 2.0 of gross profit.",
    );
    expect(summer).toMatchObject({ costPerCustomer: 5_000, valuePerCustomer: 4_000, verdict: "above" });
    expect(summer!.valueToCost).toBeCloseTo(0.32, 12);
  });

  it("is within the target when the cost per customer is at most the maximum", () => {
    const [row] = compareCampaignCost(
      [{ campaign: "brand", spendMinor: 3_000 }],
      [{ campaign: "brand", customers: 3, historicMinor: 9_000, predictedMinor: 0 }],
      { grossMargin: 1, targetRatio: 3 },
    );
    // cost 1,000; value 3,000; profit 3,000; max 1,000: exactly at the target.
    expect(row).toMatchObject({ costPerCustomer: 1_000, maxCac: 1_000, valueToCost: 3, verdict: "within" });
  });

  it("says so when a campaign with spend acquired nobody in the period, and lists it last", () => {
    const rows = compareCampaignCost(
      [
        { campaign: "black friday", spendMinor: 50_000 },
        { campaign: "brand", spendMinor: 1_000 },
      ],
      [{ campaign: "brand", customers: 1, historicMinor: 100, predictedMinor: 0 }],
      settings,
    );
    expect(rows.map((r) => [r.campaign, r.verdict, r.costPerCustomer, r.valueToCost])).toEqual([
      ["brand", "above", 1_000, 0.04],
      ["black friday", "no-customers", null, null],
    ]);
    expect(rows[1]!.explanation).toBe(
      "500.00 spent on black friday and no customer's first order came through it in that period.",
    );
  });
});

describe("campaign spend sheet", () => {
  it("matches names as utm_campaign is normalized: case, and -, _, . and spaces alike", () => {
    expect(campaignKey(" Summer_Sale ")).toBe("summer sale");
    expect(campaignKey("summer-sale")).toBe("summer sale");
    const result = parseCampaignSpendCsv(
      "Campaign;Spend\nSUMMER SALE;1.200,50\nsummer.sale;300\nBlack-Friday;€ 80\n2026_11_Newsletter;\n",
      KNOWN,
    );
    expect(result).toEqual({
      rows: [
        { campaign: "summer-sale", spendMinor: 150_050 },
        { campaign: "black friday", spendMinor: 8_000 },
      ],
      errors: [],
    });
  });

  it("reports unknown campaigns and bad amounts by line number, never guessing", () => {
    const result = parseCampaignSpendCsv(
      "# spend from the ads manager\ncampaign,amount\nbrand,10\nbrnd,20\nbrand,-3\nbrand,2e12\n",
      KNOWN,
    );
    expect(result.rows).toEqual([{ campaign: "brand", spendMinor: 1_000 }]);
    expect(result.errors).toEqual([
      { line: 4, message: 'No first order carried the campaign "brnd" (check its utm_campaign spelling).' },
      { line: 5, message: '"-3" is not an amount.' },
      { line: 6, message: '"2e12" is not an amount.' },
    ]);
  });

  it("offers a sheet it reads back unchanged, quoting names that hold a separator", () => {
    const campaigns = ["brand", "summer-sale", 'sale; "vip"'];
    const sheet = campaignSpendSheetTemplate(campaigns, { brand: 120_050 });
    expect(sheet).toBe('Campaign,Spend\r\nbrand,1200.50\r\nsummer-sale,\r\n"sale; ""vip""",\r\n');
    expect(parseCampaignSpendCsv(sheet, campaigns)).toEqual({
      rows: [{ campaign: "brand", spendMinor: 120_050 }],
      errors: [],
    });
  });
});

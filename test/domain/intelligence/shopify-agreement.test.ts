import { describe, expect, it } from "vitest";
import { RFM_SEGMENTS, type RfmSegment } from "../../../app/domain/segments";
import {
  cicloSpendTiers,
  explainRfmAgreement,
  explainRfmDifference,
  rfmGroupAgreement,
  SHOPIFY_RFM_GROUPS,
  spendTierAgreement,
} from "../../../app/domain/intelligence/shopify-agreement";

const seg = (name: RfmSegment) => RFM_SEGMENTS.indexOf(name);

describe("rfmGroupAgreement", () => {
  /**
   * Ciclo / Shopify: Champions/CHAMPIONS ×2, Loyal/LOYAL, At risk/CHAMPIONS ×2, Dormant/(none),
   * New/"VIP" (unknown), Prospects/NEW. Compared 6, agreeing 3 → 0.5.
   * Kappa: Ciclo rows Champions 2, Loyal 1, At risk 2, Prospects 1; Shopify columns CHAMPIONS 4, LOYAL 1, NEW 1;
   * chance = (2·4 + 1·1) / 36 = 0.25 → κ = (0.5 − 0.25) / 0.75 = 1/3.
   */
  const ciclo = [
    seg("Champions"),
    seg("Champions"),
    seg("Loyal"),
    seg("At risk"),
    seg("At risk"),
    seg("Dormant"),
    seg("New"),
    seg("Prospects"),
  ];
  const shopify = ["CHAMPIONS", "champions", "LOYAL", "CHAMPIONS", "CHAMPIONS", null, "VIP", "NEW"];

  it("matches the hand-computed matrix, rate and kappa", () => {
    const a = rfmGroupAgreement(ciclo, shopify);
    expect(SHOPIFY_RFM_GROUPS).toEqual([
      "CHAMPIONS",
      "LOYAL",
      "ACTIVE",
      "NEEDS_ATTENTION",
      "PROMISING",
      "NEW",
      "AT_RISK",
      "PREVIOUSLY_LOYAL",
      "ALMOST_LOST",
      "DORMANT",
      "PROSPECTS",
    ]);
    expect(a.compared).toBe(6);
    expect(a.agreeing).toBe(3);
    expect(a.rate).toBe(0.5);
    expect(a.kappa).toBeCloseTo(1 / 3, 12);
    expect(a.missing).toBe(1);
    expect(a.unrecognised).toBe(1);
    const K = SHOPIFY_RFM_GROUPS.length;
    expect(a.counts[seg("At risk") * K + seg("Champions")]).toBe(2);
    expect(a.topDisagreements).toEqual([
      { ciclo: "AT_RISK", shopify: "CHAMPIONS", customers: 2 },
      { ciclo: "PROSPECTS", shopify: "NEW", customers: 1 },
    ]);
  });

  it("explains the comparison, starting from the largest difference", () => {
    const text = explainRfmAgreement(rfmGroupAgreement(ciclo, shopify));
    expect(text).toContain("50 % of 6 customers");
    expect(text).toContain("0.33");
    expect(text).toContain('2 customers are "At risk" in Ciclo and "Champions" in Shopify');
    expect(text).toContain("Shopify sees a more recent purchase");
    expect(text).toContain("1 customers have no Shopify group yet");
    expect(explainRfmAgreement(rfmGroupAgreement([0], [null]))).toContain("has not given a group");
    expect(rfmGroupAgreement([], []).kappa).toBeNull();
    // Everyone in one group on both sides: agreement is total but kappa is undefined.
    expect(rfmGroupAgreement([0, 0], ["CHAMPIONS", "CHAMPIONS"]).kappa).toBeNull();
  });
});

describe("explainRfmDifference", () => {
  it("names the dimension that differs, from the segment grid", () => {
    // Loyal (R3-4, FM4-5) vs Active (R4-5, FM3): recency overlaps, Ciclo's FM is higher.
    expect(explainRfmDifference("Loyal", "ACTIVE")).toMatch(/^Ciclo ranks this customer's orders and spend higher/);
    // Dormant (R1) vs New (R5): Shopify more recent; FM overlaps (1-2).
    const recency = explainRfmDifference("Dormant", "NEW");
    expect(recency).toMatch(/^Shopify sees a more recent purchase/);
    expect(recency).not.toContain("ranks");
    // Champions (R5, FM4-5) vs Dormant (R1, FM1-2): both differ.
    const both = explainRfmDifference("Champions", "DORMANT");
    expect(both).toContain("Ciclo sees a more recent purchase");
    expect(both).toContain("Ciclo ranks this customer's orders and spend higher");
    // Needs attention (R3, FM2-3) vs Promising (R3-4, FM1-2): neighbours.
    expect(explainRfmDifference("Needs attention", "PROMISING")).toMatch(/^The two groups are neighbours/);
    expect(explainRfmDifference("Prospects", "LOYAL")).toContain("Shopify counts an order");
    expect(explainRfmDifference("Loyal", "PROSPECTS")).toContain("Ciclo counts an order");
    expect(explainRfmDifference("Loyal", "LOYAL")).toBe("Both put this customer in the same group.");
    expect(explainRfmDifference("Loyal", "SUPERFANS")).toContain("does not know");
  });
});

describe("spend tiers", () => {
  it("cuts Ciclo's predicted value with Shopify's shares, ties sharing the higher tier", () => {
    // Compared: first seven (NaN and no tier left out). Shopify: HIGH 2, MEDIUM 2, LOW 3.
    // By value: 100, 90 → HIGH; 80, 70 → MEDIUM; 60, 50, 40 → LOW. Agree at 100 (H), 60 (L), 40 (L): 3 of 7.
    const value = [100, 90, 80, 70, 60, 50, 40, NaN, 30];
    const tiers = ["HIGH", "MEDIUM", "HIGH", "LOW", "LOW", "MEDIUM", "LOW", "HIGH", null];
    expect(Array.from(cicloSpendTiers(value, tiers))).toEqual([0, 0, 1, 1, 2, 2, 2, 255, 255]);
    const a = spendTierAgreement(value, tiers);
    expect(a.labels).toEqual(["HIGH", "MEDIUM", "LOW"]);
    expect(a.compared).toBe(7);
    expect(a.agreeing).toBe(3);
    expect(a.rate).toBeCloseTo(3 / 7, 12);
    expect(a.missing).toBe(1);
    expect(Array.from(cicloSpendTiers([5, 5, 5, 1], ["HIGH", "LOW", "LOW", "LOW"]))).toEqual([0, 0, 0, 2]);
  });
});

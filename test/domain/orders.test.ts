import { describe, expect, it } from "vitest";
import { countsTowardCustomerValue, netOrderAmountMinor } from "../../app/domain/orders";
import type { StoreOrder } from "../../app/domain/types";

function order(overrides: Partial<StoreOrder> = {}): StoreOrder {
  const at = new Date("2024-01-01T10:00:00Z");
  return {
    externalId: "o1",
    name: "#1001",
    customer: null,
    email: null,
    currency: "EUR",
    grossMinor: 5000,
    refunds: [],
    reportedRefundedMinor: null,
    financialStatus: "paid",
    fulfillmentStatus: null,
    cancelledAt: null,
    test: false,
    voided: false,
    sourceName: null,
    landingSite: null,
    referringSite: null,
    processedAt: at,
    createdAt: at,
    updatedAt: at,
    lines: [],
    ...overrides,
  };
}

const refund = (id: string, amountMinor: number) => ({
  externalId: id,
  orderExternalId: "o1",
  amountMinor,
  refundedAt: new Date(),
});

describe("which orders count", () => {
  it("counts paid orders and excludes test, cancelled, voided and unpaid ones", () => {
    expect(countsTowardCustomerValue(order())).toBe(true);
    expect(countsTowardCustomerValue(order({ financialStatus: "processing" }))).toBe(true);
    expect(countsTowardCustomerValue(order({ financialStatus: null }))).toBe(true);
    expect(countsTowardCustomerValue(order({ test: true }))).toBe(false);
    expect(countsTowardCustomerValue(order({ cancelledAt: new Date() }))).toBe(false);
    expect(countsTowardCustomerValue(order({ voided: true }))).toBe(false);
    expect(countsTowardCustomerValue(order({ financialStatus: "pending" }))).toBe(false);
    expect(countsTowardCustomerValue(order({ financialStatus: "on-hold" }))).toBe(false);
  });

  it("nets refunds, merging itemised and separate refunds by id and trusting a larger reported total", () => {
    expect(netOrderAmountMinor(order({ refunds: [refund("r1", 1000)] }), [refund("r1", 1000), refund("r2", 500)])).toBe(
      3500,
    );
    expect(netOrderAmountMinor(order({ refunds: [refund("r1", 1000)], reportedRefundedMinor: 2000 }))).toBe(3000);
    expect(netOrderAmountMinor(order({ refunds: [refund("r1", 9000)] }))).toBe(0);
  });

  it("a fully refunded order is a return, a free order is still a purchase", () => {
    expect(countsTowardCustomerValue(order({ financialStatus: "refunded", refunds: [refund("r1", 5000)] }))).toBe(
      false,
    );
    expect(
      countsTowardCustomerValue(order({ financialStatus: "partially_refunded", refunds: [refund("r1", 100)] })),
    ).toBe(true);
    expect(countsTowardCustomerValue(order({ grossMinor: 0 }))).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { aggregateCustomerOrders, countsTowardCustomerValue, netOrderAmountMinor } from "../../app/domain/orders";
import { toEpochDay } from "../../app/domain/clv/summary";
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
    paid: true,
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
    expect(countsTowardCustomerValue(order({ financialStatus: "processing", paid: true }))).toBe(true);
    expect(countsTowardCustomerValue(order({ financialStatus: null, paid: null }))).toBe(true);
    expect(countsTowardCustomerValue(order({ test: true }))).toBe(false);
    expect(countsTowardCustomerValue(order({ cancelledAt: new Date() }))).toBe(false);
    expect(countsTowardCustomerValue(order({ voided: true }))).toBe(false);
    expect(countsTowardCustomerValue(order({ financialStatus: "pending", paid: false }))).toBe(false);
    expect(countsTowardCustomerValue(order({ financialStatus: "on-hold", paid: false }))).toBe(false);
  });

  it("nets refunds, merging itemised and separate refunds by id and trusting a larger reported total", () => {
    expect(netOrderAmountMinor(order({ refunds: [refund("r1", 1000)] }), [refund("r1", 1000), refund("r2", 500)])).toBe(
      3500,
    );
    expect(netOrderAmountMinor(order({ refunds: [refund("r1", 1000)], reportedRefundedMinor: 2000 }))).toBe(3000);
    expect(netOrderAmountMinor(order({ refunds: [refund("r1", 9000)] }))).toBe(0);
  });

  it("a fully refunded order is a return, a free order is still a purchase", () => {
    expect(
      countsTowardCustomerValue(order({ financialStatus: "refunded", paid: true, refunds: [refund("r1", 5000)] })),
    ).toBe(false);
    expect(
      countsTowardCustomerValue(
        order({ financialStatus: "partially_refunded", paid: true, refunds: [refund("r1", 100)] }),
      ),
    ).toBe(true);
    expect(countsTowardCustomerValue(order({ grossMinor: 0 }))).toBe(true);
  });
});

describe("aggregateCustomerOrders (reference for the nightly SQL)", () => {
  const customer = (id: string) => ({
    externalId: id,
    email: null,
    firstName: null,
    lastName: null,
    createdAt: null,
    updatedAt: null,
  });
  const at = (iso: string) => new Date(iso);
  const orders: StoreOrder[] = [
    order({ externalId: "1", customer: customer("c1"), grossMinor: 3000, processedAt: at("2024-01-01T09:00:00Z") }),
    order({ externalId: "2", customer: customer("c1"), grossMinor: 2000, processedAt: at("2024-01-01T18:00:00Z") }),
    order({ externalId: "3", customer: customer("c1"), grossMinor: 4000, processedAt: at("2024-01-11T10:00:00Z") }),
    order({ externalId: "4", customer: customer("c1"), grossMinor: 0, processedAt: at("2024-01-21T10:00:00Z") }),
    order({ externalId: "5", customer: customer("c1"), grossMinor: 9999, test: true }),
    order({ externalId: "6", customer: customer("c2"), grossMinor: 1000, cancelledAt: at("2024-01-02T00:00:00Z") }),
    order({ externalId: "7", customer: customer("c2"), grossMinor: 1000, financialStatus: "pending", paid: false }),
    order({ externalId: "8", customer: null, email: "Ann@Example.com", grossMinor: 1500 }),
    order({
      externalId: "9",
      customer: null,
      email: "ann@example.com ",
      grossMinor: 500,
      processedAt: at("2024-01-05T10:00:00Z"),
    }),
    order({ externalId: "10", customer: null, email: null, grossMinor: 700 }),
    order({ externalId: "11", customer: customer("c3"), grossMinor: 5000, processedAt: at("2024-03-01T10:00:00Z") }),
    order({ externalId: "12", customer: customer("c4"), grossMinor: 2500, voided: true }),
  ];
  const refunds = [
    { externalId: "r1", orderExternalId: "3", amountMinor: 1000, refundedAt: at("2024-01-12T00:00:00Z") },
  ];
  const result = aggregateCustomerOrders(orders, { referenceDay: toEpochDay("2024-01-31")!, separateRefunds: refunds });

  it("counts only paid, live, non-test orders, net of refunds, merged per day", () => {
    const c1 = result.customerIds.indexOf("c1");
    expect(result.orders[c1]).toBe(4);
    expect(result.purchaseDays[c1]).toBe(3);
    expect(result.firstPurchaseDay[c1]).toBe(toEpochDay("2024-01-01"));
    expect(result.lastPurchaseDay[c1]).toBe(toEpochDay("2024-01-21"));
    expect(result.totalSpend[c1]).toBe(3000 + 2000 + 3000);
    expect(result.repeatSpendMean[c1]).toBe(3000); // the free order counts as a day, not as spend
    expect(result.repeatSpendDays[c1]).toBe(1);
  });

  it("attributes guest orders by e-mail and says how many orders were left out and why", () => {
    const ann = result.customerIds.indexOf("email:ann@example.com");
    expect(result.purchaseDays[ann]).toBe(2);
    expect(result.customerIds).not.toContain("c2");
    expect(result.excluded).toEqual({
      test: 1,
      cancelled: 1,
      voided: 1,
      unpaid: 1,
      "fully-refunded": 0,
      "guest-without-email": 1,
      "after-reference-day": 1,
    });
  });

  it("uses the shop's calendar day when given its UTC offset", () => {
    const late = [order({ externalId: "a", customer: customer("c"), processedAt: at("2024-01-01T23:30:00Z") })];
    const utc = aggregateCustomerOrders(late, { referenceDay: 20_000 });
    const rome = aggregateCustomerOrders(late, { referenceDay: 20_000, utcOffsetMinutes: 60 });
    expect(rome.firstPurchaseDay[0]! - utc.firstPurchaseDay[0]!).toBe(1);
  });
});

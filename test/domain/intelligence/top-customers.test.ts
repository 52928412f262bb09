import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../../app/domain/math/random";
import { topCustomers, topCustomersCsv } from "../../../app/domain/intelligence/top-customers";

/**
 *   id   predicted  historic
 *   c1   300        100
 *   c2   500        50
 *   c3   300        200      (ties c1 on predicted: more historic value first)
 *   c4   NaN        900      (no prediction: not ranked by prediction)
 *   c0   300        100      (ties c1 on both: lower id first, "c0" < "c1")
 *   c5   100        900
 * By predicted: c2, c3, c0, c1, c5. By historic: c4 and c5 tie at 900 → c5 has a prediction (100) and c4 none
 * (counts as lowest) → c5, c4, then c3 (200), c0 and c1 (100, tie on predicted 300 → id), c2.
 */
const input = {
  ids: ["c1", "c2", "c3", "c4", "c0", "c5"],
  predictedValue: [300, 500, 300, NaN, 300, 100],
  historicValue: [100, 50, 200, 900, 100, 900],
  orders: [2, 1, 3, 9, 2, 4],
  names: ["Ana", "=HYPERLINK(1)", null, "Bo, Jr.", "Cy", "Di"],
  segments: ["Loyal", "Champions", "Loyal", "At risk", "Loyal", "At risk"],
  stages: ["Repeat", "Hero", "Repeat", "Lost", "Repeat", "Lost"],
};

describe("topCustomers", () => {
  it("ranks by predicted value with stable tie-breaks", () => {
    expect(topCustomers(input).map((r) => r.id)).toEqual(["c2", "c3", "c0", "c1", "c5"]);
    expect(topCustomers(input, "predicted", 2)).toEqual([
      { rank: 1, index: 1, id: "c2", predictedValue: 500, historicValue: 50 },
      { rank: 2, index: 2, id: "c3", predictedValue: 300, historicValue: 200 },
    ]);
  });

  it("ranks by historic value, a customer without a prediction last among equals", () => {
    expect(topCustomers(input, "historic").map((r) => r.id)).toEqual(["c5", "c4", "c3", "c0", "c1", "c2"]);
    expect(topCustomers(input, "historic", 0)).toEqual([]);
    expect(topCustomers({ ids: ["a"], historicValue: [1] }, "predicted")).toEqual([]);
  });

  it("gives the same top N as a full sort on random data with many ties", () => {
    const random = new SeededRandom(3);
    const n = 5000;
    const data = {
      ids: Array.from({ length: n }, (_, i) => `id${(i * 7919) % n}`),
      predictedValue: Array.from({ length: n }, () => Math.floor(random.uniform() * 50)),
      historicValue: Array.from({ length: n }, () => Math.floor(random.uniform() * 5)),
    };
    const order = data.ids
      .map((_, i) => i)
      .sort(
        (i, j) =>
          data.predictedValue[j]! - data.predictedValue[i]! ||
          data.historicValue[j]! - data.historicValue[i]! ||
          (data.ids[i]! < data.ids[j]! ? -1 : 1),
      );
    expect(topCustomers(data, "predicted", 100).map((r) => r.index)).toEqual(order.slice(0, 100));
    expect(topCustomers(data, "predicted", n + 10)).toHaveLength(n);
  });

  it("writes formula-safe CSV rows", () => {
    const csv = topCustomersCsv(topCustomers(input, "predicted", 3), input);
    expect(csv).toBe(
      "rank,customer_id,name,predicted_value,historic_value,orders,segment,stage\r\n" +
        "1,c2,'=HYPERLINK(1),500,50,1,Champions,Hero\r\n" +
        "2,c3,,300,200,3,Loyal,Repeat\r\n" +
        "3,c0,Cy,300,100,2,Loyal,Repeat\r\n",
    );
    expect(topCustomersCsv(topCustomers(input, "historic", 2), input)).toContain('2,c4,"Bo, Jr.",,900,9,At risk,Lost');
  });
});

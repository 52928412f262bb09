/**
 * A stream of realistic "live" store activity after the history (for the demo's webhook phase): new orders from
 * returning and new customers and guests, payments, fulfilments, refunds, cancellations, customer and order edits.
 * Each step mutates the shop through its normal mutations, so the usual webhooks are emitted.
 */
import { Random } from "../random";
import type { SimOrder } from "./model";
import { newOrder, preferredCategory } from "./order-factory";
import { orderTotals } from "./order-math";
import { emailLocalPart, randomPerson } from "./people";
import { isBlackWeekend } from "./seasonality";
import type { SimulatedShop } from "./store";

export type LiveActionKind =
  | "new-order"
  | "new-customer-order"
  | "guest-order"
  | "mark-paid"
  | "fulfill"
  | "refund"
  | "cancel"
  | "update-customer"
  | "update-order";

export interface LiveAction {
  kind: LiveActionKind;
  orderId?: number;
  customerId?: number;
}

const WEIGHTS: readonly (readonly [LiveActionKind, number])[] = [
  ["new-order", 30],
  ["new-customer-order", 15],
  ["guest-order", 6],
  ["mark-paid", 5],
  ["fulfill", 18],
  ["refund", 5],
  ["cancel", 2],
  ["update-customer", 10],
  ["update-order", 9],
];

export class LiveEventStream {
  private readonly rng: Random;
  private readonly recent: number[];
  private readonly customerIds: number[];

  constructor(
    private readonly shop: SimulatedShop,
    opts: { seed: number | string },
  ) {
    this.rng = new Random(`live/${opts.seed}`);
    this.recent = [...shop.orders.values()]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(-300)
      .map((o) => o.id);
    this.customerIds = [...shop.customers.keys()];
  }

  private recentOrders(filter: (o: SimOrder) => boolean): SimOrder[] {
    const out: SimOrder[] = [];
    for (const id of this.recent) {
      const o = this.shop.orders.get(id);
      if (o && !o.test && filter(o)) out.push(o);
    }
    return out;
  }

  private placeOrder(customerId: number | null): LiveAction {
    const customer = customerId !== null ? this.shop.customer(customerId) : null;
    const at = this.shop.clock.stamp();
    const order = newOrder(this.rng, this.shop.ids, {
      at,
      customer,
      priorOrders: customer ? this.shop.ordersOf(customer.id).length : 0,
      category: customer ? preferredCategory(this.rng) : null,
      shop: this.shop.info,
      promo: isBlackWeekend(at.getTime()),
    });
    this.shop.addOrder(order);
    this.recent.push(order.id);
    if (this.recent.length > 500) this.recent.shift();
    return { kind: customer ? "new-order" : "guest-order", orderId: order.id, customerId: customer?.id };
  }

  /** Performs one action; falls back to a new order when the chosen action has no candidate. */
  step(): LiveAction {
    const kind = this.rng.weighted(WEIGHTS);
    switch (kind) {
      case "new-order":
        if (this.customerIds.length > 0) return this.placeOrder(this.rng.pick(this.customerIds));
        break;
      case "new-customer-order": {
        const person = randomPerson(this.rng);
        const c = this.shop.createCustomer({
          email: `${emailLocalPart(person.firstName, person.lastName)}.${this.rng.hex(4)}@mail.example`,
          firstName: person.firstName,
          lastName: person.lastName,
          phone: person.phone,
          countryCode: person.countryCode,
          city: person.city,
          acceptsEmailMarketing: this.rng.chance(0.5),
        });
        this.customerIds.push(c.id);
        return { ...this.placeOrder(c.id), kind: "new-customer-order" };
      }
      case "guest-order":
        return this.placeOrder(null);
      case "mark-paid": {
        const o = this.pick(
          (x) => !x.cancelledAt && (x.financialStatus === "pending" || x.financialStatus === "authorized"),
        );
        if (o) return (this.shop.markPaid(o.id), { kind, orderId: o.id });
        break;
      }
      case "fulfill": {
        const o = this.pick((x) => !x.cancelledAt && x.fulfillmentStatus === null && x.financialStatus !== "pending");
        if (o) {
          if (o.financialStatus === "authorized") this.shop.markPaid(o.id);
          this.shop.fulfill(o.id);
          return { kind, orderId: o.id };
        }
        break;
      }
      case "refund": {
        const o = this.pick(
          (x) => !x.cancelledAt && x.financialStatus === "paid" && orderTotals(x).outstandingRefundableCents > 0,
        );
        if (o) {
          const line = this.rng.pick(o.lineItems);
          this.shop.refund(o.id, {
            lines: [{ lineItemId: line.id, quantity: 1, restockType: "return" }],
            note: "Return",
          });
          return { kind, orderId: o.id };
        }
        break;
      }
      case "cancel": {
        const o = this.pick((x) => !x.cancelledAt && x.fulfillmentStatus === null);
        if (o)
          return (
            this.shop.cancel(o.id, { reason: this.rng.pick(["customer", "inventory", "declined"] as const) }),
            { kind, orderId: o.id }
          );
        break;
      }
      case "update-customer": {
        if (this.customerIds.length > 0) {
          const id = this.rng.pick(this.customerIds);
          const c = this.shop.customers.get(id);
          if (c) {
            this.shop.updateCustomer(id, { acceptsEmailMarketing: !c.acceptsEmailMarketing });
            return { kind, customerId: id };
          }
        }
        break;
      }
      case "update-order": {
        const o = this.pick(() => true);
        if (o)
          return (
            this.shop.updateOrder(o.id, { note: `Gift wrap please (${this.rng.hex(4)})` }),
            { kind, orderId: o.id }
          );
        break;
      }
    }
    return this.placeOrder(this.customerIds.length > 0 ? this.rng.pick(this.customerIds) : null);
  }

  run(count: number): LiveAction[] {
    return Array.from({ length: count }, () => this.step());
  }

  private pick(filter: (o: SimOrder) => boolean): SimOrder | null {
    const candidates = this.recentOrders(filter);
    return candidates.length > 0 ? this.rng.pick(candidates) : null;
  }
}

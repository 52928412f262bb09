/**
 * Deterministic demo-store history: customers and orders over N years, with the shape a lifecycle app cares about.
 *
 * Purchase process per customer (BG/NBD-like, Fader-Hardie-Lee 2005):
 *  - acquisition time from a growing store (linear ramp) thinned by seasonality;
 *  - purchase rate lambda ~ Gamma(r, 1/alpha) across customers (heterogeneous buyers);
 *  - after every purchase the customer drops out for good with probability p ~ Beta(a, b);
 *  - purchase times are a Poisson process at rate lambda modulated by seasonality (thinning).
 * A rate multiplier is calibrated (a few cheap passes) so the order count lands near `targetOrders`.
 * Guests (~10 %) arrive as a separate seasonal stream; a few test orders come from the owner's account.
 * Lifecycle after each order: payment capture, fulfilment, ~2 % cancellations (voids when only authorised),
 * ~5 % refunds (partial or full). Everything that would happen after `end` is left for the live phase.
 */
import { Random } from "../random";
import { IdAllocator, type IdState } from "./ids";
import { cancel, fulfill, markPaid, refund } from "./lifecycle";
import type { CancelReason, ShopData, SimCustomer, SimOrder, SimShopInfo } from "./model";
import { newOrder, preferredCategory } from "./order-factory";
import { orderTotals } from "./order-math";
import { emailLocalPart, randomPerson } from "./people";
import { HOUR_WEIGHTS, isBlackWeekend, seasonality, SEASONALITY_MAX } from "./seasonality";
import { DAY, HOUR, MINUTE } from "./time";

const YEAR = 365.25 * DAY;

export interface DemoHistoryOptions {
  seed: number | string;
  /** Registered customers (default 20,000). */
  customers?: number;
  /** Approximate number of orders, guests and test orders included (default 60,000). */
  targetOrders?: number;
  /** Length of the history (default 3). */
  years?: number;
  /** The history stops here ("now" for the demo). */
  end: Date;
  /** Share of orders placed without a customer account (default 0.10). */
  guestShare?: number;
  /** Test orders placed by the owner (default 12). */
  testOrders?: number;
  /** Share of orders refunded in part or in full (default 0.05). */
  refundRate?: number;
  /** Share of orders cancelled (default 0.02). */
  cancelRate?: number;
  /** Shop the history belongs to (currency, tax setting); defaults to the demo shop. */
  shop?: Pick<SimShopInfo, "currency" | "taxesIncluded" | "domain">;
}

export interface DemoHistoryStats {
  customers: number;
  customersWithOrders: number;
  repeatCustomers: number;
  orders: number;
  guestOrders: number;
  testOrders: number;
  cancelledOrders: number;
  voidedOrders: number;
  refundedOrders: number;
  fullyRefundedOrders: number;
  rateMultiplier: number;
}

export interface DemoHistory extends ShopData {
  start: Date;
  end: Date;
  /** Id counters after the history, so a shop loaded with it continues without collisions. */
  ids: IdState;
  stats: DemoHistoryStats;
}

interface CustomerProcess {
  acquiredAt: number;
  lambdaPerYear: number;
  dropout: number;
  buys: boolean;
}

const OWNER_EMAIL = "owner@ciclo-demo.example";

/** Linear-ramp acquisition (the store grows from 0.5x to 1.5x), thinned by seasonality. */
function seasonalTime(rng: Random, start: number, span: number): number {
  for (;;) {
    const u = rng.next();
    const x = (-0.5 + Math.sqrt(0.25 + 2 * u)) / 1; // inverse CDF of density 0.5 + x on [0, 1]
    const t = start + x * span;
    if (rng.next() * SEASONALITY_MAX < seasonality(t)) return t;
  }
}

/** Draws purchase times for one customer; `multiplier` scales every rate (calibration). */
function purchaseTimes(rng: Random, c: CustomerProcess, multiplier: number, end: number): number[] {
  if (!c.buys) return [];
  const times = [c.acquiredAt];
  const ratePerMs = (c.lambdaPerYear * multiplier * SEASONALITY_MAX) / YEAR;
  let t = c.acquiredAt;
  for (;;) {
    if (rng.chance(c.dropout)) break; // became inactive after this purchase
    let accepted = false;
    while (!accepted) {
      t += rng.exponential(ratePerMs);
      if (t > end) return times;
      accepted = rng.next() * SEASONALITY_MAX < seasonality(t);
    }
    times.push(t);
  }
  return times;
}

/** Moves a timestamp to a realistic local shopping hour on the same day (shop assumed at UTC+1). */
function atShoppingHour(rng: Random, t: number): number {
  const day = Math.floor(t / DAY) * DAY;
  const hour = rng.weighted(HOUR_WEIGHTS);
  return day + (hour - 1) * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59) * 1000;
}

function customerProcess(seed: number | string, i: number, start: number, span: number): CustomerProcess {
  const rng = Random.derive(seed, `customer-process-${i}`);
  return {
    acquiredAt: seasonalTime(rng, start, span),
    lambdaPerYear: rng.gamma(0.7, 1 / 0.55), // mean ~1.3 orders/year, long tail
    dropout: rng.beta(1.1, 2.6), // mean ~0.3 dropout after each purchase
    buys: i !== 0 && rng.chance(0.93), // 7 % signed up but never ordered; index 0 is the owner
  };
}

function allPurchaseTimes(
  seed: number | string,
  processes: CustomerProcess[],
  multiplier: number,
  end: number,
): number[][] {
  return processes.map((c, i) => purchaseTimes(Random.derive(seed, `purchases-${i}`), c, multiplier, end));
}

/** Presentment currencies and rates (presentment cents per shop cent) for orders from other markets. */
const PRESENTMENT_MARKETS: Partial<Record<number, { currency: string; rate: number }>> = {
  3: { currency: "GBP", rate: 0.8613 },
  7: { currency: "USD", rate: 1.0842 },
};

export function generateDemoHistory(options: DemoHistoryOptions): DemoHistory {
  const customerCount = options.customers ?? 20_000;
  const targetOrders = options.targetOrders ?? 60_000;
  const years = options.years ?? 3;
  const guestShare = options.guestShare ?? 0.1;
  const testOrderCount = options.testOrders ?? 12;
  const refundRate = options.refundRate ?? 0.05;
  const cancelRate = options.cancelRate ?? 0.02;
  const seed = options.seed;
  const end = options.end.getTime();
  const span = years * YEAR;
  const start = end - span;
  const shop: NewOrderShop = {
    currency: options.shop?.currency ?? "EUR",
    taxesIncluded: options.shop?.taxesIncluded ?? true,
    domain: options.shop?.domain ?? "ciclo-demo.myshopify.com",
  };

  // 1. Customer processes and a calibrated rate multiplier.
  const processes = Array.from({ length: customerCount }, (_, i) => customerProcess(seed, i, start, span));
  const customerOrderTarget = Math.max(0, (targetOrders - testOrderCount) * (1 - guestShare));
  let multiplier = 1;
  let times = allPurchaseTimes(seed, processes, multiplier, end);
  for (let pass = 0; pass < 8; pass++) {
    const count = times.reduce((s, t) => s + t.length, 0);
    if (count === 0 || Math.abs(count - customerOrderTarget) / Math.max(1, customerOrderTarget) < 0.005) break;
    const firsts = processes.filter((c) => c.buys).length;
    // Only repeat purchases respond to the multiplier; scale on those.
    const repeatNow = Math.max(1, count - firsts);
    const repeatWanted = Math.max(1, customerOrderTarget - firsts);
    multiplier *= Math.pow(repeatWanted / repeatNow, 1.25);
    times = allPurchaseTimes(seed, processes, multiplier, end);
  }

  // 2. Events: customer purchases, guest purchases, owner test orders.
  type Event = { t: number; customer: number; test: boolean };
  const events: Event[] = [];
  const shapeRng = Random.derive(seed, "shape");
  times.forEach((ts, i) => {
    const local = ts
      .map((t) => Math.min(end - 1000, Math.max(start, atShoppingHour(shapeRng, t))))
      .sort((a, b) => a - b);
    times[i] = local;
    for (const t of local) events.push({ t, customer: i, test: false });
  });
  const customerOrders = events.length;
  const guestCount = Math.round((customerOrders * guestShare) / (1 - guestShare));
  const guestRng = Random.derive(seed, "guests");
  for (let g = 0; g < guestCount; g++)
    events.push({
      t: Math.min(end - 1000, atShoppingHour(guestRng, seasonalTime(guestRng, start, span))),
      customer: -1,
      test: false,
    });
  for (let k = 0; k < testOrderCount; k++)
    events.push({
      t: Math.min(end - 1000, start + guestRng.next() * span),
      customer: 0,
      test: true,
    });
  events.sort((a, b) => a.t - b.t || a.customer - b.customer);

  // 3. Customers, created in signup order so ids increase with created_at.
  const peopleRng = Random.derive(seed, "people");
  const createdAt = processes.map((c, i) => {
    if (i === 0) return start - 14 * DAY;
    const first = times[i]?.[0];
    if (first === undefined) return c.acquiredAt;
    return peopleRng.chance(0.65)
      ? first - peopleRng.int(1, 20) * MINUTE
      : Math.max(start, first - peopleRng.exponential(1 / (45 * DAY)));
  });
  const creationOrder = processes
    .map((_, i) => i)
    .sort((a, b) => (createdAt[a] as number) - (createdAt[b] as number) || a - b);
  const ids = new IdAllocator();
  const customers: SimCustomer[] = new Array(customerCount);
  const usedEmails = new Map<string, number>();
  const categories: string[] = new Array(customerCount);
  for (const i of creationOrder) {
    const rng = Random.derive(seed, `person-${i}`);
    const person = randomPerson(rng);
    const at = new Date(createdAt[i] as number);
    let email: string;
    if (i === 0) {
      email = OWNER_EMAIL;
      Object.assign(person, {
        firstName: "Demo",
        lastName: "Owner",
        phone: null,
      });
    } else {
      const local = emailLocalPart(person.firstName, person.lastName);
      const n = (usedEmails.get(local) ?? 0) + 1;
      usedEmails.set(local, n);
      email = `${local}${n > 1 ? n : ""}@${rng.pick(["mail.example", "post.example", "inbox.example"])}`;
    }
    const tags: string[] = [];
    if (rng.chance(0.12)) tags.push("newsletter");
    if (rng.chance(0.02)) tags.push("VIP");
    if (rng.chance(0.01)) tags.push("wholesale");
    if (i === 0) tags.push("staff");
    customers[i] = {
      id: ids.next("customer"),
      email,
      phone: person.phone,
      firstName: person.firstName,
      lastName: person.lastName,
      tags,
      state: rng.chance(0.4) ? "enabled" : "disabled",
      verifiedEmail: true,
      acceptsEmailMarketing: rng.chance(0.45),
      note: null,
      createdAt: at,
      updatedAt: at,
      countryCode: person.countryCode,
      city: person.city,
    };
    categories[i] = preferredCategory(rng);
  }

  // 4. Orders in time order, with their lifecycle up to `end`.
  const orderRng = Random.derive(seed, "orders");
  const priorOrders = new Array<number>(customerCount).fill(0);
  const orders: SimOrder[] = [];
  const shopInfo = {
    ...shop,
    id: 0,
    name: "",
    email: "",
    timezone: "UTC",
    plan: "standard",
    accessToken: "",
    createdAt: new Date(start),
    countryCode: "DE",
  } as SimShopInfo;
  const adjustedRefundRate = refundRate / 0.93; // only fulfilled, paid orders can be refunded
  for (const e of events) {
    const customer = e.customer >= 0 ? (customers[e.customer] as SimCustomer) : null;
    const at = new Date(e.t);
    const order = newOrder(orderRng, ids, {
      at,
      customer,
      priorOrders: e.customer >= 0 ? (priorOrders[e.customer] as number) : 0,
      category: e.customer >= 0 ? (categories[e.customer] as string) : null,
      shop: shopInfo,
      promo: isBlackWeekend(e.t),
    });
    if (e.customer >= 0) priorOrders[e.customer] = (priorOrders[e.customer] as number) + 1;
    if (e.test) {
      order.test = true;
      order.gateway = "bogus";
      for (const t of order.transactions) t.gateway = "bogus";
      order.sourceName = "web";
    }
    // About one web order in ten is paid in a foreign currency (Shopify Markets); chosen from the id so the rest of
    // the history stays as it was.
    if (order.sourceName === "web" && !order.test) {
      const market = PRESENTMENT_MARKETS[order.id % 10];
      if (market && market.currency !== order.currency) order.presentment = { ...market };
    }
    live(order, orderRng, ids, end, cancelRate, adjustedRefundRate);
    // Some refunds carry no createdAt in GraphQL (the field is nullable); processedAt always exists.
    for (const r of order.refunds) if (r.id % 5 === 0) r.createdAtUnknown = true;
    if (customer && order.createdAt > customer.updatedAt) customer.updatedAt = order.createdAt;
    orders.push(order);
  }

  const ordersByCustomer = new Map<number, number>();
  for (const o of orders)
    if (o.customerId !== null && !o.test)
      ordersByCustomer.set(o.customerId, (ordersByCustomer.get(o.customerId) ?? 0) + 1);
  const stats: DemoHistoryStats = {
    customers: customers.length,
    customersWithOrders: ordersByCustomer.size,
    repeatCustomers: [...ordersByCustomer.values()].filter((n) => n >= 2).length,
    orders: orders.length,
    guestOrders: orders.filter((o) => o.customerId === null).length,
    testOrders: orders.filter((o) => o.test).length,
    cancelledOrders: orders.filter((o) => o.cancelledAt !== null).length,
    voidedOrders: orders.filter((o) => o.financialStatus === "voided").length,
    refundedOrders: orders.filter((o) => o.refunds.length > 0 && o.cancelledAt === null).length,
    fullyRefundedOrders: orders.filter((o) => o.financialStatus === "refunded" && o.cancelledAt === null).length,
    rateMultiplier: multiplier,
  };
  return {
    customers,
    orders,
    start: new Date(start),
    end: options.end,
    ids: ids.snapshot(),
    stats,
  };
}

type NewOrderShop = Pick<SimShopInfo, "currency" | "taxesIncluded" | "domain">;

const CANCEL_REASONS: readonly (readonly [CancelReason, number])[] = [
  ["customer", 50],
  ["inventory", 15],
  ["fraud", 12],
  ["declined", 13],
  ["other", 10],
];

/** Applies what happened to an order between its creation and `end`: capture, fulfilment, cancel, refund. */
function live(
  order: SimOrder,
  rng: Random,
  ids: IdAllocator,
  end: number,
  cancelRate: number,
  refundRate: number,
): void {
  const t0 = order.createdAt.getTime();
  const when = (delay: number) => (t0 + delay <= end ? new Date(t0 + delay) : null);
  if (rng.chance(cancelRate)) {
    const at = when(rng.int(10 * MINUTE, 36 * HOUR));
    if (at) {
      cancel(order, { reason: rng.weighted(CANCEL_REASONS), restock: true }, at, ids);
      return;
    }
  }
  if (order.financialStatus === "pending") {
    const paidAt = when(rng.int(6 * HOUR, 4 * DAY));
    if (!paidAt) return; // still awaiting a bank transfer at `end`
    markPaid(order, paidAt, ids);
  }
  if (order.fulfillmentStatus === null) {
    const shippedAt = when(rng.int(8 * HOUR, 3 * DAY));
    if (!shippedAt) return;
    if (order.financialStatus === "authorized") markPaid(order, shippedAt, ids);
    fulfill(order, shippedAt);
  } else if (order.financialStatus === "paid") {
    order.closedAt = order.createdAt; // POS sale: paid and handed over at once
  }
  if (order.financialStatus === "paid" && rng.chance(refundRate)) {
    const at = when(rng.int(3 * DAY, 40 * DAY));
    if (!at) return;
    if (rng.chance(0.4)) {
      refund(
        order,
        {
          lines: order.lineItems.map((l) => ({
            lineItemId: l.id,
            quantity: l.quantity,
            restockType: "return" as const,
          })),
          note: "Returned",
        },
        at,
        ids,
      );
    } else if (rng.chance(0.8)) {
      const line = rng.pick(order.lineItems);
      refund(
        order,
        {
          lines: [{ lineItemId: line.id, quantity: 1, restockType: "return" }],
          note: "Partial return",
        },
        at,
        ids,
      );
    } else {
      const total = orderTotals(order).totalCents;
      refund(
        order,
        {
          amountCents: Math.max(100, Math.round(total * rng.uniform(0.1, 0.3))),
          note: "Goodwill",
        },
        at,
        ids,
      );
    }
  }
}

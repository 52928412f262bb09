/**
 * "Shopify" for bench:soak, in its own process (forked by ./shopify.ts): the Admin API the app pushes tags to,
 * and a store whose merchant activity (new orders, payments, edits, refunds, cancellations) goes to the app as
 * signed webhooks the way Shopify delivers them — 5 s timeout, its retry schedule (compressed), duplicate
 * deliveries and deliveries overtaking each other. At the end it tells the truth: every order's final state and
 * every customer's tags.
 */
import { mapRestOrder } from "../../app/platforms/shopify/map-webhook";
import { Random } from "../../simulators/random";
import { start } from "../../simulators/shopify";
import type { SimCustomer } from "../../simulators/shopify/model";
import { restOrder } from "../../simulators/shopify/payloads";
import { SHOPIFY_RETRY_SCHEDULE_MS, WebhookSender } from "../../simulators/shopify/webhooks";
import type { SoakReply, SoakRequest, SoakSetUp, SoakTraffic, TruthOrder } from "./protocol";

const sim = await start({ port: 0 });
let shop: ReturnType<typeof sim.createShop>;
let sender: WebhookSender;
const soakOrders = new Set<number>();

/** At most `limit` deliveries in flight, as Shopify uses a handful of connections per shop. */
function limitConcurrency(inner: typeof fetch, limit: number): typeof fetch {
  let active = 0;
  const waiting: Array<() => void> = [];
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await inner(input, init);
    } finally {
      active--;
      waiting.shift()?.();
    }
  }) as typeof fetch;
}

function setUp(options: SoakSetUp) {
  shop = sim.createShop({ domain: options.domain, plan: "standard", seed: 1 });
  const created = new Date("2024-01-01T00:00:00Z");
  const customers: SimCustomer[] = [];
  for (let c = 0; c < options.customers; c++) {
    customers.push({
      id: options.firstCustomerId + c,
      email: `customer${c}@example.com`,
      phone: null,
      firstName: null,
      lastName: null,
      tags: [],
      state: "enabled",
      verifiedEmail: true,
      acceptsEmailMarketing: false,
      note: null,
      createdAt: created,
      updatedAt: created,
      countryCode: null,
      city: null,
    });
  }
  shop.load({ customers, orders: [] });
  sender = new WebhookSender({
    url: options.webhookUrl,
    secret: options.secret,
    // The order activity and the bulk-operation finish the tag push waits on. The customers/update Shopify sends
    // for every tag Ciclo writes is left out: it is not what this benchmark measures.
    topics: [
      "orders/create",
      "orders/updated",
      "orders/paid",
      "orders/cancelled",
      "refunds/create",
      "bulk_operations/finish",
    ],
    seed: options.seed,
    duplicateRate: 0.2,
    maxDelayMs: 300, // deliveries overtake each other
    retrySchedule: SHOPIFY_RETRY_SCHEDULE_MS,
    retryScale: options.retryScale,
    timeoutMs: 5_000,
    fetch: limitConcurrency(fetch, 16),
  });
  sender.attach(shop);
  return { baseUrl: sim.baseUrl, accessToken: shop.info.accessToken };
}

/** Merchant activity at a steady rate: new orders from existing customers, then payments, edits, refunds, cancels. */
async function traffic(options: SoakTraffic): Promise<number> {
  const rng = new Random(`soak-traffic/${options.seed}`);
  const open: number[] = [];
  const interval = 1000 / options.perSecond;
  const started = performance.now();
  let actions = 0;
  for (let k = 0; performance.now() - started < options.durationMs; k++) {
    const due = started + k * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    shop.clock.advance(1000);
    const roll = rng.next();
    const pick = () => open[rng.int(0, open.length - 1)]!;
    if (open.length < 20 || roll < 0.45) {
      const customerId = options.firstCustomerId + rng.int(0, options.customers - 1);
      const order = shop.createOrder({
        customerId,
        lineItems: [
          { title: "Trail shoe", price: `${rng.int(20, 180)}.${rng.int(10, 99)}`, quantity: rng.int(1, 2) },
          ...(rng.next() < 0.4 ? [{ title: "Socks", price: "9.90", quantity: rng.int(1, 3) }] : []),
        ],
        financialStatus: rng.next() < 0.3 ? "pending" : "paid",
      });
      open.push(order.id);
      soakOrders.add(order.id);
    } else {
      const id = pick();
      const order = shop.order(id);
      try {
        if (order.cancelledAt) shop.updateOrder(id, { note: `edited ${k}` });
        else if (order.financialStatus === "pending") shop.markPaid(id);
        else if (roll < 0.7) shop.updateOrder(id, { note: `note ${k}`, tags: [`t${k % 7}`] });
        else if (roll < 0.92) {
          const line = order.lineItems[0]!;
          shop.refund(id, { lines: [{ lineItemId: line.id, quantity: 1 }] });
        } else shop.cancel(id, { reason: "customer" });
      } catch {
        // Nothing left to refund and the like: the merchant does something else next time.
        shop.updateOrder(id, { note: `edited ${k}` });
      }
    }
    actions++;
  }
  return actions;
}

/** What Ciclo must hold for each order created during the run: its final state, as Ciclo maps it. */
function truth(): TruthOrder[] {
  return [...soakOrders].map((id) => {
    const o = shop.order(id);
    const mapped = mapRestOrder(restOrder(o, shop.info, o.customerId === null ? null : shop.customer(o.customerId)));
    if ("reason" in mapped) throw new Error(`order ${id}: ${mapped.reason}`);
    const itemised = mapped.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
    const refunded = Math.max(itemised, mapped.reportedRefundedMinor ?? 0);
    return {
      externalId: mapped.externalId,
      grossMinor: mapped.grossMinor,
      refundedMinor: refunded,
      cancelled: mapped.cancelledAt !== null,
      updatedAt: mapped.updatedAt.toISOString(),
    };
  });
}

function customerTags(prefix: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of shop.customers.values()) out[String(c.id)] = c.tags.filter((t) => t.startsWith(prefix)).sort();
  return out;
}

async function handle(request: SoakRequest): Promise<unknown> {
  switch (request.type) {
    case "setUp":
      return setUp(request.options);
    case "traffic":
      return traffic(request.options);
    case "drain":
      await sender.idle();
      return sender.deliveries.map((d) => ({
        topic: d.topic,
        duplicate: d.duplicate,
        outcome: d.outcome,
        attempts: d.attempts.map((a) => ({ at: a.at.getTime(), status: a.status, error: a.error, ms: a.ms })),
      }));
    case "truth":
      return truth();
    case "tags":
      return customerTags(request.prefix);
    case "close":
      await sim.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on("message", (message: SoakRequest & { id: number }) => {
  handle(message).then(
    (result) => process.send!({ id: message.id, result } satisfies SoakReply),
    (e: unknown) => process.send!({ id: message.id, error: String(e) } satisfies SoakReply),
  );
});
process.send!({ id: 0, result: "ready" } satisfies SoakReply);

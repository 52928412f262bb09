/**
 * Builds realistic new orders (basket, discount, shipping, channel, attribution) for the history generator and
 * the live event stream. Pure given its Random: same draws -> same order.
 */
import type { Random } from "../random";
import { DEMO_CATALOG, type CatalogProduct } from "./catalog";
import type { IdAllocator } from "./ids";
import { allocate } from "./money";
import type { SimCustomer, SimLineItem, SimOrder, SimShopInfo, SimTransaction } from "./model";
import { orderTotals } from "./order-math";

const CATEGORIES = [...new Set(DEMO_CATALOG.map((p) => p.category))];

/** A category a customer tends to buy from (product affinity for later analytics). */
export function preferredCategory(rng: Random): string {
  return rng.weighted(
    CATEGORIES.map(
      (c) => [c, DEMO_CATALOG.filter((p) => p.category === c).reduce((s, p) => s + p.popularity, 0)] as const,
    ),
  );
}

const BY_POPULARITY = DEMO_CATALOG.map((p) => [p, p.popularity] as const);

function pickProduct(rng: Random, category: string | null, exclude: Set<number>): CatalogProduct {
  for (let attempt = 0; attempt < 8; attempt++) {
    const p =
      category && rng.chance(0.6)
        ? rng.weighted(DEMO_CATALOG.filter((x) => x.category === category).map((x) => [x, x.popularity] as const))
        : rng.weighted(BY_POPULARITY);
    if (!exclude.has(p.id)) return p;
  }
  return rng.weighted(BY_POPULARITY);
}

type Channel = "direct" | "google" | "google_ads" | "instagram" | "facebook" | "newsletter" | "tiktok" | "blog";

const NEW_CUSTOMER_CHANNELS: readonly (readonly [Channel, number])[] = [
  ["direct", 18],
  ["google", 24],
  ["google_ads", 16],
  ["instagram", 16],
  ["facebook", 7],
  ["newsletter", 4],
  ["tiktok", 7],
  ["blog", 8],
];
const RETURNING_CHANNELS: readonly (readonly [Channel, number])[] = [
  ["direct", 34],
  ["google", 14],
  ["google_ads", 6],
  ["instagram", 8],
  ["facebook", 3],
  ["newsletter", 30],
  ["tiktok", 2],
  ["blog", 3],
];

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** landing_site (path + query) and referring_site (absolute URL or null) of the visit that led to the order. */
export function attribution(
  rng: Random,
  returning: boolean,
  at: Date,
  product: CatalogProduct,
): { landingSite: string; referringSite: string | null } {
  const channel = rng.weighted(returning ? RETURNING_CHANNELS : NEW_CUSTOMER_CHANNELS);
  const page = rng.chance(0.55)
    ? `/products/${slug(product.title)}`
    : rng.chance(0.5)
      ? "/"
      : `/collections/${product.category}`;
  const month = at.toISOString().slice(0, 7);
  switch (channel) {
    case "direct":
      return { landingSite: page, referringSite: null };
    case "google":
      return { landingSite: page, referringSite: "https://www.google.com/" };
    case "google_ads":
      return {
        landingSite: `${page}?utm_source=google&utm_medium=cpc&utm_campaign=${rng.pick(["brand", "shopping", "generic-outdoor"])}&gclid=${rng.hex(24)}`,
        referringSite: "https://www.google.com/",
      };
    case "instagram":
      return {
        landingSite: `${page}?utm_source=instagram&utm_medium=${rng.pick(["social", "paid_social"])}&utm_campaign=${rng.pick(["alpine-drop", "trail-season", "ugc-reels"])}`,
        referringSite: "https://l.instagram.com/",
      };
    case "facebook":
      return {
        landingSite: `${page}?utm_source=facebook&utm_medium=paid_social&fbclid=${rng.hex(20)}`,
        referringSite: "https://m.facebook.com/",
      };
    case "newsletter":
      return {
        landingSite: `${page}?utm_source=newsletter&utm_medium=email&utm_campaign=${month}-newsletter`,
        referringSite: null,
      };
    case "tiktok":
      return {
        landingSite: `${page}?utm_source=tiktok&utm_medium=social`,
        referringSite: "https://www.tiktok.com/",
      };
    case "blog":
      return {
        landingSite: page,
        referringSite: rng.pick([
          "https://www.outdoor-journal.example/best-base-layers",
          "https://trailblog.example/gear-list",
        ]),
      };
  }
}

const SOURCES: readonly (readonly [string, number])[] = [
  ["web", 70],
  ["iphone", 6],
  ["android", 4],
  ["pos", 9],
  ["shopify_draft_order", 3],
  ["2329312", 8], // 2329312: a sales-channel app id
];

export interface NewOrderContext {
  at: Date;
  customer: SimCustomer | null;
  /** Number of earlier orders by this customer (0 = first order). */
  priorOrders: number;
  category: string | null;
  shop: SimShopInfo;
  /** Black Friday weekend: more and bigger discounts. */
  promo: boolean;
}

/** A new, paid, unfulfilled order (ids from `ids`); lifecycle transitions are applied afterwards. */
export function newOrder(rng: Random, ids: IdAllocator, ctx: NewOrderContext): SimOrder {
  const sourceName = rng.weighted(SOURCES);
  const lineCount = Math.min(5, 1 + rng.poisson(ctx.promo ? 0.9 : 0.55));
  const chosen = new Set<number>();
  const lines: SimLineItem[] = [];
  for (let i = 0; i < lineCount; i++) {
    const product = pickProduct(rng, ctx.category, chosen);
    if (chosen.has(product.id)) continue;
    chosen.add(product.id);
    const variant = rng.pick(product.variants);
    lines.push({
      id: ids.next("lineItem"),
      productId: product.id,
      variantId: variant.id,
      title: product.title,
      variantTitle: variant.title === "Default Title" ? null : variant.title,
      sku: variant.sku,
      vendor: product.vendor,
      quantity: rng.weighted([
        [1, 85],
        [2, 12],
        [3, 3],
      ] as const),
      priceCents: variant.priceCents,
      requiresShipping: product.requiresShipping,
      discountCents: 0,
    });
  }
  const gross = lines.reduce((s, l) => s + l.priceCents * l.quantity, 0);
  let discountCodes: string[] = [];
  let percent = 0;
  if (ctx.promo && rng.chance(0.45)) [discountCodes, percent] = [["BLACKWEEK20"], 20];
  else if (ctx.priorOrders === 0 && ctx.customer && rng.chance(0.18)) [discountCodes, percent] = [["WELCOME10"], 10];
  else if (rng.chance(0.04)) [discountCodes, percent] = [[rng.pick(["SUMMIT15", "FRIENDS15"])], 15];
  const discountCents = Math.round((gross * percent) / 100);
  allocate(
    discountCents,
    lines.map((l) => l.priceCents * l.quantity),
  ).forEach((d, i) => {
    (lines[i] as SimLineItem).discountCents = d;
  });
  const ships = sourceName !== "pos" && lines.some((l) => l.requiresShipping);
  const shippingCents = !ships || gross - discountCents >= 6000 ? 0 : 490;
  const gateway =
    sourceName === "pos"
      ? rng.weighted([
          ["shopify_payments", 70],
          ["cash", 30],
        ] as const)
      : sourceName === "shopify_draft_order"
        ? "manual"
        : rng.weighted([
            ["shopify_payments", 78],
            ["paypal", 17],
            ["bank_transfer", 5],
          ] as const);
  const returning = ctx.priorOrders > 0;
  const attr =
    sourceName === "pos" || sourceName === "shopify_draft_order"
      ? { landingSite: null, referringSite: null }
      : attribution(
          rng,
          returning,
          ctx.at,
          DEMO_CATALOG.find((p) => p.id === lines[0]?.productId) ?? (DEMO_CATALOG[0] as CatalogProduct),
        );
  const number = ids.nextOrderNumber();
  const order: SimOrder = {
    id: ids.next("order"),
    number,
    name: `#${number}`,
    customerId: ctx.customer?.id ?? null,
    email: ctx.customer?.email ?? (sourceName === "pos" && rng.chance(0.5) ? null : `guest${number}@mail.example`),
    phone: ctx.customer?.phone ?? null,
    createdAt: ctx.at,
    processedAt: ctx.at,
    updatedAt: ctx.at,
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    currency: ctx.shop.currency,
    lineItems: lines,
    shippingCents,
    shippingTitle: ships ? (shippingCents === 0 ? "Free shipping" : "Standard") : null,
    discountCents,
    discountCodes,
    taxRateBasisPoints: 1900,
    taxesIncluded: ctx.shop.taxesIncluded,
    financialStatus: "paid",
    fulfillmentStatus: sourceName === "pos" ? "fulfilled" : null,
    test: false,
    sourceName,
    landingSite: attr.landingSite,
    referringSite: attr.referringSite,
    gateway,
    transactions: [],
    refunds: [],
    tags: [],
    note: null,
    buyerAcceptsMarketing: ctx.customer?.acceptsEmailMarketing ?? false,
  };
  const total = orderTotals(order).totalCents;
  const sale: SimTransaction = {
    id: ids.next("transaction"),
    kind: "sale",
    status: "success",
    amountCents: total,
    gateway,
    createdAt: ctx.at,
    parentId: null,
  };
  if (gateway === "bank_transfer" || gateway === "manual") {
    order.financialStatus = "pending";
  } else if (gateway === "paypal" || (gateway === "shopify_payments" && sourceName !== "pos" && rng.chance(0.3))) {
    // Authorize now, capture on fulfilment (manual capture is common for shipped goods).
    order.transactions.push({ ...sale, kind: "authorization" });
    order.financialStatus = "authorized";
  } else {
    order.transactions.push(sale);
  }
  return order;
}

/**
 * Read models of the customer-intelligence pages (Channels, Retention, Products, Top customers, Journey, Shopify
 * groups): the nightly's StoreInsight summaries parsed and shaped for each page, the merchant's acquisition
 * settings, and the live top-customer ranking from CustomerScore. Every read is scoped to one store; bad input is
 * answered with a 4xx Response, never a crash. Decision 138.
 */
import { journeyMoveDays } from "../overview.server";
import type { Db } from "../../db.server";
import { CHANNELS, CHANNEL_DESCRIPTIONS, type Channel } from "../../domain/intelligence/channels";
import type { ChannelValueRow, SurveyComparisonRow } from "../../domain/intelligence";
import {
  compareActualCost,
  DEFAULT_MAX_CAC_SETTINGS,
  explainMaxCac,
  MAX_CAC_SETTING_HELP,
  parseSpendCsv,
  type CostRow,
  type MaxCacRow,
  type MaxCacSettings,
} from "../../domain/intelligence/acquisition-cost";
import type { ChurnWindow, SegmentChurn } from "../../domain/intelligence/churn";
import type { JourneyCount, JourneyStage } from "../../domain/intelligence/journey";
import type { WhatIfResult } from "../../domain/intelligence/what-if";
import type { Agreement, AgreementCell } from "../../domain/intelligence/shopify-agreement";
import { RFM_SEGMENTS } from "../../domain/segments";
import { formatMoney } from "../format";
import { toSlug } from "../../domain/names";
import type { StoreView } from "../store-view";
import {
  ACQUISITION_SETTINGS_KIND,
  INSIGHT_HORIZONS,
  SPEND_PERIODS,
  TOP_CUSTOMERS_MAX,
  type InsightKind,
} from "./insight-types";
import { loadCampaignCost, type CampaignCostView } from "./campaign-spend.server";
import { nothingSavedMessage, readSpendFile, SPEND_CSV_MAX_LINES, type SpendFile } from "./spend-file";

export interface Insight<T> {
  data: T;
  computedAt: string;
}

export async function readInsight<T>(db: Db, storeId: string, kind: InsightKind): Promise<Insight<T> | null> {
  const row = await db.storeInsight.findUnique({ where: { storeId_kind: { storeId, kind } } });
  if (!row) return null;
  try {
    return { data: JSON.parse(row.data) as T, computedAt: row.computedAt.toISOString() };
  } catch {
    return null;
  }
}

export function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

// ---------------------------------------------------------------- channels

type StoredMaxCacRow = Omit<MaxCacRow, "explanation">;

export interface ChannelsInsight {
  referenceDay: number;
  predictive: boolean;
  channels: ChannelValueRow[];
  campaigns: ChannelValueRow[];
  survey: { channels: Channel[]; rows: SurveyComparisonRow[] };
  maxCac: Record<string, StoredMaxCacRow[]>;
  acquired: Record<string, number[]>;
}

export interface AcquisitionSettings {
  horizonDays: (typeof INSIGHT_HORIZONS)[number];
  /** Percent, 1..100. */
  grossMarginPercent: number;
  targetRatio: number;
  spendPeriodDays: (typeof SPEND_PERIODS)[number];
  /** Spend in minor units per channel name, over the spend period. */
  spendMinor: Partial<Record<Channel, number>>;
}

export const DEFAULT_ACQUISITION_SETTINGS: AcquisitionSettings = {
  horizonDays: 365,
  grossMarginPercent: DEFAULT_MAX_CAC_SETTINGS.grossMargin * 100,
  targetRatio: DEFAULT_MAX_CAC_SETTINGS.targetRatio,
  spendPeriodDays: 90,
  spendMinor: {},
};

export async function readAcquisitionSettings(db: Db, storeId: string): Promise<AcquisitionSettings> {
  const row = await db.storeInsight.findUnique({
    where: { storeId_kind: { storeId, kind: ACQUISITION_SETTINGS_KIND } },
  });
  if (!row) return DEFAULT_ACQUISITION_SETTINGS;
  try {
    return { ...DEFAULT_ACQUISITION_SETTINGS, ...(JSON.parse(row.data) as Partial<AcquisitionSettings>) };
  } catch {
    return DEFAULT_ACQUISITION_SETTINGS;
  }
}

/** Parses the Channels page's settings form; field errors in the merchant's words. */
export function parseAcquisitionForm(
  form: FormData,
  currencyDigits = 2,
): { settings: AcquisitionSettings; errors: null } | { settings: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const number = (name: string) => Number(text(name).replace(",", "."));
  const horizon = number("horizonDays");
  if (!(INSIGHT_HORIZONS as readonly number[]).includes(horizon)) errors.horizonDays = "Choose one of the horizons.";
  const margin = number("grossMarginPercent");
  if (!(text("grossMarginPercent") !== "" && margin > 0 && margin <= 100))
    errors.grossMarginPercent = "Enter a gross margin between 1 and 100 %.";
  const ratio = number("targetRatio");
  if (!(text("targetRatio") !== "" && ratio >= 0.1 && ratio <= 50))
    errors.targetRatio = "Enter a target between 0.1 and 50 (3 means 3 back for every 1 spent).";
  const period = number("spendPeriodDays");
  if (!(SPEND_PERIODS as readonly number[]).includes(period)) errors.spendPeriodDays = "Choose one of the periods.";
  const spendMinor: Partial<Record<Channel, number>> = {};
  CHANNELS.forEach((channel, k) => {
    const raw = text(`spend-${k}`);
    if (raw === "") return;
    const amount = Number(raw.replace(/[\s,]/g, ""));
    if (!Number.isFinite(amount) || amount < 0 || amount > 1e12) {
      errors[`spend-${k}`] = `Enter the ${channel} spend as a plain amount, e.g. 1200.50.`;
      return;
    }
    if (amount > 0) spendMinor[channel] = Math.round(amount * 10 ** currencyDigits);
  });
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  return {
    settings: {
      horizonDays: horizon as AcquisitionSettings["horizonDays"],
      grossMarginPercent: margin,
      targetRatio: ratio,
      spendPeriodDays: period as AcquisitionSettings["spendPeriodDays"],
      spendMinor,
    },
    errors: null,
  };
}

export type SpendUploadResult =
  | { ok: true; channels: number; totalMinor: number; spendPeriodDays: AcquisitionSettings["spendPeriodDays"] }
  | { ok: false; message: string; lineErrors: { line: number; message: string }[] };

/**
 * A spend sheet uploaded on the Channels page (`channel, amount` per line; see parseSpendCsv): all or nothing. Any bad
 * line is reported with its number and nothing is saved, so a half-read sheet never produces a misleading cost per
 * customer. A good sheet replaces the spend per channel for the chosen period; the other settings stay.
 */
export async function uploadSpendCsv(
  db: Db,
  storeId: string,
  file: SpendFile | null,
  period: string,
  currencyDigits = 2,
): Promise<SpendUploadResult> {
  const fail = (message: string, lineErrors: { line: number; message: string }[] = []) =>
    ({ ok: false, message, lineErrors }) as const;
  const periodDays = Number(period);
  if (!(SPEND_PERIODS as readonly number[]).includes(periodDays)) return fail("Choose the period the spend covers.");
  const read = await readSpendFile(file, "channel");
  if (!read.ok) return fail(read.message);
  const parsed = parseSpendCsv(read.text, { currencyDecimals: currencyDigits, maxLines: SPEND_CSV_MAX_LINES });
  if (parsed.errors.length > 0) return fail(nothingSavedMessage(parsed.errors.length), parsed.errors.slice(0, 50));
  if (parsed.rows.length === 0) return fail('The file has no spend lines (expected e.g. "Paid search, 1200.50").');
  const current = await readAcquisitionSettings(db, storeId);
  const spendMinor: Partial<Record<Channel, number>> = {};
  for (const row of parsed.rows) if (row.spendMinor > 0) spendMinor[row.channel] = row.spendMinor;
  const spendPeriodDays = periodDays as AcquisitionSettings["spendPeriodDays"];
  await saveAcquisitionSettings(db, storeId, { ...current, spendPeriodDays, spendMinor });
  return {
    ok: true,
    channels: Object.keys(spendMinor).length,
    totalMinor: parsed.rows.reduce((sum, r) => sum + r.spendMinor, 0),
    spendPeriodDays,
  };
}

export async function saveAcquisitionSettings(db: Db, storeId: string, settings: AcquisitionSettings): Promise<void> {
  const data = JSON.stringify(settings);
  const computedAt = new Date();
  await db.storeInsight.upsert({
    where: { storeId_kind: { storeId, kind: ACQUISITION_SETTINGS_KIND } },
    create: { storeId, kind: ACQUISITION_SETTINGS_KIND, data, computedAt },
    update: { data, computedAt },
  });
}

export interface ChannelsPageData {
  store: StoreView;
  computedAt: string | null;
  insight: ChannelsInsight | null;
  settings: AcquisitionSettings;
  settingHelp: Record<string, string>;
  maxCac: MaxCacRow[];
  cost: CostRow[];
  campaignCost: CampaignCostView;
  descriptions: Record<string, string>;
}

export async function loadChannelsPage(db: Db, store: StoreView): Promise<ChannelsPageData> {
  const [insight, settings] = await Promise.all([
    readInsight<ChannelsInsight>(db, store.id, "channels"),
    readAcquisitionSettings(db, store.id),
  ]);
  const format = (minor: number) => formatMoney(Math.round(minor), store.currency);
  const cac: MaxCacSettings = {
    ...DEFAULT_MAX_CAC_SETTINGS,
    horizonDays: settings.horizonDays,
    grossMargin: settings.grossMarginPercent / 100,
    targetRatio: settings.targetRatio,
  };
  const stored = insight?.data.maxCac[String(settings.horizonDays)] ?? insight?.data.maxCac["365"] ?? [];
  // The nightly stored value per customer; the merchant's margin and target apply here.
  const maxCac = stored.map((row) => {
    const profit = row.valuePerCustomer * cac.grossMargin;
    const scaled = { ...row, grossProfitPerCustomer: profit, maxCac: profit / cac.targetRatio, explanation: "" };
    return { ...scaled, explanation: explainMaxCac(scaled, cac, format) };
  });
  const acquired = insight?.data.acquired[String(settings.spendPeriodDays)] ?? [];
  const spend = Object.entries(settings.spendMinor)
    .filter(([channel, amount]) => (CHANNELS as readonly string[]).includes(channel) && (amount ?? 0) > 0)
    .map(([channel, amount]) => ({ channel: channel as Channel, spendMinor: amount! }));
  const cost = insight ? compareActualCost(spend, acquired, maxCac, format) : [];
  const campaignCost = await loadCampaignCost(db, store.id, insight?.data ?? null, cac, format);
  return {
    store,
    computedAt: insight?.computedAt ?? null,
    insight: insight?.data ?? null,
    settings,
    settingHelp: {
      horizonDays: MAX_CAC_SETTING_HELP.horizonDays,
      grossMargin: MAX_CAC_SETTING_HELP.grossMargin,
      targetRatio: MAX_CAC_SETTING_HELP.targetRatio,
      recentDays: MAX_CAC_SETTING_HELP.recentDays,
    },
    maxCac,
    cost,
    campaignCost,
    descriptions: CHANNEL_DESCRIPTIONS,
  };
}

// ---------------------------------------------------------------- retention

export interface RetentionInsight {
  referenceDay: number;
  cohorts: {
    cohorts: string[];
    months: number;
    size: number[];
    share: (number | null)[];
    averageShare: (number | null)[];
  };
  churnYears: ChurnWindow[];
  churnSegments: (SegmentChurn & { name: string })[];
  whatIf: (WhatIfResult & { segment: string })[];
  predictive: boolean;
}

export interface RetentionPageData {
  store: StoreView;
  computedAt: string | null;
  insight: RetentionInsight | null;
  segment: string;
  segments: { slug: string; name: string }[];
  whatIf: (WhatIfResult & { segment: string })[];
}

export async function loadRetentionPage(
  db: Db,
  store: StoreView,
  segmentSlug: string | null,
): Promise<RetentionPageData> {
  const insight = await readInsight<RetentionInsight>(db, store.id, "retention");
  const segments = RFM_SEGMENTS.filter((name) => name !== "Prospects").map((name) => ({ slug: toSlug(name), name }));
  const chosen = segmentSlug ?? "champions";
  const segment = segments.find((s) => s.slug === chosen);
  if (!segment) throw badRequest(`Unknown segment "${chosen.slice(0, 40)}".`);
  return {
    store,
    computedAt: insight?.computedAt ?? null,
    insight: insight?.data ?? null,
    segment: segment.slug,
    segments,
    whatIf: (insight?.data.whatIf ?? []).filter((r) => r.segment === segment.name),
  };
}

// ---------------------------------------------------------------- products

export interface ProductPair {
  a: string;
  b: string;
  baskets: number;
  support: number;
  confidenceAB: number;
  confidenceBA: number;
  lift: number;
}
export interface ProductCompanion {
  product: string;
  baskets: number;
  support: number;
  confidence: number;
  lift: number;
}
export interface ProductSummary {
  id: string;
  title: string;
  baskets: number;
  buyers: number;
  suggestedTo: number;
  withOrders: ProductCompanion[];
  withHistories: ProductCompanion[];
  segments: { segment: string; buyers: number; shareOfSegment: number; shareOfBuyers: number; index: number }[];
}
export interface ProductsInsight {
  baskets: number;
  histories: number;
  productCount: number;
  titles: Record<string, string>;
  pairs: { orders: ProductPair[]; histories: ProductPair[] };
  products: ProductSummary[];
  suggestionSources: Record<string, number>;
}

export type PairBasis = "orders" | "histories";
export type PairRank = "lift" | "support" | "confidence";

export interface ProductsPageData {
  store: StoreView;
  computedAt: string | null;
  insight: Omit<ProductsInsight, "products"> | null;
  basis: PairBasis;
  rank: PairRank;
  pairs: ProductPair[];
  products: Pick<ProductSummary, "id" | "title" | "baskets" | "buyers" | "suggestedTo">[];
  product: ProductSummary | null;
}

export async function loadProductsPage(
  db: Db,
  store: StoreView,
  query: { basis: string | null; rank: string | null; product: string | null },
): Promise<ProductsPageData> {
  const basis = (query.basis ?? "orders") as PairBasis;
  if (basis !== "orders" && basis !== "histories") throw badRequest("basis must be orders or histories.");
  const rank = (query.rank ?? "lift") as PairRank;
  if (!["lift", "support", "confidence"].includes(rank)) throw badRequest("rank must be lift, support or confidence.");
  const insight = await readInsight<ProductsInsight>(db, store.id, "products");
  const data = insight?.data ?? null;
  let product: ProductSummary | null = null;
  if (query.product !== null) {
    product = data?.products.find((p) => p.id === query.product) ?? null;
    if (!product) throw new Response("No such product in the latest analysis", { status: 404 });
  }
  const score = (p: ProductPair) =>
    rank === "lift" ? p.lift : rank === "support" ? p.support : Math.max(p.confidenceAB, p.confidenceBA);
  const pairs = [...(data?.pairs[basis] ?? [])].sort((x, y) => score(y) - score(x) || y.baskets - x.baskets);
  const products = data?.products ?? [];
  return {
    store,
    computedAt: insight?.computedAt ?? null,
    insight: data
      ? {
          baskets: data.baskets,
          histories: data.histories,
          productCount: data.productCount,
          titles: data.titles,
          pairs: data.pairs,
          suggestionSources: data.suggestionSources,
        }
      : null,
    basis,
    rank,
    pairs: pairs.slice(0, 50),
    products: products.slice(0, 100).map(({ id, title, baskets, buyers, suggestedTo }) => ({
      id,
      title,
      baskets,
      buyers,
      suggestedTo,
    })),
    product,
  };
}

// ---------------------------------------------------------------- top customers

export interface TopCustomerRowView {
  rank: number;
  id: string;
  externalId: string;
  name: string;
  segment: string;
  stage: string;
  orders: number;
  predictedMinor: string | null;
  historicMinor: string;
  channel: string | null;
  nextProduct: string | null;
}

export function parseTopQuery(url: URL): { n: number; basis: "predicted" | "historic" } {
  const rawN = url.searchParams.get("n");
  const n = rawN === null || rawN === "" ? 100 : Number(rawN);
  if (!Number.isInteger(n) || n < 1 || n > TOP_CUSTOMERS_MAX)
    throw badRequest(`n must be a whole number from 1 to ${TOP_CUSTOMERS_MAX}.`);
  const basis = url.searchParams.get("basis") ?? "predicted";
  if (basis !== "predicted" && basis !== "historic") throw badRequest("basis must be predicted or historic.");
  return { n, basis };
}

export async function topCustomerRows(
  db: Db,
  storeId: string,
  n: number,
  basis: "predicted" | "historic",
): Promise<TopCustomerRowView[]> {
  const scores = await db.customerScore.findMany({
    where: { storeId, orders: { gt: 0 }, ...(basis === "predicted" ? { predictedClvMinor: { not: null } } : {}) },
    orderBy:
      basis === "predicted"
        ? [{ predictedClvMinor: "desc" }, { monetaryMinor: "desc" }, { customerId: "asc" }]
        : [{ monetaryMinor: "desc" }, { predictedClvMinor: { sort: "desc", nulls: "last" } }, { customerId: "asc" }],
    take: n,
    select: {
      customerId: true,
      segment: true,
      stage: true,
      orders: true,
      predictedClvMinor: true,
      monetaryMinor: true,
    },
  });
  const ids = scores.map((s) => s.customerId);
  const [customers, insights] = await Promise.all([
    db.customer.findMany({
      where: { storeId, id: { in: ids } },
      select: { id: true, externalId: true, firstName: true, lastName: true, email: true },
    }),
    db.customerInsight.findMany({
      where: { storeId, customerId: { in: ids } },
      select: { customerId: true, channel: true, nextProduct: true },
    }),
  ]);
  const customerById = new Map(customers.map((c) => [c.id, c]));
  const insightById = new Map(insights.map((i) => [i.customerId, i]));
  return scores.map((s, k) => {
    const c = customerById.get(s.customerId);
    const name = [c?.firstName, c?.lastName].filter(Boolean).join(" ") || c?.email || `Customer ${c?.externalId ?? ""}`;
    return {
      rank: k + 1,
      id: s.customerId,
      externalId: c?.externalId ?? "",
      name,
      segment: s.segment,
      stage: s.stage,
      orders: s.orders,
      predictedMinor: s.predictedClvMinor === null ? null : s.predictedClvMinor.toString(),
      historicMinor: s.monetaryMinor.toString(),
      channel: insightById.get(s.customerId)?.channel ?? null,
      nextProduct: insightById.get(s.customerId)?.nextProduct ?? null,
    };
  });
}

// ---------------------------------------------------------------- journey

export interface JourneyInsight {
  counts: JourneyCount[];
  help: Record<JourneyStage, string>;
  thresholds: { typicalGapDays: number; longGapDays: number; irregularCv: number; cvSource: string };
  mapping: Record<JourneyStage, string | null>;
  ungroupedGuestOrders: number;
  consentKnown: boolean;
}

export interface JourneyPageData {
  store: StoreView;
  computedAt: string | null;
  insight: JourneyInsight | null;
  /** Journey stages of customers, from the per-customer rows (Ghost groups of guest orders are not rows). */
  stageMoves: { from: string; to: string; customers: number }[];
}

export async function loadJourneyPage(db: Db, store: StoreView): Promise<JourneyPageData> {
  const insight = await readInsight<JourneyInsight>(db, store.id, "journey");
  // Journey stage changes of the latest run that saw any (Occasional, Lead and Ghost included), as in segment movement.
  const days = await journeyMoveDays(db, store.id);
  const latest = [...days].reverse().find((d) => d.moves.length > 0);
  return {
    store,
    computedAt: insight?.computedAt ?? null,
    insight: insight?.data ?? null,
    stageMoves: (latest?.moves ?? []).filter((m) => m.from !== "(new)").slice(0, 12),
  };
}

// ---------------------------------------------------------------- Shopify groups

export interface ShopifyGroupsInsight {
  available: boolean;
  customers: number;
  withGroup: number;
  withTier: number;
  rfm?: Omit<Agreement, "counts"> & { counts: number[] };
  rfmExplanation?: string;
  disagreements?: (AgreementCell & { explanation: string })[];
  spend?: Omit<Agreement, "counts"> & { counts: number[] };
  spendLabels?: string[];
}

export interface ShopifyGroupsPageData {
  store: StoreView;
  computedAt: string | null;
  insight: ShopifyGroupsInsight | null;
  segmentNames: string[];
}

export async function loadShopifyGroupsPage(db: Db, store: StoreView): Promise<ShopifyGroupsPageData> {
  const insight = await readInsight<ShopifyGroupsInsight>(db, store.id, "shopify-groups");
  return {
    store,
    computedAt: insight?.computedAt ?? null,
    insight: insight?.data ?? null,
    segmentNames: [...RFM_SEGMENTS],
  };
}

// ---------------------------------------------------------------- customer page

export interface CustomerInsightView {
  channel: string | null;
  campaign: string | null;
  journeyStage: string | null;
  nextProduct: string | null;
  nextBecause: string | null;
}

export async function customerInsight(
  db: Db,
  storeId: string,
  customerId: string,
): Promise<CustomerInsightView | null> {
  return db.customerInsight.findUnique({
    where: { storeId_customerId: { storeId, customerId } },
    select: { channel: true, campaign: true, journeyStage: true, nextProduct: true, nextBecause: true },
  });
}

/**
 * The nightly's customer-intelligence phases (issue 15), run after scoring on the same customer table:
 *  - "intelligence": acquisition channel of each customer's first counted order, value per channel and campaign,
 *    the maximum acquisition cost basis, cohorts and churn, the what-if per segment, the nine-stage journey and
 *    the agreement with Shopify's own groups;
 *  - "products": baskets from the order lines, pairs bought together (over orders and over each customer's
 *    history), the segments that buy each product and a next-product suggestion per customer;
 *  - "intelligence-write": the per-customer rows (CustomerInsight) and the summaries (StoreInsight, one JSON row
 *    per kind), which the Channels, Retention, Products, Journey and Shopify groups pages read; written beside
 *    the run's tag diff, on a writer of its own (decision 167).
 * Every query is scoped to the one store. A failure here is logged and reported in the run's counts; it never
 * fails the recompute (the scores are already written; the tags are planned from the stored suggestions).
 * Decision 137.
 */
import { createHash } from "node:crypto";
import type { Db } from "../../db.server";
import { storeHasRows } from "../../db/bulk-reader.server";
import type { BulkWriter } from "../../db/bulk-writer.server";
import { overlappedColumnWrite } from "../../db/overlapped-write.server";
import { deleteRowsNotWrittenBy } from "../../db/chunked-delete.server";
import { isTrue, sqliteOffset, type Dialect } from "../../db/sql.server";
import { logger } from "../../logger.server";
import { customerLocator } from "../customer-locator";
import { asCountModel as bgNbdModel } from "../../domain/clv/bgnbd";
import type { CountModel } from "../../domain/clv/countmodel";
import { asCountModel as mbgNbdModel } from "../../domain/clv/mbgnbd";
import { asCountModel as paretoNbdModel } from "../../domain/clv/paretonbd";
import { RFM_SEGMENTS } from "../../domain/segments";
import { CHANNELS, compareWithSurvey } from "../../domain/intelligence/channels";
import { valueByCampaign, valueByChannel } from "../../domain/intelligence/channel-value";
import { countAcquired, maxAcquisitionCost } from "../../domain/intelligence/acquisition-cost";
import { roundOrNull as round } from "../../domain/math/round";
import { purchaseHistory, type PurchaseHistory } from "../../domain/intelligence/purchase-history";
import { retentionCohorts } from "../../domain/intelligence/cohorts";
import { churnByRfmSegment, churnByYear } from "../../domain/intelligence/churn";
import { repeatRateWhatIf } from "../../domain/intelligence/what-if";
import {
  classifyJourney,
  ghostGroups,
  JOURNEY_STAGES,
  JOURNEY_TO_LIFECYCLE,
  journeyCounts,
  journeyStageHelp,
  NO_JOURNEY_STAGE,
} from "../../domain/intelligence/journey";
import {
  explainRfmAgreement,
  explainRfmDifference,
  rfmGroupAgreement,
  SHOPIFY_PREDICTED_SPEND_TIERS,
  SHOPIFY_RFM_GROUPS,
  spendTierAgreement,
} from "../../domain/intelligence/shopify-agreement";
import type { CustomerFacts, CustomerTable, OrderBaskets } from "./aggregate.server";
import type { Acquisitions } from "./acquisition-collector";
import { Float64Column } from "./growable-columns";
import { stepMarker, type Steps } from "../step-timer";
import type { ScoreTable } from "./score-customers";
import type { ProductResults } from "./product-insights";
import type { PendingProductInsights } from "./product-insights-in-worker.server";
import {
  INSIGHT_HORIZONS,
  JOURNEY_MOVES_KIND,
  mergeJourneyMoves,
  SPEND_PERIODS,
  type InsightKind,
  type JourneyMove,
  type JourneyMovesDay,
} from "../../read-models/intelligence/insight-types";

export type Timed = <T>(name: string, work: () => Promise<T> | T, count?: (t: T) => number) => Promise<T>;

export interface IntelligenceInput {
  db: Db;
  bulk: BulkWriter;
  dialect: Dialect;
  store: { id: string; platform: string; domain: string; timezone: string };
  table: CustomerTable & { facts: CustomerFacts; baskets: OrderBaskets };
  /** The first orders' channels, classified while the one read streamed them (acquisition-collector.ts). */
  acquisition: Acquisitions;
  scores: ScoreTable;
  referenceDay: number;
  reference: Date;
  utcOffsetMinutes: number;
  computedAt: Date;
  rfmBins?: number;
  /** The products phase, started by the run once the orders were read (on a thread of its own at scale). */
  products: PendingProductInsights;
}

export interface IntelligenceCounts {
  customersWithChannel: number;
  products: number;
  baskets: number;
  suggestions: number;
  steps?: Steps;
  error?: string;
}

const CAMPAIGNS_KEPT = 60;

function countedOrderFilter(dialect: Dialect): string {
  return `o."storeId" = $store AND o."deletedAt" IS NULL AND ${isTrue(dialect, `o."countsForValue"`)}
      AND (o."netMinor" > 0 OR o."grossMinor" = 0) AND o."processedAt" <= $reference`;
}

function countModel(name: string, params: Record<string, number>): CountModel | null {
  try {
    if (name === "bgnbd") return bgNbdModel(params as never);
    if (name === "mbgnbd") return mbgNbdModel(params as never);
    if (name === "paretonbd") return paretoNbdModel(params as never);
  } catch {
    return null;
  }
  return null;
}

/** JSON with non-finite numbers as null and typed arrays as plain arrays. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) return null;
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

interface Loaded {
  /** Each customer's journey stage as the previous run stored it (CustomerInsight), NO_JOURNEY_STAGE for none. */
  previousJourney: Uint8Array;
  /** Whether the previous run stored any stage at all (a first run records no moves). */
  hadJourney: boolean;
  history: PurchaseHistory;
  channel: Uint8Array;
  campaign: (string | null)[];
  firstOrderValue: Float64Array;
  acceptsMarketing: Uint8Array;
  hasAccount: Uint8Array;
  wooGuest: Uint8Array;
  shopifyGroup: (string | null)[];
  shopifyTier: (string | null)[];
  surveyAnswer: (string | null)[];
  nps: Float64Array;
  guestKeys: (string | null)[];
  guestAmounts: Float64Array;
}

async function load(input: IntelligenceInput, steps: Steps): Promise<Loaded> {
  const mark = stepMarker(steps);
  const { table, dialect, store } = input;
  const reader = input.bulk.reader;
  const n = table.size;
  const params = {
    store: store.id,
    reference: input.reference,
    offset: sqliteOffset(input.utcOffsetMinutes),
    tz: store.timezone,
  };
  const locate = customerLocator(table.ids);

  // Accounts: WooCommerce guests are customers keyed by "guest:" (grouped by e-mail); everyone else has an account.
  const wooGuest = new Uint8Array(n);
  const hasAccount = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const guest = table.externalIds[i]!.startsWith("guest:");
    wooGuest[i] = guest ? 1 : 0;
    hasAccount[i] = guest ? 0 : 1;
  }

  // Last run's journey stages: today's moves between them are segment movement for the journey (one sequential read).
  const previousJourney = new Uint8Array(n).fill(NO_JOURNEY_STAGE);
  let hadJourney = false;
  for await (const batch of reader.rows(
    `SELECT "customerId", "journeyStage" FROM "CustomerInsight" WHERE "storeId" = $store AND "journeyStage" IS NOT NULL`,
    { store: store.id },
  )) {
    for (const [customerId, stage] of batch) {
      hadJourney = true;
      const i = locate(String(customerId));
      const code = (JOURNEY_STAGES as readonly string[]).indexOf(String(stage));
      if (i >= 0 && code >= 0) previousJourney[i] = code;
    }
  }
  mark("read_customers");
  const { baskets } = table;
  const history = purchaseHistory(baskets.customer, baskets.day, n, baskets.amount);
  mark("purchase_history");

  // Guest orders without a customer record (Shopify guests): grouped by a keyed hash of the e-mail, in memory only.
  const guestKeys: (string | null)[] = [];
  const guestAmounts = new Float64Column();
  for await (const batch of reader.rows(
    `SELECT o."email", o."netMinor" FROM "Order" o
     WHERE ${countedOrderFilter(dialect)} AND o."customerId" IS NULL AND o."customerExternalId" IS NULL`,
    params,
  )) {
    for (const [email, net] of batch) {
      const normalized = typeof email === "string" ? email.trim().toLowerCase() : "";
      guestKeys.push(
        normalized.includes("@")
          ? createHash("sha256").update(`${store.id}\u0000${normalized}`).digest("base64url").slice(0, 22)
          : null,
      );
      guestAmounts.push(Number(net));
    }
  }

  // Survey answers: the latest "how did you hear about us" answer and NPS score per customer.
  const surveyAnswer = new Array<string | null>(n).fill(null);
  const nps = new Float64Array(n).fill(NaN);
  for await (const batch of reader.rows(
    `SELECT r."customerId", r."questionId", r."answerId", r."score" FROM "SurveyResponse" r
     WHERE r."storeId" = $store AND r."customerId" IS NOT NULL AND r."questionId" IN ('attribution', 'nps')
     ORDER BY r."createdAt"`,
    { store: store.id },
  )) {
    const lookup = customerLocator(table.ids);
    for (const [customerId, questionId, answerId, score] of batch) {
      const i = lookup(String(customerId));
      if (i < 0) continue;
      if (questionId === "attribution" && typeof answerId === "string") surveyAnswer[i] = answerId;
      if (questionId === "nps" && score !== null && score !== undefined) nps[i] = Number(score);
    }
  }
  mark("read_guests_and_answers");
  return {
    previousJourney,
    hadJourney,
    history,
    ...input.acquisition,
    acceptsMarketing: table.facts.acceptsMarketing,
    hasAccount,
    wooGuest,
    shopifyGroup: table.facts.shopifyGroup,
    shopifyTier: table.facts.shopifyTier,
    surveyAnswer,
    nps,
    guestKeys,
    guestAmounts: guestAmounts.view(),
  };
}

/** Stage changes between two runs, counted per (from, to); leaving every stage is not a move. */
function journeyMoves(previous: Uint8Array, current: Uint8Array): JourneyMove[] {
  const S = JOURNEY_STAGES.length;
  const counts = new Uint32Array((S + 1) * S);
  for (let i = 0; i < current.length; i++) {
    const to = current[i]!;
    const from = previous[i]!;
    if (to === NO_JOURNEY_STAGE || from === to) continue;
    counts[(from === NO_JOURNEY_STAGE ? S : from) * S + to]!++;
  }
  const moves: JourneyMove[] = [];
  for (let f = 0; f <= S; f++)
    for (let t = 0; t < S; t++) {
      const customers = counts[f * S + t]!;
      if (customers > 0)
        moves.push({ from: f === S ? "(new)" : JOURNEY_STAGES[f]!, to: JOURNEY_STAGES[t]!, customers });
    }
  return moves.sort((a, b) => b.customers - a.customers);
}

interface Summaries {
  customerJourney: Uint8Array;
  /** Customers whose journey stage differs from the previous run's ("(new)": no stage then). */
  journeyMoves: JourneyMove[];
  segmentIndex: Uint8Array;
  insights: Partial<Record<InsightKind, unknown>>;
}

async function summarize(input: IntelligenceInput, loaded: Loaded, steps: Steps): Promise<Summaries> {
  const marker = stepMarker(steps);
  // A turn of the event loop after each step: the score write's chunks are built on this thread (on SQLite written
  // by the writer's thread meanwhile, decision 174), and they are handed over only between steps.
  const mark = async (name: string) => {
    marker(name);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const { table, scores, referenceDay } = input;
  const n = table.size;
  const p = scores.predicted;
  const segmentIndex = scores.segmentIndex;
  const firstDay = Float64Array.from({ length: n }, (_, i) => (table.purchaseDays[i]! > 0 ? table.firstDay[i]! : NaN));
  const secondDay = Float64Array.from({ length: n }, (_, i) => {
    const k = loaded.history.offsets[i]! + 1;
    return k < loaded.history.offsets[i + 1]! ? loaded.history.day[k]! : NaN;
  });
  const predicted12 = Float64Array.from({ length: n }, (_, i) =>
    p && table.purchaseDays[i]! > 0 ? p.expected365[i]! * p.expectedAov[i]! : NaN,
  );
  const channelInput = {
    channel: loaded.channel,
    campaign: loaded.campaign,
    orders: table.orders,
    historicValue: table.totalSpend,
    predictedValue: p ? predicted12 : null,
    npsScore: loaded.nps,
    firstOrderDay: firstDay,
    secondOrderDay: secondDay,
  };
  const channelRows = valueByChannel(channelInput, { referenceDay });
  const campaignRows = valueByCampaign(channelInput, { referenceDay })
    .filter((r) => r.campaign !== null)
    .slice(0, CAMPAIGNS_KEPT);
  const survey = compareWithSurvey(loaded.channel, loaded.surveyAnswer);

  // Maximum acquisition cost basis per horizon (margin 1, ratio 1: the page applies the merchant's settings).
  const model = p && scores.clv.countFit ? countModel(scores.clv.model, scores.clv.countFit.params) : null;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(table.purchaseDays[i]! > 0)) continue;
    x[i] = table.purchaseDays[i]! - 1;
    tx[i] = table.lastDay[i]! - table.firstDay[i]!;
    T[i] = referenceDay - table.firstDay[i]!;
  }
  await mark("channel_value");
  const maxCac: Record<string, unknown> = {};
  for (const horizon of INSIGHT_HORIZONS) {
    const value = new Float64Array(n).fill(NaN);
    if (model && p) {
      const memo = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        if (!(table.purchaseDays[i]! > 0)) continue;
        const key = x[i]! * 100_000 + T[i]!;
        let ifAlive = memo.get(key);
        if (ifAlive === undefined) {
          ifAlive = model.expectedIfAlive(x[i]!, T[i]!, horizon);
          memo.set(key, ifAlive);
        }
        value[i] = p.pAlive[i]! * ifAlive * p.expectedAov[i]!;
      }
    }
    maxCac[String(horizon)] = maxAcquisitionCost(
      {
        channel: loaded.channel,
        firstOrderDay: firstDay,
        firstOrderValue: loaded.firstOrderValue,
        predictedValue: value,
      },
      referenceDay,
      { horizonDays: horizon, grossMargin: 1, targetRatio: 1 },
    ).map(({ explanation: _e, ...row }) => row);
  }
  const acquired = Object.fromEntries(
    SPEND_PERIODS.map((days) => [
      String(days),
      Array.from(countAcquired(loaded.channel, firstDay, referenceDay - days + 1, referenceDay)),
    ]),
  );

  // Retention: cohorts, churn per year and per segment, what-if per segment.
  await mark("max_cac");
  const cohorts = retentionCohorts(loaded.history, referenceDay);
  const churnYears = churnByYear(loaded.history, referenceDay, 3);
  await mark("cohorts_churn_year");
  const churnSegments = churnByRfmSegment(loaded.history, referenceDay, { bins: input.rfmBins ?? 5 });
  await mark("churn_segment");
  const whatIf: unknown[] = [];
  if (model && p) {
    for (let s = 0; s < RFM_SEGMENTS.length; s++) {
      for (const lever of ["retention", "frequency"] as const) {
        const r = repeatRateWhatIf(
          { model, x, tx, T, orderValue: p.expectedAov, customerSegment: segmentIndex },
          { segment: s, horizon: 365, lever },
        );
        if (r.customers > 0) whatIf.push({ segment: RFM_SEGMENTS[s], ...r });
      }
    }
  }

  // Journey: the run's lifecycle classification with the nine stages on top; Woo guests and Shopify guests as Ghosts.
  await mark("what_if");
  const lifecycle = scores.lifecycle;
  const journey = classifyJourney(
    {
      lifecycle,
      history: loaded.history,
      hasAccount: loaded.hasAccount,
      marketingConsent: loaded.acceptsMarketing,
    },
    referenceDay,
  );
  const ghostStage = JOURNEY_STAGES.indexOf("Ghost");
  for (let i = 0; i < n; i++) if (loaded.wooGuest[i] === 1 && table.purchaseDays[i]! > 0) journey.stage[i] = ghostStage;
  const ghosts = ghostGroups(loaded.guestKeys, loaded.guestAmounts);
  const counts = journeyCounts(journey, table.totalSpend, ghosts);
  const consentKnown = loaded.acceptsMarketing.some((v) => v !== 2);

  // Shopify's own groups, where read.
  await mark("journey");
  const withGroup = loaded.shopifyGroup.reduce((k, g) => k + (g === null ? 0 : 1), 0);
  const withTier = loaded.shopifyTier.reduce((k, g) => k + (g === null ? 0 : 1), 0);
  let shopifyGroups: unknown = { available: false, customers: n, withGroup, withTier };
  if (withGroup > 0 || withTier > 0) {
    const rfm = rfmGroupAgreement(segmentIndex, loaded.shopifyGroup, 8);
    const spend = spendTierAgreement(p ? p.clv : scores.historicClv, loaded.shopifyTier);
    shopifyGroups = {
      available: true,
      customers: n,
      withGroup,
      withTier,
      rfm: { ...rfm, counts: Array.from(rfm.counts) },
      rfmExplanation: explainRfmAgreement(rfm),
      disagreements: rfm.topDisagreements.map((cell) => {
        const ciclo = RFM_SEGMENTS[SHOPIFY_RFM_GROUPS.indexOf(cell.ciclo)]!;
        return { ...cell, explanation: explainRfmDifference(ciclo, cell.shopify) };
      }),
      spend: { ...spend, counts: Array.from(spend.counts) },
      spendLabels: SHOPIFY_PREDICTED_SPEND_TIERS,
    };
  }

  await mark("shopify_groups");
  return {
    customerJourney: journey.stage,
    journeyMoves: loaded.hadJourney ? journeyMoves(loaded.previousJourney, journey.stage) : [],
    segmentIndex,
    insights: {
      channels: {
        referenceDay,
        predictive: p !== null,
        channels: channelRows,
        campaigns: campaignRows,
        survey: { channels: CHANNELS, rows: survey },
        maxCac,
        acquired,
      },
      retention: {
        referenceDay,
        cohorts: {
          cohorts: cohorts.cohorts,
          months: cohorts.months,
          size: Array.from(cohorts.size),
          share: cohorts.share.map((v) => round(v)),
          averageShare: cohorts.averageShare.map((v) => round(v)),
        },
        churnYears,
        churnSegments,
        whatIf,
        predictive: model !== null,
      },
      journey: {
        counts,
        help: journeyStageHelp(journey),
        thresholds: journey.thresholds,
        mapping: JOURNEY_TO_LIFECYCLE,
        ungroupedGuestOrders: ghosts.ungroupedOrders,
        consentKnown,
      },
      "shopify-groups": shopifyGroups,
    },
  };
}

const INSIGHT_COLUMNS = [
  { name: "storeId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "computedAt", type: "timestamp" },
  { name: "channel", type: "text" },
  { name: "campaign", type: "text" },
  { name: "journeyStage", type: "text" },
  { name: "nextProductId", type: "text" },
  { name: "nextProduct", type: "text" },
  { name: "nextBecause", type: "text" },
] as const;

async function writeResults(
  input: IntelligenceInput,
  loaded: Loaded,
  summaries: Summaries,
  product: ProductResults | null,
  steps: Steps,
): Promise<number> {
  const { db, bulk, table, store, computedAt } = input;
  const mark = stepMarker(steps);
  // The store-wide insights first (all but the journey moves, below): on SQLite the rows below queue behind the score
  // rows on the write thread, and this thread would only wait for them; written last, these few statements were part
  // of the run's last second.
  const kinds = { ...summaries.insights, ...(product ? { products: product.summary } : {}) };
  for (const [kind, data] of Object.entries(kinds)) {
    const json = toJson(data);
    await db.storeInsight.upsert({
      where: { storeId_kind: { storeId: store.id, kind } },
      create: { storeId: store.id, kind, data: json, computedAt },
      update: { data: json, computedAt },
    });
  }
  mark("write_store_insights");
  const options = {
    table: "CustomerInsight",
    columns: INSIGHT_COLUMNS.map((c) => ({ ...c })),
    conflict: ["storeId", "customerId"],
    // A store's first run: nothing to collide with, so PostgreSQL copies the rows straight in (decision 158).
    newRows: !(await storeHasRows(bulk.reader, "CustomerInsight", store.id)),
  };
  const insights = overlappedColumnWrite(bulk, options);
  // Written as columns (column-chunk.ts), a chunk at a time: the customer id and the six texts after computedAt.
  const textColumns = () => Array.from({ length: INSIGHT_COLUMNS.length - 2 }, () => [] as (string | null)[]);
  let texts = textColumns();
  const send = async () => {
    const [customerIds, ...rest] = texts;
    texts = textColumns();
    if (customerIds!.length === 0) return;
    const columns = [{ constant: store.id }, customerIds!, { constant: computedAt }, ...rest];
    await insights.push({ length: customerIds!.length, columns });
  };
  for (let i = 0; i < table.size; i++) {
    const stage = summaries.customerJourney[i]!;
    const code = loaded.channel[i]!;
    if (stage === NO_JOURNEY_STAGE && code === 255) continue;
    const next = product ? product.suggestion[i]! : -1;
    const because = product ? product.because[i]! : -1;
    const [ids, channels, campaigns, stages, nextIds, nextTitles, reasons] = texts;
    ids!.push(table.ids[i]!);
    channels!.push(code === 255 ? null : CHANNELS[code]!);
    campaigns!.push(loaded.campaign[i] ?? null);
    stages!.push(stage === NO_JOURNEY_STAGE ? null : JOURNEY_STAGES[stage]!);
    nextIds!.push(next >= 0 && product ? product.productIds[next]! : null);
    nextTitles!.push(next >= 0 && product ? product.titles[next]! : null);
    reasons!.push(because >= 0 && product ? product.titles[because]! : null);
    if (texts[0]!.length === 20_000) await send();
  }
  await send();
  const written = await insights.done();
  mark("write_insights");
  // Customers this run did not classify (gone, redacted, no longer counted): a few thousand rows per statement, so
  // the write lock is never held long. A store's first run has none, and the search would scan every row it just
  // wrote (a third of a second at a million customers on SQLite, at the run's very end) to find nothing.
  if (!options.newRows) await deleteRowsNotWrittenBy(bulk, "CustomerInsight", store.id, computedAt);
  mark("delete_stale_insights");
  // Journey stage moves join the days already recorded (the run's local day, as segment movement's days). Only once
  // the rows hold the stages they were counted against: the next run counts its moves from those.
  const held = await db.storeInsight.findUnique({
    where: { storeId_kind: { storeId: store.id, kind: JOURNEY_MOVES_KIND } },
    select: { data: true },
  });
  let days: JourneyMovesDay[] = [];
  try {
    days = held ? ((JSON.parse(held.data) as { days?: JourneyMovesDay[] }).days ?? []) : [];
  } catch {
    days = []; // unreadable: start over rather than fail the phase
  }
  const day = new Date(input.referenceDay * 86_400_000).toISOString().slice(0, 10);
  const moves = JSON.stringify({ days: mergeJourneyMoves(days, day, summaries.journeyMoves) });
  await db.storeInsight.upsert({
    where: { storeId_kind: { storeId: store.id, kind: JOURNEY_MOVES_KIND } },
    create: { storeId: store.id, kind: JOURNEY_MOVES_KIND, data: moves, computedAt },
    update: { data: moves, computedAt },
  });
  mark("write_journey_moves");
  return written;
}

/** What the phases give the rest of the run: counts for the record, and the labels the tag diff writes back. */
export interface IntelligenceResult {
  counts: IntelligenceCounts;
  /**
   * Customer i (index into the run's table) -> the title of the product to suggest next, or null. When the phases
   * failed: last night's stored suggestions, so a failed night never erases what was written back.
   */
  nextProduct: (i: number) => string | null;
  /**
   * Settles once the per-customer rows and the summaries are stored: they are written while the run goes on (the
   * tag diff, on a writer of its own). `failed` when that write failed (recorded in `counts`): the stored
   * suggestions are then not `nextProduct`'s but what the failed write left (storedSuggestions). Never rejects.
   */
  written: Promise<{ failed: boolean }>;
}

/**
 * Runs the phases; each is recorded through `timed` so the run's phases (and bench:nightly) show it. Returns once
 * the results are computed; their write goes on beside the caller's next phase (`written`).
 */
export async function runIntelligence(input: IntelligenceInput, timed: Timed): Promise<IntelligenceResult> {
  const computed = await computePhases(input, timed);
  if ("error" in computed) {
    return {
      counts: computed.counts,
      nextProduct: await storedSuggestions(input.db, input.store.id, input.table.ids),
      written: Promise.resolve({ failed: false }),
    };
  }
  const { counts, nextProduct, write } = computed;
  const written = timed("intelligence-write", write, (k) => k).then(
    () => ({ failed: false }),
    (error: unknown) => {
      logger.error("customer intelligence write failed", { storeId: input.store.id, error: String(error) });
      counts.error = String(error).slice(0, 300);
      return { failed: true };
    },
  );
  return { counts, nextProduct, written };
}

/** Customer i -> the next-product suggestion stored for them (CustomerInsight), or null. */
export async function storedSuggestions(
  db: Db,
  storeId: string,
  ids: readonly string[],
): Promise<(i: number) => string | null> {
  const stored = new Map(
    (
      await db.customerInsight.findMany({
        where: { storeId, nextProduct: { not: null } },
        select: { customerId: true, nextProduct: true },
      })
    ).map((r) => [r.customerId, r.nextProduct]),
  );
  return (i) => stored.get(ids[i]!) ?? null;
}

async function computePhases(
  input: IntelligenceInput,
  timed: Timed,
): Promise<
  | { counts: IntelligenceCounts; nextProduct: (i: number) => string | null; write: () => Promise<number> }
  | {
      counts: IntelligenceCounts;
      error: true;
    }
> {
  try {
    const steps: Steps = {};
    const { loaded, summaries } = await timed("intelligence", async () => {
      const loadedData = await load(input, steps);
      return { loaded: loadedData, summaries: await summarize(input, loadedData, steps) };
    });
    // Where it ran on a thread of its own, this phase is the wait for it; its steps are that thread's own times.
    const product = await timed(
      "products",
      async () => {
        const done = await input.products.result();
        Object.assign(steps, done.steps);
        return done.products;
      },
      (r) => r.productIds.length,
    );
    let suggestions = 0;
    for (let i = 0; i < product.suggestion.length; i++) if (product.suggestion[i]! >= 0) suggestions++;
    const counts: IntelligenceCounts = {
      customersWithChannel: loaded.channel.reduce((k, c) => k + (c === 255 ? 0 : 1), 0),
      products: product.productIds.length,
      baskets: product.baskets,
      suggestions,
      steps,
    };
    // Exactly what CustomerInsight holds (write() skips customers with neither a journey stage nor a channel): the
    // WooCommerce writer reads it back there, and the diff must agree with it.
    const nextProduct = (i: number) => {
      const k = product.suggestion[i]!;
      if (k < 0 || (summaries.customerJourney[i] === NO_JOURNEY_STAGE && loaded.channel[i] === 255)) return null;
      return product.titles[k]!;
    };
    // On a writer beside the run's own where the database has one (the caller's tag diff writes at the same time).
    const write = () =>
      writeResults({ ...input, bulk: input.bulk.beside() ?? input.bulk }, loaded, summaries, product, steps);
    return { counts, nextProduct, write };
  } catch (error) {
    input.products.cancel();
    logger.error("customer intelligence failed", { storeId: input.store.id, error: String(error) });
    const counts = {
      customersWithChannel: 0,
      products: 0,
      baskets: 0,
      suggestions: 0,
      error: String(error).slice(0, 300),
    };
    return { counts, error: true };
  }
}

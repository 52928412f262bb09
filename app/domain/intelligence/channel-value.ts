/**
 * Value of the customers each channel (and each campaign) brought: how many, how many came back, what they
 * are worth so far and are predicted to be worth, and what they say (NPS). Columns in, plain rows out.
 *
 * Definitions (per group of customers acquired through it; money in the units given, e.g. minor units):
 * - customers: customers with at least one counted order whose first counted order came through the group;
 * - repeat rate: share of them with 2+ counted orders. Young customers have had less time to come back, so
 *   when first and second order days are given, the *12-month repeat rate* is also reported: among customers
 *   acquired at least `repeatWindowDays` before the reference day, the share whose second order came within
 *   that many days of the first. Compare channels on that one;
 * - mean predicted value: mean of the per-customer predicted value passed in (the nightly passes the CLV over
 *   the next 12 months from analyzeCustomerValue), over customers with a finite prediction;
 * - mean historic value: mean net spend to date;
 * - NPS: from each customer's latest 0-10 answer (surveys/nps.ts, with its confidence interval).
 */
import { CHANNELS, type Channel } from "./channels";
import { summarizeNps, type NpsSummary } from "../surveys/nps";
import { toCsv, type CsvCell } from "../surveys/csv";

export interface ChannelValueInput {
  /** Channel code per customer (index into CHANNELS); anything else is left out. */
  channel: ArrayLike<number>;
  /** Normalized campaign of the first order, or null. Needed for valueByCampaign. */
  campaign?: ArrayLike<string | null>;
  /** Counted orders; customers with none were not acquired and are left out. */
  orders: ArrayLike<number>;
  /** Net spend to date. */
  historicValue: ArrayLike<number>;
  /** Predicted value over the next 12 months (or the horizon the caller chose); NaN when unknown. */
  predictedValue?: ArrayLike<number> | null;
  /** Latest NPS answer 0..10; NaN or out of range when none. */
  npsScore?: ArrayLike<number> | null;
  /** Epoch days of the first and second counted orders (second: NaN when none), for the 12-month repeat rate. */
  firstOrderDay?: ArrayLike<number>;
  secondOrderDay?: ArrayLike<number>;
}

export interface ChannelValueOptions {
  /** Needed for the 12-month repeat rate. */
  referenceDay?: number;
  /** Default 365. */
  repeatWindowDays?: number;
  /** Groups with fewer customers are flagged `smallSample`. Default 30. */
  minCustomers?: number;
}

export interface ChannelValueRow {
  channel: Channel;
  /** null for channel rows, and for customers without a campaign in campaign rows. */
  campaign: string | null;
  customers: number;
  repeatCustomers: number;
  repeatRate: number | null;
  /** Customers old enough to be judged, those who came back within the window, and the share. */
  windowRepeat: { eligible: number; repeated: number; rate: number | null } | null;
  meanPredictedValue: number | null;
  meanHistoricValue: number | null;
  totalHistoricValue: number;
  nps: NpsSummary;
  smallSample: boolean;
}

interface Accumulator {
  channel: number;
  campaign: string | null;
  customers: number;
  repeaters: number;
  eligible: number;
  repeatedInWindow: number;
  predictedSum: number;
  predictedCount: number;
  historicSum: number;
  promoters: number;
  passives: number;
  detractors: number;
}

function newAccumulator(channel: number, campaign: string | null): Accumulator {
  return {
    channel,
    campaign,
    customers: 0,
    repeaters: 0,
    eligible: 0,
    repeatedInWindow: 0,
    predictedSum: 0,
    predictedCount: 0,
    historicSum: 0,
    promoters: 0,
    passives: 0,
    detractors: 0,
  };
}

function* npsScores(acc: Accumulator): Generator<number> {
  for (let i = 0; i < acc.promoters; i++) yield 10;
  for (let i = 0; i < acc.passives; i++) yield 8;
  for (let i = 0; i < acc.detractors; i++) yield 0;
}

function aggregate(
  input: ChannelValueInput,
  options: ChannelValueOptions,
  keyOf: (i: number, channel: number) => string,
  campaignOf: (i: number) => string | null,
): ChannelValueRow[] {
  const windowDays = options.repeatWindowDays ?? 365;
  const withWindow =
    options.referenceDay !== undefined && input.firstOrderDay !== undefined && input.secondOrderDay !== undefined;
  const groups = new Map<string, Accumulator>();
  const n = input.channel.length;
  for (let i = 0; i < n; i++) {
    const code = input.channel[i]!;
    if (!(Number.isInteger(code) && code >= 0 && code < CHANNELS.length)) continue;
    const orders = input.orders[i]!;
    if (!(orders >= 1)) continue;
    const key = keyOf(i, code);
    let acc = groups.get(key);
    if (!acc) groups.set(key, (acc = newAccumulator(code, campaignOf(i))));
    acc.customers++;
    if (orders >= 2) acc.repeaters++;
    const historic = input.historicValue[i]!;
    if (Number.isFinite(historic)) acc.historicSum += historic;
    const predicted = input.predictedValue ? input.predictedValue[i]! : NaN;
    if (Number.isFinite(predicted)) {
      acc.predictedSum += predicted;
      acc.predictedCount++;
    }
    const score = input.npsScore ? input.npsScore[i]! : NaN;
    if (Number.isFinite(score) && score >= 0 && score <= 10) {
      if (score >= 9) acc.promoters++;
      else if (score >= 7) acc.passives++;
      else acc.detractors++;
    }
    if (withWindow) {
      const first = input.firstOrderDay![i]!;
      if (Number.isFinite(first) && options.referenceDay! - first >= windowDays) {
        acc.eligible++;
        const second = input.secondOrderDay![i]!;
        if (Number.isFinite(second) && second - first <= windowDays) acc.repeatedInWindow++;
      }
    }
  }
  const minCustomers = options.minCustomers ?? 30;
  return [...groups.values()].map((acc) => ({
    channel: CHANNELS[acc.channel]!,
    campaign: acc.campaign,
    customers: acc.customers,
    repeatCustomers: acc.repeaters,
    repeatRate: acc.customers > 0 ? acc.repeaters / acc.customers : null,
    windowRepeat: withWindow
      ? {
          eligible: acc.eligible,
          repeated: acc.repeatedInWindow,
          rate: acc.eligible > 0 ? acc.repeatedInWindow / acc.eligible : null,
        }
      : null,
    meanPredictedValue: acc.predictedCount > 0 ? acc.predictedSum / acc.predictedCount : null,
    meanHistoricValue: acc.customers > 0 ? acc.historicSum / acc.customers : null,
    totalHistoricValue: acc.historicSum,
    nps: summarizeNps(npsScores(acc)),
    smallSample: acc.customers < minCustomers,
  }));
}

function byCustomersThenChannel(a: ChannelValueRow, b: ChannelValueRow): number {
  return (
    b.customers - a.customers ||
    CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel) ||
    (a.campaign ?? "").localeCompare(b.campaign ?? "")
  );
}

/** One row per channel that acquired anyone, most customers first. */
export function valueByChannel(input: ChannelValueInput, options: ChannelValueOptions = {}): ChannelValueRow[] {
  return aggregate(
    input,
    options,
    (_i, code) => String(code),
    () => null,
  ).sort(byCustomersThenChannel);
}

/** One row per (channel, campaign), customers without a campaign in a row of their own (campaign null). */
export function valueByCampaign(input: ChannelValueInput, options: ChannelValueOptions = {}): ChannelValueRow[] {
  const campaign = (i: number): string | null => {
    const value = input.campaign ? input.campaign[i] : null;
    return typeof value === "string" && value.length > 0 ? value : null;
  };
  return aggregate(input, options, (i, code) => `${code}\u0000${campaign(i) ?? ""}`, campaign).sort(
    byCustomersThenChannel,
  );
}

export const CHANNEL_VALUE_CSV_HEADER = [
  "channel",
  "campaign",
  "customers",
  "repeat_customers",
  "repeat_rate",
  "repeat_rate_12m_eligible",
  "repeat_rate_12m",
  "mean_predicted_value",
  "mean_historic_value",
  "total_historic_value",
  "nps",
  "nps_responses",
  "nps_ci_low",
  "nps_ci_high",
] as const;

const round = (value: number | null, digits: number): number | null =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

/** CSV (RFC 4180, formula-safe) of channel or campaign rows. */
export function channelValueCsv(rows: readonly ChannelValueRow[]): string {
  return toCsv(
    CHANNEL_VALUE_CSV_HEADER,
    rows.map((row): CsvCell[] => [
      row.channel,
      row.campaign,
      row.customers,
      row.repeatCustomers,
      round(row.repeatRate, 4),
      row.windowRepeat?.eligible ?? null,
      round(row.windowRepeat?.rate ?? null, 4),
      round(row.meanPredictedValue, 2),
      round(row.meanHistoricValue, 2),
      round(row.totalHistoricValue, 2),
      round(row.nps.nps, 1),
      row.nps.responses,
      round(row.nps.ci95?.low ?? null, 1),
      round(row.nps.ci95?.high ?? null, 1),
    ]),
  );
}

/**
 * "What is the most I can spend to acquire a customer?", per channel and overall:
 *
 *   max CAC = value per acquired customer over the horizon × gross margin ÷ target value-to-cost ratio
 *
 * where value per acquired customer = mean over recently acquired customers of
 *   (net value of their first order + predicted value over the next `horizonDays`),
 * the prediction being the CLV model's (analyzeCustomerValue with clvHorizonDays = horizonDays, margin 1).
 * Recently acquired customers (first order within `recentDays`) are the ones most like the next customer a
 * channel will bring; when a channel has fewer than `minCustomers` of them, all its customers are used and
 * the row says so (`basis: "all"`; older customers' predictions describe the rest of their life, not its
 * start, so that figure is a floor rather than an estimate).
 * Defaults: 12 months, 50 % gross margin (replace with yours), a 3 : 1 value-to-cost target (the common rule
 * of thumb: every 1 spent on acquisition should come back as 3 of gross profit).
 * Money is in the units given (the nightly's minor units); rows carry plain-words explanations.
 */
import { CHANNELS, type Channel } from "./channels";
import { parseSpendSheet, type SpendSheetError } from "./spend-sheet";

export { MAX_SPEND_AMOUNT, parseAmount } from "./spend-sheet";

export interface MaxCacSettings {
  horizonDays: number;
  /** Gross margin, 0 < margin <= 1. */
  grossMargin: number;
  /** Target gross profit per unit of acquisition cost, > 0. */
  targetRatio: number;
  /** Customers acquired this many days before the reference day or later form the basis. */
  recentDays: number;
  minCustomers: number;
}

export const DEFAULT_MAX_CAC_SETTINGS: MaxCacSettings = {
  horizonDays: 365,
  grossMargin: 0.5,
  targetRatio: 3,
  recentDays: 180,
  minCustomers: 30,
};

/** What each setting means, in the merchant's words. */
export const MAX_CAC_SETTING_HELP: Record<keyof MaxCacSettings, string> = {
  horizonDays:
    "How far ahead a customer's purchases count toward what they are worth. Shorter is more cautious: you get the money back sooner.",
  grossMargin:
    "The share of each sale you keep after the cost of the goods (and shipping and payment fees if you count them). 50 % if you are not sure.",
  targetRatio:
    "How many times its cost a new customer should bring back in gross profit. 3 is a common target; 1 means breaking even.",
  recentDays:
    "Only customers acquired in this many recent days are used, because they are most like the customers a channel brings today.",
  minCustomers: "Below this many recent customers a channel's figure falls back to all its customers.",
};

export interface MaxCacInput {
  /** Channel code per customer (index into CHANNELS). */
  channel: ArrayLike<number>;
  firstOrderDay: ArrayLike<number>;
  /** Net value of the first counted order. */
  firstOrderValue: ArrayLike<number>;
  /** Predicted value over the horizon (revenue, not margin); NaN when unknown (counted as 0). */
  predictedValue: ArrayLike<number>;
}

export interface MaxCacRow {
  /** null for the overall row. */
  channel: Channel | null;
  /** Customers behind the figure (recent ones, or all when too few are recent). */
  customers: number;
  recentCustomers: number;
  basis: "recent" | "all";
  firstOrderValue: number;
  predictedValue: number;
  valuePerCustomer: number;
  grossProfitPerCustomer: number;
  maxCac: number;
  explanation: string;
}

export type MoneyFormatter = (amount: number) => string;
const defaultFormat: MoneyFormatter = (minor) => (minor / 100).toFixed(2);

/** Settings with defaults filled in and impossible values replaced by the defaults. */
export function resolveMaxCacSettings(settings: Partial<MaxCacSettings> = {}): MaxCacSettings {
  const pick = <K extends keyof MaxCacSettings>(key: K, valid: (v: number) => boolean): number => {
    const value = settings[key];
    return typeof value === "number" && Number.isFinite(value) && valid(value) ? value : DEFAULT_MAX_CAC_SETTINGS[key];
  };
  return {
    horizonDays: pick("horizonDays", (v) => v > 0),
    grossMargin: pick("grossMargin", (v) => v > 0 && v <= 1),
    targetRatio: pick("targetRatio", (v) => v > 0),
    recentDays: pick("recentDays", (v) => v > 0),
    minCustomers: pick("minCustomers", (v) => v >= 1),
  };
}

function horizonWords(days: number): string {
  if (days % 365 === 0) return days === 365 ? "12 months" : `${days / 365} years`;
  if (days % 30 === 0) return `${days / 30} months`;
  return `${days} days`;
}

/** One sentence-by-sentence explanation of a row, with the store's own numbers. */
export function explainMaxCac(
  row: MaxCacRow,
  settings: MaxCacSettings,
  format: MoneyFormatter = defaultFormat,
): string {
  const who = row.channel === null ? "Your customers" : `Customers who came through ${row.channel}`;
  const when = row.basis === "recent" ? ` in the last ${settings.recentDays} days` : "";
  if (row.customers === 0) return `${who}: nobody acquired yet, so there is no figure.`;
  const pct = Math.round(settings.grossMargin * 1000) / 10;
  const parts = [
    `${who}${when} spent ${format(row.firstOrderValue)} on their first order and are expected to spend ` +
      `${format(row.predictedValue)} more in the next ${horizonWords(settings.horizonDays)}: ` +
      `${format(row.valuePerCustomer)} in all.`,
    `At a ${pct} % gross margin that is ${format(row.grossProfitPerCustomer)} of gross profit per customer.`,
    settings.targetRatio === 1
      ? `To break even, spend at most ${format(row.maxCac)} to acquire one customer.`
      : `To get ${settings.targetRatio} back for every 1 spent, spend at most ${format(row.maxCac)} to acquire one customer.`,
  ];
  if (row.basis === "all") {
    parts.push(
      `Only ${row.recentCustomers} ${row.recentCustomers === 1 ? "customer" : "customers"} came in the last ` +
        `${settings.recentDays} days, too few to use ` +
        `alone, so all ${row.customers} were used; older customers' predictions cover the rest of their life, ` +
        `not its start, so treat the figure as a floor.`,
    );
  }
  return parts.join(" ");
}

/** Overall row first, then one row per channel that acquired anyone (channel order). */
export function maxAcquisitionCost(
  input: MaxCacInput,
  referenceDay: number,
  settingsIn: Partial<MaxCacSettings> = {},
  format: MoneyFormatter = defaultFormat,
): MaxCacRow[] {
  const settings = resolveMaxCacSettings(settingsIn);
  const groups = CHANNELS.length + 1; // last = overall
  const sums = {
    recent: new Float64Array(groups),
    recentFirst: new Float64Array(groups),
    recentPredicted: new Float64Array(groups),
    all: new Float64Array(groups),
    allFirst: new Float64Array(groups),
    allPredicted: new Float64Array(groups),
  };
  const n = input.channel.length;
  for (let i = 0; i < n; i++) {
    const code = input.channel[i]!;
    if (!(Number.isInteger(code) && code >= 0 && code < CHANNELS.length)) continue;
    const firstDay = input.firstOrderDay[i]!;
    if (!Number.isFinite(firstDay)) continue;
    const first = finiteOrZero(input.firstOrderValue[i]!);
    const predicted = finiteOrZero(input.predictedValue[i]!);
    const recent = referenceDay - firstDay <= settings.recentDays;
    for (const g of [code, CHANNELS.length]) {
      sums.all[g]!++;
      sums.allFirst[g]! += first;
      sums.allPredicted[g]! += predicted;
      if (recent) {
        sums.recent[g]!++;
        sums.recentFirst[g]! += first;
        sums.recentPredicted[g]! += predicted;
      }
    }
  }
  const rows: MaxCacRow[] = [];
  for (const g of [CHANNELS.length, ...CHANNELS.map((_, k) => k)]) {
    if (sums.all[g] === 0 && g !== CHANNELS.length) continue;
    const useRecent = sums.recent[g]! >= settings.minCustomers;
    const count = useRecent ? sums.recent[g]! : sums.all[g]!;
    const first = count > 0 ? (useRecent ? sums.recentFirst[g]! : sums.allFirst[g]!) / count : 0;
    const predicted = count > 0 ? (useRecent ? sums.recentPredicted[g]! : sums.allPredicted[g]!) / count : 0;
    const value = first + predicted;
    const profit = value * settings.grossMargin;
    const row: MaxCacRow = {
      channel: g === CHANNELS.length ? null : CHANNELS[g]!,
      customers: count,
      recentCustomers: sums.recent[g]!,
      basis: useRecent ? "recent" : "all",
      firstOrderValue: first,
      predictedValue: predicted,
      valuePerCustomer: value,
      grossProfitPerCustomer: profit,
      maxCac: profit / settings.targetRatio,
      explanation: "",
    };
    row.explanation = explainMaxCac(row, settings, format);
    rows.push(row);
  }
  return rows;
}

function finiteOrZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

/** Customers whose first counted order fell in [fromDay, toDay], per channel code (the spend's period). */
export function countAcquired(
  channel: ArrayLike<number>,
  firstOrderDay: ArrayLike<number>,
  fromDay: number,
  toDay: number,
): Int32Array {
  const counts = new Int32Array(CHANNELS.length);
  for (let i = 0; i < channel.length; i++) {
    const code = channel[i]!;
    const day = firstOrderDay[i]!;
    if (Number.isInteger(code) && code >= 0 && code < CHANNELS.length && day >= fromDay && day <= toDay)
      counts[code]!++;
  }
  return counts;
}

export interface ChannelSpend {
  channel: Channel;
  /** Spend in minor units. */
  spendMinor: number;
}

export interface CostRow {
  channel: Channel;
  spendMinor: number;
  customersAcquired: number;
  /** Spend ÷ customers acquired; null when nobody was acquired. */
  costPerCustomer: number | null;
  maxCac: number | null;
  /** Gross profit per customer ÷ cost per customer (compare with the target ratio). */
  valueToCost: number | null;
  verdict: "within" | "above" | "no-customers" | "no-estimate";
  explanation: string;
}

/** Actual cost per acquired customer against the maximum, per channel with spend. */
export function compareActualCost(
  spend: readonly ChannelSpend[],
  acquired: ArrayLike<number>,
  maxRows: readonly MaxCacRow[],
  format: MoneyFormatter = defaultFormat,
): CostRow[] {
  const totals = new Map<Channel, number>();
  for (const row of spend) totals.set(row.channel, (totals.get(row.channel) ?? 0) + row.spendMinor);
  const rows: CostRow[] = [];
  for (const [channel, spendMinor] of totals) {
    const customers = acquired[CHANNELS.indexOf(channel)] ?? 0;
    const max = maxRows.find((r) => r.channel === channel) ?? null;
    const cost = customers > 0 ? spendMinor / customers : null;
    const valueToCost = cost !== null && cost > 0 && max ? max.grossProfitPerCustomer / cost : null;
    let verdict: CostRow["verdict"];
    let explanation: string;
    if (cost === null) {
      verdict = "no-customers";
      explanation = `${format(spendMinor)} spent on ${channel} and no customer acquired through it in that period.`;
    } else if (!max) {
      verdict = "no-estimate";
      explanation = `Each ${channel} customer cost ${format(cost)}; there is no value estimate for this channel yet.`;
    } else if (cost <= max.maxCac) {
      verdict = "within";
      explanation = `Each ${channel} customer cost ${format(cost)}, within the ${format(max.maxCac)} you can afford.`;
    } else {
      verdict = "above";
      explanation = `Each ${channel} customer cost ${format(cost)}, more than the ${format(max.maxCac)} you can afford at your target.`;
    }
    rows.push({
      channel,
      spendMinor,
      customersAcquired: customers,
      costPerCustomer: cost,
      maxCac: max?.maxCac ?? null,
      valueToCost,
      verdict,
      explanation,
    });
  }
  return rows.sort((a, b) => CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel));
}

export interface SpendCsvResult {
  rows: ChannelSpend[];
  errors: SpendSheetError[];
}

/** Other names merchants use for the channels in spend sheets. */
const SPEND_ALIASES: Readonly<Record<string, Channel>> = {
  "google ads": "Paid search",
  adwords: "Paid search",
  "bing ads": "Paid search",
  "microsoft ads": "Paid search",
  sem: "Paid search",
  ppc: "Paid search",
  cpc: "Paid search",
  "facebook ads": "Paid social",
  "meta ads": "Paid social",
  "instagram ads": "Paid social",
  "tiktok ads": "Paid social",
  "pinterest ads": "Paid social",
  "social ads": "Paid social",
  seo: "Organic search",
  newsletter: "Email",
  "e mail": "Email",
  klaviyo: "Email",
  mailchimp: "Email",
  affiliates: "Affiliate",
  pos: "Point of sale",
  marketplaces: "Marketplace",
  influencers: "Organic social",
  influencer: "Organic social",
};

function channelFromName(name: string): Channel | null {
  const key = name
    .toLowerCase()
    .replace(/[_\-./]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const channel of CHANNELS) if (channel.toLowerCase() === key) return channel;
  return SPEND_ALIASES[key] ?? null;
}

/**
 * A spend sheet of `channel, amount` lines (see parseSpendSheet): channel names are Ciclo's or the ad platforms'
 * common names; an unknown channel is an error, never a guess.
 */
export function parseSpendCsv(
  text: string,
  options: { currencyDecimals?: number; maxLines?: number } = {},
): SpendCsvResult {
  const parsed = parseSpendSheet(text, channelFromName, (name) => `Unknown channel "${name}".`, options);
  return { rows: parsed.rows.map(({ key, spendMinor }) => ({ channel: key, spendMinor })), errors: parsed.errors };
}

/**
 * A spend sheet to fill in: a heading line, then one `channel,amount` line per channel given, in order, with the
 * spend already known (else empty, for the merchant to type). What parseSpendCsv reads back unchanged.
 */
export function spendSheetTemplate(
  channels: readonly Channel[],
  spendMinor: Partial<Record<Channel, number>>,
  currencyDecimals = 2,
): string {
  const decimals = Math.min(4, Math.max(0, Math.round(currencyDecimals)));
  const lines = ["Channel,Spend"];
  for (const channel of channels) {
    const minor = spendMinor[channel];
    lines.push(`${channel},${minor ? (minor / 10 ** decimals).toFixed(decimals) : ""}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

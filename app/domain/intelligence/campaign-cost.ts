/**
 * "Which campaign attracts the best customers by lifetime value, relative to what they cost to acquire?"
 *
 * Per campaign the merchant spent on, over a period ending on the analysis day:
 *   cost per customer   = spend ÷ customers whose first counted order carried the campaign in that period
 *   value per customer  = their mean net spend so far + their mean predicted spend over the next 12 months
 *   value-to-cost       = value per customer × gross margin ÷ cost per customer   (compare with the target ratio)
 *   most you can spend  = value per customer × gross margin ÷ target ratio        (the channel page's formula)
 * The value is that of the very customers the spend bought, not of the campaign's customers of other years.
 * Campaign names are matched as the nightly normalizes utm_campaign (lower case), and `-`, `_`, `.` and spaces
 * are read as one space, so "Summer Sale" in a sheet is the landing page's `summer-sale` (decision 157).
 * Money in minor units; rows carry plain-words explanations.
 */
import type { MoneyFormatter } from "./acquisition-cost";
import { parseSpendSheet, type SpendSheetError } from "./spend-sheet";

const defaultFormat: MoneyFormatter = (minor) => (minor / 100).toFixed(2);

/** How a campaign name is compared: lower case, runs of spaces, `-`, `_`, `.` and `/` as one space. */
export function campaignKey(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-./]+/g, " ")
    .trim();
}

/** Campaign names as analysed, by comparison key (the first spelling wins when two differ only in separators). */
export function campaignIndex(campaigns: Iterable<string>): Map<string, string> {
  const index = new Map<string, string>();
  for (const campaign of campaigns) {
    const key = campaignKey(campaign);
    if (key.length > 0 && !index.has(key)) index.set(key, campaign);
  }
  return index;
}

export interface CampaignSpend {
  /** The campaign's name as analysed (as in the campaign table). */
  campaign: string;
  /** Spend in minor units over the period. */
  spendMinor: number;
}

export interface CampaignSpendSheetResult {
  rows: CampaignSpend[];
  errors: SpendSheetError[];
}

/**
 * A campaign spend sheet: `campaign, amount` per line, read like the channel sheet. A campaign no first order
 * carried is an error (a misspelt name would otherwise show as a campaign that acquired nobody).
 */
export function parseCampaignSpendCsv(
  text: string,
  known: Iterable<string>,
  options: { currencyDecimals?: number; maxLines?: number } = {},
): CampaignSpendSheetResult {
  const index = campaignIndex(known);
  const parsed = parseSpendSheet(
    text,
    (name) => index.get(campaignKey(name)) ?? null,
    (name) => `No first order carried the campaign "${name}" (check its utm_campaign spelling).`,
    options,
  );
  return { rows: parsed.rows.map(({ key, spendMinor }) => ({ campaign: key, spendMinor })), errors: parsed.errors };
}

/** What the customers one campaign acquired in the spend period are worth (sums, minor units). */
export interface CampaignAcquisitions {
  campaign: string;
  customers: number;
  /** Sum of their net spend so far. */
  historicMinor: number;
  /** Sum of their predicted spend over the next 12 months (unknown predictions count as 0). */
  predictedMinor: number;
}

export interface CampaignCostSettings {
  /** 0 < margin <= 1. */
  grossMargin: number;
  /** Target gross profit per unit of acquisition cost, > 0. */
  targetRatio: number;
}

export interface CampaignCostRow {
  campaign: string;
  spendMinor: number;
  customersAcquired: number;
  costPerCustomer: number | null;
  valuePerCustomer: number | null;
  grossProfitPerCustomer: number | null;
  /** The most the merchant can spend per customer of this campaign at their target. */
  maxCac: number | null;
  /** Gross profit per customer ÷ cost per customer. */
  valueToCost: number | null;
  verdict: "within" | "above" | "no-customers";
  explanation: string;
}

/**
 * One row per campaign with spend: cost per customer against value, best value-to-cost first (campaigns that
 * acquired nobody last). Spend on the same campaign twice is added up.
 */
export function compareCampaignCost(
  spend: readonly CampaignSpend[],
  acquisitions: readonly CampaignAcquisitions[],
  settings: CampaignCostSettings,
  format: MoneyFormatter = defaultFormat,
): CampaignCostRow[] {
  const totals = new Map<string, number>();
  for (const row of spend) totals.set(row.campaign, (totals.get(row.campaign) ?? 0) + row.spendMinor);
  const byCampaign = new Map(acquisitions.map((a) => [a.campaign, a]));
  const rows: CampaignCostRow[] = [];
  for (const [campaign, spendMinor] of totals) {
    const acquired = byCampaign.get(campaign);
    const customers = acquired?.customers ?? 0;
    if (customers === 0) {
      rows.push({
        campaign,
        spendMinor,
        customersAcquired: 0,
        costPerCustomer: null,
        valuePerCustomer: null,
        grossProfitPerCustomer: null,
        maxCac: null,
        valueToCost: null,
        verdict: "no-customers",
        explanation: `${format(spendMinor)} spent on ${campaign} and no customer's first order came through it in that period.`,
      });
      continue;
    }
    const cost = spendMinor / customers;
    const value = (acquired!.historicMinor + acquired!.predictedMinor) / customers;
    const profit = value * settings.grossMargin;
    const maxCac = profit / settings.targetRatio;
    const valueToCost = cost > 0 ? profit / cost : null;
    const within = cost <= maxCac;
    const ratio = valueToCost === null ? "" : ` Each 1 spent brings back ${valueToCost.toFixed(1)} of gross profit.`;
    rows.push({
      campaign,
      spendMinor,
      customersAcquired: customers,
      costPerCustomer: cost,
      valuePerCustomer: value,
      grossProfitPerCustomer: profit,
      maxCac,
      valueToCost,
      verdict: within ? "within" : "above",
      explanation:
        `${customers} ${customers === 1 ? "customer" : "customers"} came through ${campaign}, ` +
        `${format(cost)} each; they are worth ${format(value)} each (spent so far and expected in the next ` +
        `12 months), so you can afford ${format(maxCac)} at your target.${ratio}`,
    });
  }
  return rows.sort(
    (a, b) =>
      (b.valueToCost ?? -1) - (a.valueToCost ?? -1) ||
      b.customersAcquired - a.customersAcquired ||
      a.campaign.localeCompare(b.campaign),
  );
}

/** A campaign spend sheet to fill in, in the format parseCampaignSpendCsv reads (blank where no spend yet). */
export function campaignSpendSheetTemplate(
  campaigns: readonly string[],
  spendMinor: Readonly<Record<string, number>>,
  currencyDecimals = 2,
): string {
  const decimals = Math.min(4, Math.max(0, Math.round(currencyDecimals)));
  const quote = (name: string) => (/[",;\t]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);
  const lines = ["Campaign,Spend"];
  for (const campaign of campaigns) {
    const minor = spendMinor[campaign];
    lines.push(`${quote(campaign)},${minor ? (minor / 10 ** decimals).toFixed(decimals) : ""}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

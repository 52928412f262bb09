/**
 * The merchant's spend per campaign and what it bought (Channels page): typed or uploaded as a `campaign, amount`
 * sheet, stored per store beside the channel spend (StoreInsight kind "campaign-spend", its own row so saving one
 * never touches the other), and compared with the value of the customers each campaign acquired in the period.
 * Same rules as the channel spend: all or nothing, bad lines by number, a clear message (decisions 152, 157).
 */
import type { Db } from "../../db.server";
import { toNumber } from "../../db/sql-values";
import {
  campaignIndex,
  campaignKey,
  compareCampaignCost,
  parseCampaignSpendCsv,
  type CampaignAcquisitions,
  type CampaignCostRow,
} from "../../domain/intelligence/campaign-cost";
import { MAX_SPEND_AMOUNT } from "../../domain/intelligence/spend-sheet";
import { CAMPAIGN_SPEND_KIND, SPEND_PERIODS } from "./insight-types";
import { nothingSavedMessage, readSpendFile, SPEND_CSV_MAX_LINES, type SpendFile } from "./spend-file";

const MS_PER_DAY = 86_400_000;

export interface CampaignSpendSettings {
  periodDays: (typeof SPEND_PERIODS)[number];
  /** Spend in minor units per campaign name (as analysed), over the period. */
  spendMinor: Record<string, number>;
}

export const DEFAULT_CAMPAIGN_SPEND: CampaignSpendSettings = { periodDays: 90, spendMinor: {} };

export async function readCampaignSpend(db: Db, storeId: string): Promise<CampaignSpendSettings> {
  const row = await db.storeInsight.findUnique({ where: { storeId_kind: { storeId, kind: CAMPAIGN_SPEND_KIND } } });
  if (!row) return DEFAULT_CAMPAIGN_SPEND;
  try {
    const stored = JSON.parse(row.data) as Partial<CampaignSpendSettings>;
    return { ...DEFAULT_CAMPAIGN_SPEND, ...stored, spendMinor: { ...stored.spendMinor } };
  } catch {
    return DEFAULT_CAMPAIGN_SPEND;
  }
}

export async function saveCampaignSpend(db: Db, storeId: string, settings: CampaignSpendSettings): Promise<void> {
  const data = JSON.stringify(settings);
  const computedAt = new Date();
  await db.storeInsight.upsert({
    where: { storeId_kind: { storeId, kind: CAMPAIGN_SPEND_KIND } },
    create: { storeId, kind: CAMPAIGN_SPEND_KIND, data, computedAt },
    update: { data, computedAt },
  });
}

const isPeriod = (days: number): days is CampaignSpendSettings["periodDays"] =>
  (SPEND_PERIODS as readonly number[]).includes(days);

/**
 * The typed campaign spend form: `campaignPeriodDays`, and per row k a hidden `campaign-k` (the name shown) with its
 * amount in `campaign-spend-k`. Names travel with their amounts, so a nightly run between showing and sending the
 * form cannot shift an amount onto another campaign. The form replaces the campaign spend.
 */
export function parseCampaignSpendForm(
  form: FormData,
  known: readonly string[],
  currencyDigits = 2,
): { settings: CampaignSpendSettings; errors: null } | { settings: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const index = campaignIndex(known);
  const period = Number(String(form.get("campaignPeriodDays") ?? ""));
  if (!isPeriod(period)) errors.campaignPeriodDays = "Choose one of the periods.";
  const spendMinor: Record<string, number> = {};
  for (let k = 0; k < 1000 && form.has(`campaign-${k}`); k++) {
    const name = String(form.get(`campaign-${k}`) ?? "");
    const raw = String(form.get(`campaign-spend-${k}`) ?? "").trim();
    if (raw === "") continue;
    const campaign = index.get(campaignKey(name));
    if (campaign === undefined) {
      errors[`campaign-spend-${k}`] = `No first order carried the campaign "${name.slice(0, 40)}".`;
      continue;
    }
    const amount = Number(raw.replace(/[\s,]/g, ""));
    if (!Number.isFinite(amount) || amount < 0 || amount > MAX_SPEND_AMOUNT) {
      errors[`campaign-spend-${k}`] = `Enter the ${campaign.slice(0, 40)} spend as a plain amount, e.g. 1200.50.`;
      continue;
    }
    if (amount > 0) spendMinor[campaign] = (spendMinor[campaign] ?? 0) + Math.round(amount * 10 ** currencyDigits);
  }
  if (Object.keys(errors).length > 0) return { settings: null, errors };
  return { settings: { periodDays: period as CampaignSpendSettings["periodDays"], spendMinor }, errors: null };
}

export type CampaignSpendUploadResult =
  | { ok: true; campaigns: number; totalMinor: number; periodDays: CampaignSpendSettings["periodDays"] }
  | { ok: false; message: string; lineErrors: { line: number; message: string }[] };

/** A campaign spend sheet: all or nothing; a good one replaces the campaign spend and its period. */
export async function uploadCampaignSpendCsv(
  db: Db,
  storeId: string,
  file: SpendFile | null,
  period: string,
  known: readonly string[],
  currencyDigits = 2,
): Promise<CampaignSpendUploadResult> {
  const fail = (message: string, lineErrors: { line: number; message: string }[] = []) =>
    ({ ok: false, message, lineErrors }) as const;
  const periodDays = Number(period);
  if (!isPeriod(periodDays)) return fail("Choose the period the spend covers.");
  if (known.length === 0) return fail("No first order carried a campaign tag (utm_campaign) yet.");
  const read = await readSpendFile(file, "campaign");
  if (!read.ok) return fail(read.message);
  const parsed = parseCampaignSpendCsv(read.text, known, {
    currencyDecimals: currencyDigits,
    maxLines: SPEND_CSV_MAX_LINES,
  });
  if (parsed.errors.length > 0) return fail(nothingSavedMessage(parsed.errors.length), parsed.errors.slice(0, 50));
  if (parsed.rows.length === 0) return fail('The file has no spend lines (expected e.g. "summer-sale, 1200.50").');
  const spendMinor: Record<string, number> = {};
  for (const row of parsed.rows) if (row.spendMinor > 0) spendMinor[row.campaign] = row.spendMinor;
  await saveCampaignSpend(db, storeId, { periodDays, spendMinor });
  return {
    ok: true,
    campaigns: Object.keys(spendMinor).length,
    totalMinor: parsed.rows.reduce((sum, r) => sum + r.spendMinor, 0),
    periodDays,
  };
}

/**
 * Per campaign, the customers whose first counted order carried it and fell in the `periodDays` days ending on
 * `referenceDay` (the analysis day, store-local epoch day; CustomerScore.firstOrderAt is that day's UTC midnight),
 * with the sums of their net spend and of their predicted spend over the next 12 months.
 */
export async function campaignAcquisitions(
  db: Db,
  storeId: string,
  campaigns: readonly string[],
  referenceDay: number,
  periodDays: number,
): Promise<CampaignAcquisitions[]> {
  if (campaigns.length === 0) return [];
  const from = new Date((referenceDay - periodDays + 1) * MS_PER_DAY);
  const to = new Date(referenceDay * MS_PER_DAY);
  const rows = await db.$queryRaw<{ campaign: string; customers: unknown; historic: unknown; predicted: unknown }[]>`
    SELECT i."campaign" AS "campaign", COUNT(*) AS "customers", SUM(s."monetaryMinor") AS "historic",
      SUM(COALESCE(s."expected365" * s."expectedAovMinor", 0)) AS "predicted"
    FROM "CustomerInsight" i
    JOIN "CustomerScore" s ON s."storeId" = i."storeId" AND s."customerId" = i."customerId"
    WHERE i."storeId" = ${storeId} AND i."campaign" IS NOT NULL AND s."orders" > 0 AND s."firstOrderAt" >= ${from} AND s."firstOrderAt" <= ${to}
    GROUP BY i."campaign"`;
  // One row per campaign that acquired anyone in the period; only the asked ones are kept (a list parameter would
  // need the dialect's own fragments, app/db/dialect.server.ts).
  const wanted = new Set(campaigns);
  return rows
    .filter((row) => wanted.has(row.campaign))
    .map((row) => ({
      campaign: row.campaign,
      customers: toNumber(row.customers),
      historicMinor: toNumber(row.historic),
      predictedMinor: toNumber(row.predicted),
    }));
}

export interface CampaignCostView {
  settings: CampaignSpendSettings;
  /** Campaign names as analysed, in the campaign table's order (the ones spend can be entered for). */
  campaigns: string[];
  rows: CampaignCostRow[];
}

/** The campaign spend, and what each campaign's customers cost against what they are worth. */
export async function loadCampaignCost(
  db: Db,
  storeId: string,
  analysis: { referenceDay: number; campaigns: readonly { campaign: string | null }[] } | null,
  value: { grossMargin: number; targetRatio: number },
  format: (minor: number) => string,
): Promise<CampaignCostView> {
  const settings = await readCampaignSpend(db, storeId);
  const campaigns = analysedCampaigns(analysis);
  const spend = Object.entries(settings.spendMinor)
    .filter(([campaign, amount]) => campaigns.includes(campaign) && amount > 0)
    .map(([campaign, spendMinor]) => ({ campaign, spendMinor }));
  if (!analysis || spend.length === 0) return { settings, campaigns, rows: [] };
  const acquired = await campaignAcquisitions(
    db,
    storeId,
    spend.map((s) => s.campaign),
    analysis.referenceDay,
    settings.periodDays,
  );
  return { settings, campaigns, rows: compareCampaignCost(spend, acquired, value, format) };
}

/** Distinct campaign names of the latest analysis (a campaign seen through two channels is one name). */
export function analysedCampaigns(analysis: { campaigns: readonly { campaign: string | null }[] } | null): string[] {
  return [...new Set((analysis?.campaigns ?? []).map((c) => c.campaign).filter((c): c is string => c !== null))];
}

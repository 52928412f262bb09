/**
 * Spend per campaign on the Channels page, on SQLite and PostgreSQL: a sheet or form with any bad line saves nothing
 * (lines by number), a good one replaces the campaign spend and leaves the channel settings alone, only for its
 * store; and the customers each campaign acquired in the period are counted and valued from the scores, scoped to
 * the store and the period.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  campaignAcquisitions,
  loadCampaignCost,
  parseCampaignSpendForm,
  readCampaignSpend,
  saveCampaignSpend,
  uploadCampaignSpendCsv,
} from "../../app/read-models/intelligence/campaign-spend.server";
import {
  readAcquisitionSettings,
  saveAcquisitionSettings,
  uploadSpendCsv,
} from "../../app/read-models/intelligence/intelligence.server";
import { SPEND_CSV_MAX_BYTES } from "../../app/read-models/intelligence/insight-types";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const sheet = (text: string, name = "campaigns.csv") => new File([text], name, { type: "text/csv" });
const KNOWN = ["summer-sale", "brand", "black friday"];
const REFERENCE_DAY = 20_000;
const dayAt = (day: number) => new Date(day * 86_400_000);

describe.each(DB_KINDS)("campaign spend on %s", (kind) => {
  let database: TestDatabase;
  let storeId: string;
  let otherStoreId: string;
  const channelSettings = {
    horizonDays: 180 as const,
    grossMarginPercent: 35,
    targetRatio: 2.5,
    spendPeriodDays: 30 as const,
    spendMinor: { Email: 5000 },
  };
  const before = { periodDays: 30 as const, spendMinor: { brand: 7000 } };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const db = database.db;
    storeId = (await db.store.create({ data: { platform: "shopify", domain: `camp-${kind}.myshopify.com` } })).id;
    otherStoreId = (await db.store.create({ data: { platform: "woocommerce", domain: `camp-${kind}.example` } })).id;
    await saveAcquisitionSettings(db, storeId, channelSettings);
    await saveCampaignSpend(db, storeId, before);
    await saveCampaignSpend(db, otherStoreId, { periodDays: 90, spendMinor: { brand: 100 } });
    // Customers: [store, id, campaign, first order day, net spend, expected 12-month orders, expected order value].
    const customers: [string, string, string | null, number, number, number | null, number | null][] = [
      [storeId, "a", "summer-sale", REFERENCE_DAY, 5000, 1.5, 4000], // in the period: 5000 + 6000
      [storeId, "b", "summer-sale", REFERENCE_DAY - 29, 3000, null, null], // in (first day of 30): 3000 + 0
      [storeId, "c", "summer-sale", REFERENCE_DAY - 30, 9000, 1, 1000], // one day too old
      [storeId, "d", "brand", REFERENCE_DAY - 10, 2000, 0.5, 2000], // 2000 + 1000
      [storeId, "e", null, REFERENCE_DAY - 1, 1000, 1, 1000], // no campaign
      [otherStoreId, "f", "summer-sale", REFERENCE_DAY, 99_999, 1, 1000], // another store
    ];
    for (const [store, id, campaign, day, spend, expected, aov] of customers) {
      await db.customerScore.create({
        data: {
          storeId: store,
          customerId: id,
          computedAt: new Date(),
          orders: 1,
          purchaseDays: 1,
          firstOrderAt: dayAt(day),
          lastOrderAt: dayAt(day),
          monetaryMinor: BigInt(spend),
          rScore: 3,
          fScore: 1,
          mScore: 3,
          segment: "new-customers",
          stage: "new",
          historicClvMinor: BigInt(spend),
          expected365: expected,
          expectedAovMinor: aov === null ? null : BigInt(aov),
        },
      });
      await db.customerInsight.create({ data: { storeId: store, customerId: id, computedAt: new Date(), campaign } });
    }
  });
  afterAll(async () => {
    await database.drop();
  });

  it("counts and values the customers each campaign acquired in the period, for this store only", async () => {
    const rows = await campaignAcquisitions(database.db, storeId, ["summer-sale", "brand"], REFERENCE_DAY, 30);
    expect(rows.sort((x, y) => x.campaign.localeCompare(y.campaign))).toEqual([
      { campaign: "brand", customers: 1, historicMinor: 2000, predictedMinor: 1000 },
      { campaign: "summer-sale", customers: 2, historicMinor: 8000, predictedMinor: 6000 },
    ]);
    // A WooCommerce store's campaigns (from its order attribution meta) count the same way, for that store only.
    expect(await campaignAcquisitions(database.db, otherStoreId, ["summer-sale"], REFERENCE_DAY, 30)).toEqual([
      { campaign: "summer-sale", customers: 1, historicMinor: 99_999, predictedMinor: 1000 },
    ]);
    const year = await campaignAcquisitions(database.db, storeId, ["summer-sale"], REFERENCE_DAY, 365);
    expect(year).toEqual([{ campaign: "summer-sale", customers: 3, historicMinor: 17000, predictedMinor: 7000 }]);
  });

  it("compares spend with what the acquired customers are worth", async () => {
    await saveCampaignSpend(database.db, storeId, { periodDays: 30, spendMinor: { "summer-sale": 4000, brand: 7000 } });
    const view = await loadCampaignCost(
      database.db,
      storeId,
      { referenceDay: REFERENCE_DAY, campaigns: KNOWN.map((campaign) => ({ campaign })) },
      { grossMargin: 0.5, targetRatio: 2 },
      (minor) => (minor / 100).toFixed(2),
    );
    // summer-sale: 4000 / 2 = 2000 per customer; value (8000 + 6000) / 2 = 7000, profit 3500, max 1750, ratio 1.75.
    // brand: 7000 per customer; value 3000, profit 1500, max 750, ratio 0.21.
    expect(view.rows.map((r) => [r.campaign, r.costPerCustomer, r.maxCac, r.valueToCost, r.verdict])).toEqual([
      ["summer-sale", 2000, 1750, 1.75, "above"],
      ["brand", 7000, 750, 1500 / 7000, "above"],
    ]);
    await saveCampaignSpend(database.db, storeId, before);
  });

  it("a sheet with bad lines saves nothing and reports them by number", async () => {
    const result = await uploadCampaignSpendCsv(
      database.db,
      storeId,
      sheet("Campaign,Spend\nSummer Sale,1200.50\nsumer-sale,300\nbrand,lots\nbrand,-5\n"),
      "90",
      KNOWN,
    );
    expect(result).toEqual({
      ok: false,
      message: "Nothing was saved: 3 lines could not be read.",
      lineErrors: [
        {
          line: 3,
          message: 'No first order carried the campaign "sumer-sale" (check its utm_campaign spelling).',
        },
        { line: 4, message: '"lots" is not an amount.' },
        { line: 5, message: '"-5" is not an amount.' },
      ],
    });
    expect(await readCampaignSpend(database.db, storeId)).toEqual(before);
  });

  it("refuses a too large, binary, spreadsheet or empty file and a bad period, saving nothing", async () => {
    const line = "brand,1.00\n";
    const big = sheet(line.repeat(Math.ceil((SPEND_CSV_MAX_BYTES + 1) / line.length)));
    const refusals = [
      [big, "90"],
      [new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x01])], "ads.csv"), "90"],
      [new File(["PK\u0003\u0004"], "Campaigns.xlsx"), "90"],
      [sheet(""), "90"],
      [null, "90"],
      [sheet("brand,10\n"), "45"],
    ] as const;
    for (const [file, period] of refusals) {
      const result = await uploadCampaignSpendCsv(database.db, storeId, file, period, KNOWN);
      expect(result.ok, String(file?.name)).toBe(false);
    }
    expect(await readCampaignSpend(database.db, storeId)).toEqual(before);
  });

  it("a good sheet replaces the campaign spend and keeps the channel settings, only for this store", async () => {
    const text = 'Campaign;Spend\n"Summer Sale";1.200,50\nsummer_sale;300\nBLACK-FRIDAY;€ 80\nbrand;\n';
    const result = await uploadCampaignSpendCsv(database.db, storeId, sheet(text), "365", KNOWN);
    expect(result).toEqual({ ok: true, campaigns: 2, totalMinor: 158050, periodDays: 365 });
    expect(await readCampaignSpend(database.db, storeId)).toEqual({
      periodDays: 365,
      spendMinor: { "summer-sale": 150050, "black friday": 8000 },
    });
    expect(await readAcquisitionSettings(database.db, storeId)).toEqual(channelSettings);
    expect(await readCampaignSpend(database.db, otherStoreId)).toEqual({ periodDays: 90, spendMinor: { brand: 100 } });
    // And the channel sheet leaves the campaign spend alone.
    expect((await uploadSpendCsv(database.db, storeId, sheet("Email,10\n"), "90")).ok).toBe(true);
    expect((await readCampaignSpend(database.db, storeId)).spendMinor).toEqual({
      "summer-sale": 150050,
      "black friday": 8000,
    });
    await saveAcquisitionSettings(database.db, storeId, channelSettings);
    await saveCampaignSpend(database.db, storeId, before);
  });

  it("the typed form: names travel with their amounts; an unknown name or bad amount is a field error", () => {
    const form = (entries: [string, string][]) => {
      const data = new FormData();
      for (const [k, v] of entries) data.append(k, v);
      return data;
    };
    expect(
      parseCampaignSpendForm(
        form([
          ["campaignPeriodDays", "90"],
          ["campaign-0", "brand"],
          ["campaign-spend-0", "1,200.5"],
          ["campaign-1", "summer-sale"],
          ["campaign-spend-1", ""],
          ["campaign-2", "black friday"],
          ["campaign-spend-2", "0"],
        ]),
        KNOWN,
      ),
    ).toEqual({ settings: { periodDays: 90, spendMinor: { brand: 120050 } }, errors: null });
    expect(
      parseCampaignSpendForm(
        form([
          ["campaignPeriodDays", "7"],
          ["campaign-0", "gone-campaign"],
          ["campaign-spend-0", "10"],
          ["campaign-1", "brand"],
          ["campaign-spend-1", "ten"],
        ]),
        KNOWN,
      ),
    ).toEqual({
      settings: null,
      errors: {
        campaignPeriodDays: "Choose one of the periods.",
        "campaign-spend-0": 'No first order carried the campaign "gone-campaign".',
        "campaign-spend-1": "Enter the brand spend as a plain amount, e.g. 1200.50.",
      },
    });
  });
});

/**
 * The spend sheet uploaded on the Channels page, on SQLite and PostgreSQL: all or nothing (a bad line is reported by
 * its number and nothing is saved), files that are too large or not text are refused with a message, a good sheet
 * replaces the spend per channel and keeps the other settings, and only the uploading store's settings change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  readAcquisitionSettings,
  saveAcquisitionSettings,
  uploadSpendCsv,
} from "../../app/read-models/intelligence/intelligence.server";
import { SPEND_CSV_MAX_BYTES } from "../../app/read-models/intelligence/insight-types";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

const sheet = (text: string, name = "spend.csv") => new File([text], name, { type: "text/csv" });

describe.each(DB_KINDS)("spend sheet upload on %s", (kind) => {
  let database: TestDatabase;
  let storeId: string;
  let otherStoreId: string;
  const before = {
    horizonDays: 180 as const,
    grossMarginPercent: 35,
    targetRatio: 2.5,
    spendPeriodDays: 30 as const,
    spendMinor: { Email: 5000, Display: 7000 },
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const db = database.db;
    storeId = (await db.store.create({ data: { platform: "shopify", domain: `spend-${kind}.myshopify.com` } })).id;
    otherStoreId = (await db.store.create({ data: { platform: "shopify", domain: `other-${kind}.myshopify.com` } })).id;
    await saveAcquisitionSettings(db, storeId, before);
    await saveAcquisitionSettings(db, otherStoreId, { ...before, spendMinor: { SMS: 100 } });
  });
  afterAll(async () => {
    await database.drop();
  });

  it("reports every bad line by its number and saves nothing", async () => {
    const result = await uploadSpendCsv(
      database.db,
      storeId,
      sheet("Channel,Spend\nPaid search,1200.50\nBillboards,300\nEmail,lots\nPaid social,99\n"),
      "90",
    );
    expect(result).toEqual({
      ok: false,
      message: "Nothing was saved: 2 lines could not be read.",
      lineErrors: [
        { line: 3, message: 'Unknown channel "Billboards".' },
        { line: 4, message: '"lots" is not an amount.' },
      ],
    });
    expect(await readAcquisitionSettings(database.db, storeId)).toEqual(before);
  });

  it("refuses a file over the size limit, a binary file, a spreadsheet, an empty file and a bad period", async () => {
    const line = "Paid search,1.00\n";
    const big = sheet(line.repeat(Math.ceil((SPEND_CSV_MAX_BYTES + 1) / line.length)));
    expect(big.size).toBeGreaterThan(SPEND_CSV_MAX_BYTES);
    const tooLarge = await uploadSpendCsv(database.db, storeId, big, "90");
    expect(tooLarge).toMatchObject({ ok: false, message: expect.stringContaining("at most 200 KB") });

    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])], "ads.csv");
    expect(await uploadSpendCsv(database.db, storeId, png, "90")).toEqual({
      ok: false,
      message: "This is not a text (CSV) file.",
      lineErrors: [],
    });
    const xlsx = new File(["PK\u0003\u0004"], "Spend 2026.xlsx");
    expect(await uploadSpendCsv(database.db, storeId, xlsx, "90")).toMatchObject({
      ok: false,
      message: expect.stringContaining("save it as CSV"),
    });
    expect(await uploadSpendCsv(database.db, storeId, sheet(""), "90")).toMatchObject({ ok: false });
    expect(await uploadSpendCsv(database.db, storeId, null, "90")).toMatchObject({ ok: false });
    expect(await uploadSpendCsv(database.db, storeId, sheet("# only a comment\n\n"), "90")).toMatchObject({
      ok: false,
      message: expect.stringContaining("no spend lines"),
    });
    expect(await uploadSpendCsv(database.db, storeId, sheet("Email,10\n"), "45")).toEqual({
      ok: false,
      message: "Choose the period the spend covers.",
      lineErrors: [],
    });
    expect(await readAcquisitionSettings(database.db, storeId)).toEqual(before);
  });

  it("a good sheet replaces the spend per channel and the period, keeps the other settings, and only for this store", async () => {
    // Google Ads and Paid search are the same channel: 1,200.50 + 300 = 1500.50. Meta ads is Paid social.
    // Email and Display from before are gone: the sheet replaces the spend, it does not add to it.
    const text = "Channel;Spend\nGoogle Ads;1.200,50\nPaid search;300\nMeta ads;€ 80\nSMS;0\n";
    const result = await uploadSpendCsv(database.db, storeId, sheet(text), "365");
    expect(result).toEqual({ ok: true, channels: 2, totalMinor: 158050, spendPeriodDays: 365 });
    expect(await readAcquisitionSettings(database.db, storeId)).toEqual({
      horizonDays: 180,
      grossMarginPercent: 35,
      targetRatio: 2.5,
      spendPeriodDays: 365,
      spendMinor: { "Paid search": 150050, "Paid social": 8000 },
    });
    expect((await readAcquisitionSettings(database.db, otherStoreId)).spendMinor).toEqual({ SMS: 100 });
  });

  it("reads amounts in the store's currency digits (no decimals for yen)", async () => {
    const result = await uploadSpendCsv(database.db, otherStoreId, sheet("Email,12000\n"), "30", 0);
    expect(result).toEqual({ ok: true, channels: 1, totalMinor: 12000, spendPeriodDays: 30 });
    expect((await readAcquisitionSettings(database.db, otherStoreId)).spendMinor).toEqual({ Email: 12000 });
  });
});

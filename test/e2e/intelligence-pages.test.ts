/**
 * The customer-intelligence pages in real Chromium, on a store filled through the real mapping and writer from the
 * Shopify simulator's history (sources, UTM landing pages, line items) and scored by the real nightly (two runs,
 * so stage changes exist): every page shows data, passes axe-core with no serious or critical violation, and
 * leaves a screenshot in screenshots/.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, tuneDb, type Db } from "../../app/db.server";
import { createBulkWriter } from "../../app/db/bulk-writer.server";
import { recomputeStore } from "../../app/jobs/nightly/recompute.server";
import { generateDemoHistory } from "../../simulators/shopify";
import { SimulatedShop } from "../../simulators/shopify/store";
import { applyStoreEvent } from "../../app/sync/apply-event.server";
import { importShop } from "../support/store-fixture";
import {
  openDemoAdmin,
  screenshot,
  seriousAccessibilityViolations,
  settled,
  type DemoApp,
} from "../support/demo-admin";

let demo: DemoApp;
let page: Page;
let close: (() => Promise<void>) | undefined;
let db: Db;
let sampleCustomerId = "";

const END = new Date();
const ANSWERS = ["instagram", "google", "friend", "newsletter", "tiktok"];

beforeAll(async () => {
  ({ demo, page, close } = await openDemoAdmin({ kind: "empty" }));
  const url = `file:${demo.dir}/e2e.sqlite`;
  db = createDb(url);
  await tuneDb(db, url);
  const bulk = createBulkWriter(db, url);
  const shop = new SimulatedShop({ domain: demo.store.shop, timezone: "Europe/Rome", seed: 9 });
  shop.load(generateDemoHistory({ seed: 15, customers: 600, targetOrders: 2000, years: 3, end: END }));
  await importShop(db, shop, demo.store.storeId);
  // Survey answers ("how did you hear about us", NPS) and Shopify's own groups for some customers.
  const customers = await db.customer.findMany({ where: { storeId: demo.store.storeId }, take: 150 });
  for (const [k, c] of customers.entries()) {
    for (const [questionId, answerId, score] of [
      ["attribution", ANSWERS[k % ANSWERS.length]!, null],
      ["nps", null, (k * 7) % 11],
    ] as const) {
      await db.surveyResponse.create({
        data: {
          storeId: demo.store.storeId,
          orderExternalId: `o-${c.externalId}`,
          customerId: c.id,
          target: "thank-you",
          questionSet: "default",
          questionId,
          answerId,
          score,
        },
      });
    }
    await db.customer.update({
      where: { id: c.id },
      data: {
        shopifyRfmGroup: ["CHAMPIONS", "LOYAL", "AT_RISK", "NEW", "DORMANT", "PROMISING"][k % 6],
        shopifyPredictedSpendTier: ["HIGH", "MEDIUM", "LOW", "LOW"][k % 4],
      },
    });
  }
  // Newsletter sign-ups without orders, through the customer writer as the backfill stores them: nine accepted
  // marketing (Leads), three did not.
  for (let k = 0; k < 12; k++) {
    const at = new Date(END.getTime() - (60 + k) * 86_400_000);
    await applyStoreEvent(
      { db, storeId: demo.store.storeId, shopDomain: demo.store.shop },
      {
        kind: "customer.upsert",
        customer: {
          externalId: String(990_000 + k),
          email: `signup${k}@example.com`,
          firstName: "Sign",
          lastName: `Up ${k}`,
          createdAt: at,
          updatedAt: at,
          acceptsMarketing: k % 4 !== 3,
        },
      },
    );
  }
  await db.store.update({ where: { id: demo.store.storeId }, data: { historyCompleteAt: new Date(0) } });
  const deps = { db, bulk, dialect: "sqlite" as const };
  await recomputeStore({ ...deps, now: () => new Date(END.getTime() - 30 * 86_400_000) }, demo.store.storeId, "manual");
  await recomputeStore({ ...deps, now: () => END }, demo.store.storeId, "manual");
  bulk.close();
  sampleCustomerId = (
    await db.customerInsight.findFirstOrThrow({ where: { storeId: demo.store.storeId, nextProduct: { not: null } } })
  ).customerId;
}, 300_000);

afterAll(async () => {
  await db?.$disconnect();
  await close?.();
});

async function visit(path: string, name: string): Promise<string> {
  const response = await page.goto(`${demo.app.url}${path}`);
  expect(response?.status(), path).toBe(200);
  await settled(page);
  await screenshot(page, name);
  expect(await seriousAccessibilityViolations(page), `${path} accessibility`).toEqual([]);
  return page.locator("main").innerText();
}

describe("customer intelligence pages", { timeout: 90_000 }, () => {
  it("Channels: value per channel and campaign, what customers said, the most a customer may cost", async () => {
    const text = await visit("/app/channels", "intelligence-channels");
    expect(text).toContain("Value per channel");
    expect(text).toMatch(/Organic search|Paid search|Email/);
    expect(text).toContain("Value per campaign");
    expect(text).toContain("The most you can spend to acquire a customer");
    expect(text).toContain("What customers say brought them");
    expect(await page.locator("figure svg").count()).toBeGreaterThanOrEqual(1);
    // The merchant's own numbers: a 40 % margin, and spend on Email.
    await page.getByLabel("Gross margin (%)").fill("40");
    const email = page.getByLabel(/^Email spend/);
    if ((await email.count()) > 0) await email.fill("500");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("The figures use your numbers now.").waitFor();
    await settled(page);
    const saved = await page.locator("main").innerText();
    expect(
      saved,
      saved.slice(saved.indexOf("The most you can spend"), saved.indexOf("The most you can spend") + 600),
    ).toContain("At a 40 % gross margin");
    const csv = await page.request.get(`${demo.app.url}/app/channels/export?by=campaign`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain("channel,campaign,customers");
    expect((await page.request.get(`${demo.app.url}/app/channels/export?by=nope`)).status()).toBe(400);
  });

  it("Channels: a spend sheet uploaded as CSV; a bad one is refused line by line and changes nothing", async () => {
    await visit("/app/channels", "intelligence-channels");
    const upload = async (name: string, text: string) => {
      await page.getByLabel("The spend covers").selectOption("365");
      await page.getByLabel("Spend sheet").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
      await page.getByRole("button", { name: "Upload" }).click();
    };
    await upload("bad.csv", "Channel;Spend\nGoogle Ads;1.200,50\nBillboards;300\n");
    await page.getByText("Nothing was saved: 1 line could not be read.").waitFor();
    const refused = await page.locator("main").innerText();
    expect(refused).toContain('Line 3: Unknown channel "Billboards".');
    expect(refused).not.toContain("(last 365 days)");
    expect(await seriousAccessibilityViolations(page), "refused upload accessibility").toEqual([]);

    await upload("spend.csv", "Channel;Spend\nGoogle Ads;1.200,50\nMeta ads;800\nNewsletter;150\n");
    await page.getByText("Spend uploaded").waitFor();
    await settled(page);
    await screenshot(page, "intelligence-channels-spend-upload");
    expect(await seriousAccessibilityViolations(page), "spend upload accessibility").toEqual([]);
    const text = await page.locator("main").innerText();
    expect(text).toContain("3 channels");
    expect(text).toContain("What customers actually cost (last 365 days)");
    // The typed form shows the uploaded amounts, the margin saved before stays.
    expect(await page.getByLabel(/^Paid search spend/).inputValue()).toBe("1200.5");
    expect(await page.getByLabel("Gross margin (%)").inputValue()).toBe("40");
    // The sheet offered for download holds what was just saved, in the format the upload reads.
    const href = await page.getByRole("link", { name: "Download a sheet to fill in" }).getAttribute("href");
    const sheet = decodeURIComponent(href!.slice(href!.indexOf(",") + 1));
    expect(sheet.split("\r\n")[0]).toBe("Channel,Spend");
    expect(sheet).toContain("Paid search,1200.50\r\n");
    expect(sheet).toContain("Paid social,800.00\r\n");
    expect(sheet).toContain("Email,150.00\r\n");
  });

  it("Channels: spend per campaign, uploaded and typed, against what its customers are worth; bad input is a 400", async () => {
    await visit("/app/channels", "intelligence-channels");
    const sendSheet = async (name: string, text: string) => {
      await page.getByLabel("Period of the campaign sheet").selectOption("365");
      await page
        .getByLabel("Campaign sheet", { exact: true })
        .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
      await page.getByRole("button", { name: "Send campaign sheet" }).click();
    };
    await sendSheet("bad.csv", "Campaign,Spend\nBrand,300\nbillboard-xyz,50\n");
    await page.getByText("Nothing was saved: 1 line could not be read.").waitFor();
    const refused = await page.locator("main").innerText();
    expect(refused).toContain('Line 3: No first order carried the campaign "billboard-xyz"');
    expect(refused).toContain("No campaign spend entered yet.");
    expect(await seriousAccessibilityViolations(page), "refused campaign sheet accessibility").toEqual([]);

    // Names as merchants type them: "Brand" is the landing pages' utm_campaign=brand, "Alpine Drop" alpine-drop.
    await sendSheet("campaigns.csv", "Campaign;Spend\nBrand;300\nAlpine Drop;250,50\n");
    await page.getByText("Campaign spend uploaded").waitFor();
    await settled(page);
    // The campaign cost table is the page's only one with a value-to-cost column.
    const table = page.getByRole("table").filter({ hasText: "Value-to-cost" });
    await table.waitFor();
    const rows = await table.locator("tbody tr").allInnerTexts();
    expect(rows.map((r) => r.split("\t")[0]).sort()).toEqual(["alpine-drop", "brand"]);
    const text = await page.locator("main").innerText();
    expect(text).toContain("Last 365 days, best value for money first");
    expect(text).toContain("Most you can spend");
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, "intelligence-channels-campaign-spend");
    expect(await seriousAccessibilityViolations(page), "campaign spend accessibility").toEqual([]);

    // The typed form shows what was uploaded; changing one amount keeps the other.
    const brand = page.getByLabel(/^brand spend/);
    expect(await brand.inputValue()).toBe("300");
    expect(await page.getByLabel(/^alpine-drop spend/).inputValue()).toBe("250.5");
    await brand.fill("450");
    await page.getByRole("button", { name: "Save campaign spend" }).click();
    await page.getByText("Campaign spend saved").waitFor();
    await settled(page);
    expect(await page.getByLabel(/^brand spend/).inputValue()).toBe("450");
    expect(await page.getByLabel(/^alpine-drop spend/).inputValue()).toBe("250.5");
    // The channel settings saved by the other tests are untouched.
    expect(await page.getByLabel("Gross margin (%)").inputValue()).toBe("40");

    // Bad input straight at the route: a 400 with the reason, and nothing stored changes.
    const post = (multipart: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>) =>
      page.request.post(`${demo.app.url}/app/channels`, { multipart, maxRedirects: 0 });
    const badSheet = await post({
      intent: "upload-campaign-spend",
      campaignSheetPeriodDays: "365",
      campaignCsv: { name: "x.csv", mimeType: "text/csv", buffer: Buffer.from("brand,lots\n") },
    });
    expect(badSheet.status()).toBe(400);
    const badPeriod = await post({ intent: "campaign-spend", campaignPeriodDays: "12", "campaign-0": "brand" });
    expect(badPeriod.status()).toBe(400);
    const unknown = await post({
      intent: "campaign-spend",
      campaignPeriodDays: "90",
      "campaign-0": "not-a-campaign",
      "campaign-spend-0": "10",
    });
    expect(unknown.status()).toBe(400);
    await visit("/app/channels", "intelligence-channels");
    expect(await page.getByLabel(/^brand spend/).inputValue()).toBe("450");
  });

  it("Retention: cohort heat map, churn per year and segment, the what-if line", async () => {
    const text = await visit("/app/retention?segment=loyal", "intelligence-retention");
    expect(text).toContain("Churn rate, last 12 months");
    expect(text).toContain("Cohorts: share of each month's new customers buying again");
    expect(text).toContain("Churn per segment");
    expect(text).toContain("What if the repeat rate rose by one point?");
    expect((await page.request.get(`${demo.app.url}/app/retention?segment=nope`)).status()).toBe(400);
  });

  it("Products: pairs bought together and a product view", async () => {
    const text = await visit("/app/products", "intelligence-products");
    expect(text).toContain("Bought together");
    expect(text).toContain("Next product for each customer");
    await page.locator("table").first().getByRole("link").first().click();
    await page.getByRole("heading", { name: "Segments that buy it" }).waitFor();
    await settled(page);
    await screenshot(page, "intelligence-product");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect((await page.request.get(`${demo.app.url}/app/products?product=missing`)).status()).toBe(404);
  });

  it("Top customers: 100 by default, any N, CSV", async () => {
    const text = await visit("/app/top-customers", "intelligence-top-customers");
    expect(text).toContain("Your 100 most valuable customers");
    expect(await page.locator("table tbody tr").count()).toBe(100);
    await visit("/app/top-customers?n=7&basis=historic", "intelligence-top-customers-7");
    expect(await page.locator("table tbody tr").count()).toBe(7);
    const csv = await page.request.get(`${demo.app.url}/app/top-customers/export?n=7&basis=historic`);
    expect((await csv.text()).trim().split("\n")).toHaveLength(8);
    expect((await page.request.get(`${demo.app.url}/app/top-customers?n=0`)).status()).toBe(400);
  });

  it("Journey: nine stages with counts, meanings and stage changes", async () => {
    const text = await visit("/app/journey", "intelligence-journey");
    for (const stage of ["New", "Lead", "Waiting", "At risk", "Lost", "Hero", "Occasional", "Repeat", "Ghost"])
      expect(text).toContain(stage);
    expect(text).toContain("What each stage means here");
    // Every label of the chart, the value axis's first and last included, is drawn inside the frame that clips it.
    const chart = page.locator("[data-chart-drawing]").first();
    await chart.locator("svg text").first().waitFor();
    const frame = (await chart.boundingBox())!;
    const labels = await chart
      .locator("svg text")
      .evaluateAll((nodes) =>
        nodes.map((node) => ({ text: node.textContent ?? "", box: node.getBoundingClientRect().toJSON() as DOMRect })),
      );
    const axis = labels.filter((l) => /^[\d,.]+$/.test(l.text.trim()));
    expect(axis.map((l) => l.text.trim())).toContain("0");
    expect(axis.length).toBeGreaterThanOrEqual(3);
    for (const { text: label, box } of labels) {
      expect(box.left, `"${label}" starts left of the chart`).toBeGreaterThanOrEqual(frame.x - 0.5);
      expect(box.right, `"${label}" ends right of the chart`).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
      expect(box.bottom, `"${label}" ends below the chart`).toBeLessThanOrEqual(frame.y + frame.height + 0.5);
    }
    expect(text).toContain("Latest stage changes");
    // The nine sign-ups who accepted marketing are Leads; consent is known, so no "needs consent" note.
    expect(text).toMatch(/\bLead\s+9\s/);
    expect(text).not.toContain("Lead needs the customers' marketing consent");
  });

  it("Shopify groups: the agreement matrix and why they differ", async () => {
    const text = await visit("/app/shopify-groups", "intelligence-shopify-groups");
    expect(text).toContain("RFM: Ciclo's segment × Shopify's group");
    expect(text).toContain("Why they differ");
    expect(text).toContain("Predicted spend");
  });

  it("Customer page shows the suggested next product", async () => {
    const text = await visit(`/app/customers/${sampleCustomerId}`, "intelligence-customer");
    expect(text).toContain("Suggested next product");
    expect(text).toContain("Came through");
  });
});

/**
 * Every admin page renders the seeded store's data in real Chromium, passes an axe-core check with no serious
 * or critical violation, and leaves a screenshot in screenshots/ for review.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

beforeAll(async () => {
  ({ demo, page, close } = await openDemoAdmin({ customers: 400 }));
}, 240_000);

afterAll(() => close?.());

async function visit(path: string, name: string): Promise<void> {
  const response = await page.goto(`${demo.app.url}${path}`);
  expect(response?.status(), path).toBe(200);
  await settled(page);
  await screenshot(page, name);
  expect(await seriousAccessibilityViolations(page), `${path} accessibility`).toEqual([]);
}

describe("admin pages with data", { timeout: 60_000 }, () => {
  it("Overview answers the morning questions: best, slipping, worth, NPS, recompute", async () => {
    await visit("/app", "overview");
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeDefined();
    const text = await page.locator("main").innerText();
    const champions = demo.store.segmentCounts.champions!;
    expect(text).toContain("Best customers (Champions + Loyal)");
    expect(text).toContain((champions + demo.store.segmentCounts.loyal!).toLocaleString("en-US"));
    expect(text).toContain("Slipping away");
    expect(text).toContain("Net Promoter Score");
    expect(text).toMatch(/Last recompute:[\s\S]{0,40}completed/);
    expect(text).toContain("Next: ");
    // The segment table links every segment with its current count.
    const row = page.locator("table", { hasText: "Open a segment" }).getByRole("row", { name: /^Champions/ });
    expect(await row.innerText()).toContain(String(champions));
    // Recency x frequency grid: 25 cells, counts add up to the scored buyers.
    const cells = await page.locator("table caption:has-text('Rows: recency score') >> xpath=.. >> td").allInnerTexts();
    expect(cells).toHaveLength(25);
    const buyers = Object.entries(demo.store.segmentCounts)
      .filter(([s]) => s !== "prospects")
      .reduce((n, [, c]) => n + c, 0);
    expect(cells.reduce((n, c) => n + Number(c.split("\n")[0]!.replace(/,/g, "")), 0)).toBe(buyers);
    // Polaris Viz charts drew (SVG inside the fixed-height frames).
    expect(await page.locator("figure svg").count()).toBeGreaterThanOrEqual(3);
    // Movement sentences.
    expect(text).toMatch(/\d+\s+[A-Za-z ]+ customers became [A-Za-z ]+/);
  });

  it("Segment page shows its definition, members and tag", async () => {
    await visit("/app/segments/champions", "segment-champions");
    const text = await page.locator("main").innerText();
    expect(text).toContain("Bought very recently (recency score 5)");
    expect(text).toContain("ciclo:rfm-champions");
    expect(text).toContain("Open these customers in Shopify admin");
    const rows = page.locator(".Polaris-IndexTable__TableRow");
    expect(await rows.count()).toBe(Math.min(50, demo.store.segmentCounts.champions!));
  });

  it("Segmentations page lists every registered segmentation; a segment page pages its members", async () => {
    await visit("/app/segmentations", "segmentations");
    const text = await page.locator("main").innerText();
    expect(text).toContain("RFM groups");
    expect(text).toContain("Lifecycle stages");
    const champions = demo.store.segmentCounts.champions!;
    // The RFM table's Champions row (its badge's name starts with the tone, e.g. "Success Champions").
    const row = page.locator("main table").first().locator("tr", { hasText: "Champions" });
    expect(await row.innerText()).toContain(champions.toLocaleString("en-US"));
    await visit("/app/segmentations/rfm/champions", "segmentation-rfm-champions");
    const segment = await page.locator("main").innerText();
    expect(segment).toContain("Bought very recently (recency score 5)");
    expect(segment).toContain("ciclo:rfm-champions");
    expect(await page.locator("main table").first().locator("tbody tr").count()).toBe(Math.min(50, champions));
    await visit("/app/segmentations/lifecycle/hero", "segmentation-lifecycle-hero");
    expect(await page.locator("main").innerText()).toContain("ciclo:stage-hero");
  });

  it("Customer page shows scores, value, history, orders and answers", async () => {
    await visit(`/app/customers/${demo.store.sampleCustomerId}`, "customer");
    const text = await page.locator("main").innerText();
    expect(text).toContain("Why Champions");
    expect(text).toContain("Predicted value, next 12 months");
    expect(text).toContain("Chance they are still a customer");
    expect(text).toContain("Loyal → Champions");
    expect(text).toContain("How likely are you to recommend us to a friend?");
    expect(await page.locator("table").first().locator("tbody tr").count()).toBeGreaterThan(0);
  });

  it("Predictions page explains the backtest in plain words", async () => {
    await visit("/app/predictions", "predictions");
    const text = await page.locator("main").innerText();
    expect(text).toContain("Predicted 5.2% more orders than actually happened");
    expect(text).toContain("BG/NBD");
    expect(text).toContain("r = 0.243");
    expect(text).toContain("database is locked");
  });

  it("Surveys page shows NPS, trend, segments, JTBD and answers", async () => {
    await visit("/app/surveys", "surveys");
    const text = await page.locator("main").innerText();
    expect(text).toContain("NPS by month");
    expect(text).toContain("Why customers buy, by segment");
    expect(text).toContain("Latest answers");
    expect(text).toMatch(/from \d+ customers/);
  });

  it("Question-set editor and Settings render", async () => {
    await visit("/app/surveys/question-sets", "survey-question-sets");
    expect(await page.locator("main").innerText()).toContain("winback");
    await visit("/app/settings", "settings");
    expect(await page.getByLabel("Tag prefix").inputValue()).toBe("ciclo:");
    await visit("/app/sync", "sync");
  });

  it("free-text search finds answers regardless of accents", async () => {
    await page.goto(`${demo.app.url}/app/surveys?q=perche`);
    await settled(page);
    expect(await page.locator("main").innerText()).toContain("Perché i prodotti sono ottimi");
  });
});

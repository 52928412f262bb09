/**
 * The Segment members table sorts, filters and pages on the server, and the CSV downloads (segment members,
 * survey answers) contain the right rows with formula-injection protection.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDemoAdmin, settled, type DemoApp } from "../support/demo-admin";

let demo: DemoApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // Enough Promising customers for two pages of 50.
  ({ demo, page, close } = await openDemoAdmin({ customers: 900, seed: 11 }));
}, 240_000);

afterAll(() => close?.());

const euros = (text: string) => Number(text.replace(/[^0-9.-]/g, ""));
const column = async (index: number) =>
  page
    .locator(".Polaris-IndexTable__TableRow")
    .evaluateAll((rows, i) => rows.map((row) => (row.querySelectorAll("td")[i] as HTMLElement).innerText), index);

const memberLinks = () =>
  page.locator(".Polaris-IndexTable__TableRow a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));

describe("segment members", { timeout: 60_000 }, () => {
  it("is sorted by predicted value, highest first, and pages through every member once", async () => {
    const total = demo.store.segmentCounts.promising!;
    expect(total).toBeGreaterThan(50);
    await page.goto(`${demo.app.url}/app/segments/promising`);
    await settled(page);
    const first = (await column(5)).map(euros);
    expect(first).toHaveLength(50);
    expect([...first].sort((a, b) => b - a)).toEqual(first);
    const names = new Set(await column(0));

    const firstLinks = await memberLinks();
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/page=2/);
    // The URL changes when the data has arrived; the table re-renders a moment later (a React transition).
    await expect.poll(memberLinks, { timeout: 15_000 }).not.toEqual(firstLinks);
    await settled(page);
    const second = (await column(5)).map(euros);
    expect(second.length).toBe(Math.min(50, total - 50));
    expect(Math.max(...second)).toBeLessThanOrEqual(Math.min(...first));
    for (const name of await column(0)) names.add(name);
    // Customer links are unique per member: no overlap between pages.
    const links = [...firstLinks, ...(await memberLinks())];
    expect(new Set(links).size).toBe(links.length);
  });

  it("sorts by orders ascending when the column header is clicked twice, via the URL", async () => {
    await page.goto(`${demo.app.url}/app/segments/loyal?sort=orders&direction=asc`);
    await settled(page);
    const orders = (await column(2)).map(Number);
    expect(orders.length).toBeGreaterThan(1);
    expect([...orders].sort((a, b) => a - b)).toEqual(orders);
    await page.getByRole("button", { name: "Orders" }).click();
    await page.waitForURL(/direction=desc/);
    // The URL changes when the data has arrived; the table re-renders a moment later (a React transition).
    await expect
      .poll(async () => (await column(2)).map(Number), { timeout: 15_000 })
      .toSatisfy((d: number[]) => d.length > 1 && d[0]! > d[d.length - 1]!);
    await settled(page);
    const descending = (await column(2)).map(Number);
    expect([...descending].sort((a, b) => b - a)).toEqual(descending);
  });

  it("filters by lifecycle stage", async () => {
    await page.goto(`${demo.app.url}/app/segments/at-risk`);
    await settled(page);
    await page.getByLabel("Lifecycle stage").selectOption("at-risk");
    await page.waitForURL(/stage=at-risk/);
    // As above: wait for the re-render, then check every row.
    await expect.poll(async () => [...new Set(await column(1))], { timeout: 15_000 }).toEqual(["At risk"]);
    await settled(page);
    const stages = await column(1);
    expect(stages.length).toBeGreaterThan(0);
    expect(new Set(stages)).toEqual(new Set(["At risk"]));
  });

  it("downloads the segment as CSV with one row per member", async () => {
    await page.goto(`${demo.app.url}/app/segments/champions`);
    await settled(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const csv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "customer_id,email,first_name,last_name,segment,lifecycle_stage,orders,last_order,total_spend,historic_clv,predicted_clv_12m,p_alive,expected_orders_365d,next_order_expected,r_score,f_score,m_score,currency",
    );
    expect(lines).toHaveLength(demo.store.segmentCounts.champions! + 1);
    expect(lines.slice(1).every((line) => line.split(",")[4] === "Champions")).toBe(true);
  });

  it("downloads survey answers as CSV, neutralising formulas", async () => {
    const response = await page.request.get(`${demo.app.url}/app/surveys/export`);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const csv = (await response.text()).replace(/^\uFEFF/, "");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(demo.store.surveyAnswers + 1);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    if (csv.includes("HYPERLINK")) expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
  });
});

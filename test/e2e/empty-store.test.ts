/**
 * A store that was just installed: the Overview is an onboarding page with the live history-import progress,
 * and every other page says clearly that there is nothing yet (no errors, no empty charts).
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
  ({ demo, page, close } = await openDemoAdmin({ kind: "new" }));
}, 240_000);

afterAll(() => close?.());

describe("new store", { timeout: 60_000 }, () => {
  it("Overview shows onboarding with the import progress bar", async () => {
    await page.goto(`${demo.app.url}/app`);
    await settled(page);
    await screenshot(page, "empty-overview");
    const text = await page.locator("main").innerText();
    expect(text).toContain("Your customer insights are being prepared");
    // 4,800 of 12,000 rows imported.
    expect(text).toContain("1,700 orders imported · 40%");
    expect(await page.locator(".Polaris-ProgressBar progress").getAttribute("value")).toBe("40");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("every page has a clear empty state", async () => {
    const expectations: [string, string, string][] = [
      ["/app/segments/champions", "No customer is in Champions right now", "empty-segment"],
      ["/app/predictions", "No predictions yet", "empty-predictions"],
      ["/app/segmentations", "No customers assigned yet", "empty-segmentations"],
      ["/app/segmentations/lifecycle/hero", "No customer is in Hero right now", "empty-segmentation-segment"],
      ["/app/surveys", "No answers yet", "empty-surveys"],
      ["/app/settings", "Tag prefix", "empty-settings"],
    ];
    for (const [path, text, name] of expectations) {
      const response = await page.goto(`${demo.app.url}${path}`);
      expect(response?.status(), path).toBe(200);
      await settled(page);
      await screenshot(page, name);
      expect(await page.locator("main").innerText(), path).toContain(text);
      expect(await seriousAccessibilityViolations(page), path).toEqual([]);
    }
  });

  it("an unknown segment or customer is a 404, not a crash", async () => {
    expect((await page.goto(`${demo.app.url}/app/segments/nope`))?.status()).toBe(404);
    expect((await page.goto(`${demo.app.url}/app/segmentations/rfm/nope`))?.status()).toBe(404);
    expect((await page.goto(`${demo.app.url}/app/segmentations/nope/champions`))?.status()).toBe(404);
    expect((await page.goto(`${demo.app.url}/app/customers/nope`))?.status()).toBe(404);
  });
});

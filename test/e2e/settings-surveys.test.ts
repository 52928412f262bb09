/**
 * Settings are validated, saved and still there after a reload; the survey question-set editor saves a change
 * and rejects an invalid list with a message; "delete all data" empties the store back to onboarding.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDemoAdmin, settled, type DemoApp } from "../support/demo-admin";

let demo: DemoApp;
let page: Page;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ demo, page, close } = await openDemoAdmin({ customers: 200, seed: 5 }));
}, 240_000);

afterAll(() => close?.());

describe("settings and survey editor", { timeout: 60_000 }, () => {
  it("refuses an invalid prefix with a message next to the field, and saves nothing", async () => {
    await page.goto(`${demo.app.url}/app/settings`);
    await settled(page);
    await page.getByLabel("Tag prefix").fill("bad prefix,");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Not saved: please check the highlighted fields").waitFor();
    expect(await page.locator("main").innerText()).toContain("No spaces or commas");
    await page.reload();
    await settled(page);
    expect(await page.getByLabel("Tag prefix").inputValue()).toBe("ciclo:");
  });

  it("saves prefix, families, hour, thresholds and cooldown, and shows them after a reload", async () => {
    await page.goto(`${demo.app.url}/app/settings`);
    await settled(page);
    await page.getByLabel("Tag prefix").fill("shop-");
    await page.getByLabel(/NPS answer/).check();
    await page.getByLabel(/Lifecycle stage \(e\.g\./).uncheck();
    await page.getByLabel("Run at").selectOption("5");
    await page.getByLabel("“Lost” after this many usual gaps").fill("6");
    await page.getByLabel("Days between surveys for one customer").fill("45");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();

    await page.reload();
    await settled(page);
    expect(await page.getByLabel("Tag prefix").inputValue()).toBe("shop-");
    expect(await page.getByLabel(/NPS answer/).isChecked()).toBe(true);
    expect(await page.getByLabel(/Lifecycle stage \(e\.g\./).isChecked()).toBe(false);
    expect(await page.getByLabel("Run at").inputValue()).toBe("5");
    expect(await page.getByLabel("“Lost” after this many usual gaps").inputValue()).toBe("6");
    expect(await page.getByLabel("Days between surveys for one customer").inputValue()).toBe("45");
    // The segment page now shows the tag with the new prefix.
    await page.goto(`${demo.app.url}/app/segments/loyal`);
    await settled(page);
    expect(await page.locator("main").innerText()).toContain("shop-rfm-loyal");
  });

  it("question-set editor: a change round-trips; an invalid list is refused with the reason", async () => {
    await page.goto(`${demo.app.url}/app/surveys/question-sets`);
    await settled(page);
    // Make the "short-loyal" set ask three questions: add one and save.
    const card = page.getByRole("region", { name: "Question set short-loyal" });
    await card.getByRole("button", { name: "Add question" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Question sets saved").waitFor();
    await page.reload();
    await settled(page);
    expect(
      await page
        .getByRole("region", { name: "Question set short-loyal" })
        .getByLabel(/^Question \d$/)
        .count(),
    ).toBe(3);
    await page.goto(`${demo.app.url}/app/surveys`);
    await settled(page);
    expect(await page.locator("main").innerText()).toContain("Question sets (yours)");

    // Deleting the only order-status set leaves NPS without a fallback: refused.
    await page.goto(`${demo.app.url}/app/surveys/question-sets`);
    await settled(page);
    await page.getByRole("button", { name: "Delete nps" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Not saved: please fix these").waitFor();
    expect(await page.locator("main").innerText()).toContain("no set for everyone on order-status");
    await page.reload();
    await settled(page);
    expect(await page.getByRole("button", { name: "Delete nps" }).count()).toBe(1);
  });

  it("deletes all data only with the domain typed, then shows onboarding", async () => {
    await page.goto(`${demo.app.url}/app/settings`);
    await settled(page);
    const remove = page.getByRole("button", { name: "Delete all data" });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel(`Type ${demo.store.shop} to confirm`).fill(demo.store.shop);
    await remove.click();
    await page.getByText(/Deleted [\d,]+ records/).waitFor();
    await page.goto(`${demo.app.url}/app`);
    await settled(page);
    expect(await page.locator("main").innerText()).toContain("Your customer insights are being prepared");
  });
});

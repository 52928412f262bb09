/**
 * Browser tests against the built app in standalone demo mode: one build for the whole suite (skipped when
 * the build is newer than the sources), one server and one Chromium per test file, a seeded SQLite store
 * (tools/scored-store.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { ensureBuilt } from "../../tools/app-build";
import { startApp, type RunningApp } from "../../tools/app-process";
import { launchBrowser } from "../../tools/browser";
import { migrateSqliteFile } from "../../tools/migrations";
import { ROOT } from "../../tools/root";
import { seedStore, type SeededStore, type SeedOptions } from "../../tools/scored-store";

export const SCREENSHOTS = join(ROOT, "screenshots");

export interface DemoApp {
  app: RunningApp;
  store: SeededStore;
  dir: string;
  stop(): Promise<void>;
}

export async function startDemoApp(options: SeedOptions = {}): Promise<DemoApp> {
  await ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), "ciclo-e2e-"));
  const file = join(dir, "e2e.sqlite");
  migrateSqliteFile(file);
  const store = seedStore(file, options);
  const app = await startApp({
    NODE_ENV: "development",
    CICLO_DEMO: "1",
    DATABASE_URL: `file:${file}`,
    SHOPIFY_API_SECRET: "e2e-secret",
    CICLO_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "error",
    // The seeded history import is a fixture: no worker may try to resume it against a real Shopify.
    CICLO_WORKERS: "off",
  });
  return {
    app,
    store,
    dir,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A logged-in page (the demo login sets its signed cookie). */
export async function openAdmin(browser: Browser, demo: DemoApp): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${demo.app.url}/demo?shop=${demo.store.shop}`);
  return page;
}

/** What each browser test file starts in its beforeAll: a seeded demo app, one Chromium and a logged-in page. */
export interface DemoAdmin {
  demo: DemoApp;
  browser: Browser;
  page: Page;
  /** Closes the browser, then stops the app and removes its store. */
  close(): Promise<void>;
}

/** Starts the demo app, Chromium and a logged-in admin page; whatever started is stopped again if a later step fails. */
export async function openDemoAdmin(options: SeedOptions = {}): Promise<DemoAdmin> {
  const demo = await startDemoApp(options);
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await demo.stop();
  };
  try {
    browser = await launchBrowser();
    const page = await openAdmin(browser, demo);
    return { demo, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until the page is hydrated and lazy charts have had a chance to draw. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(150);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  targets: string[];
}

/**
 * axe-core (WCAG 2.1 A/AA rules) in the page; returns serious and critical violations only. The inside of
 * Polaris Viz drawings is not ours to fix and is excluded; the figure caption that describes each chart is
 * checked like everything else.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: join(ROOT, "node_modules/axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: unknown,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    // Polaris Viz's own SVG internals are excluded (library markup; each chart has a text alternative).
    const result = await axe.run({ exclude: [["[data-chart-drawing]"]] } as unknown as Document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

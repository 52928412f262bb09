/// <reference types="@shopify/ui-extensions/admin.customer-details.block.render" />
/**
 * The admin customer-details block under @shopify/ui-extensions-tester: it asks Ciclo's endpoint about the
 * customer shown on the page and renders segment, stage, value, P(alive), next order and the last NPS answer;
 * a failing or unknown answer gives a calm message instead of a broken block.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { installTestDocument, type TestElement } from "../support/minimal-dom";

const TARGET = "admin.customer-details.block.render";
const BLOCK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../extensions/admin-customer-block");
const extension = getExtension(TARGET, { configSearchDir: BLOCK_DIR });
installTestDocument();
const body = () => (globalThis as unknown as { document: { body: TestElement } }).document.body;

async function renderBlock(): Promise<void> {
  const toml = readFileSync(join(BLOCK_DIR, "shopify.extension.toml"), "utf8");
  const module = /module\s*=\s*"([^"]+)"/.exec(toml.split("[[extensions.targeting]]")[1] ?? "")?.[1];
  const { default: run } = (await import(/* @vite-ignore */ join(BLOCK_DIR, module!))) as {
    default: () => Promise<void>;
  };
  await run();
  // Preact runs effects after paint (a timer without requestAnimationFrame), then the fetch settles.
  await new Promise<void>((r) => setTimeout(r, 120));
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

const json = (data: unknown, status = 200) =>
  new Response(JSON.stringify(data), { status, headers: { "Content-Type": "application/json" } });

const INSIGHTS = {
  found: true,
  segment: "At risk",
  stage: "Waiting",
  historicClv: "€412.00",
  predictedClv: "€186.40",
  pAlive: 0.43,
  nextOrderAt: "2026-12-04T00:00:00.000Z",
  lastNps: { score: 6, answeredAt: "2026-10-02T10:00:00.000Z", reason: "Shipping took two weeks" },
  scoredAt: "2026-11-20T03:00:00.000Z",
};

beforeEach(() => {
  extension.setUp();
  extension.shopify.i18n.formatDate = ((date: Date) => date.toISOString().slice(0, 10)) as never;
});

afterEach(() => {
  render(null, body() as unknown as Element);
  extension.tearDown();
});

describe("admin customer block", () => {
  it("asks Ciclo about the customer on the page and shows what it knows", async () => {
    const fetchMock = vi.fn(async () => json(INSIGHTS));
    extension.fetch = fetchMock as unknown as typeof fetch;
    await renderBlock();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url] = fetchMock.mock.calls[0] as unknown as [string];
    // The customer from shopify.data.selected, on the app's own (session-token authenticated) endpoint.
    expect(url).toBe(`/api/admin/customer/${encodeURIComponent("gid://shopify/Customer/1")}`);

    const block = body().querySelector("s-admin-block");
    expect(block?.getAttribute("heading")).toBe("Ciclo");
    const text = body().textContent;
    expect(
      body()
        .querySelectorAll("s-badge")
        .map((b) => b.textContent),
    ).toEqual(["At risk", "Waiting", "6 / 10"]);
    expect(text).toContain("Predicted value (12 months)€186.40");
    expect(text).toContain("Chance still a customer43%");
    expect(text).toContain("Next order expected2026-12-04");
    expect(text).toContain("“Shipping took two weeks”");
    // A detractor's score is flagged as critical.
    expect(body().querySelectorAll("s-badge")[2]?.getAttribute("tone")).toBe("critical");
  });

  it("falls back to historic value when there is no prediction, and says when there is no NPS answer", async () => {
    extension.fetch = vi.fn(async () =>
      json({ ...INSIGHTS, predictedClv: null, lastNps: null }),
    ) as unknown as typeof fetch;
    await renderBlock();
    const text = body().textContent;
    expect(text).toContain("Customer value€412.00");
    expect(text).toContain("No NPS answer yet.");
  });

  it("says the customer is not scored yet when Ciclo does not know them", async () => {
    extension.fetch = vi.fn(async () => json({ found: false })) as unknown as typeof fetch;
    await renderBlock();
    expect(body().textContent).toContain("Not scored yet");
    expect(body().querySelectorAll("s-badge")).toHaveLength(0);
  });

  it("shows a calm message when the app answers with an error or cannot be reached", async () => {
    extension.fetch = vi.fn(async () => json({ error: "boom" }, 500)) as unknown as typeof fetch;
    await renderBlock();
    expect(body().textContent).toContain("Customer insights are not available right now.");

    render(null, body() as unknown as Element);
    extension.fetch = vi.fn(async () => {
      throw new TypeError("network down");
    }) as unknown as typeof fetch;
    await renderBlock();
    expect(body().textContent).toContain("Customer insights are not available right now.");
  });
});

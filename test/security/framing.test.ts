/**
 * Attack: clickjacking and store swapping. A foreign site frames a Ciclo admin page to trick clicks; or plants a
 * WooCommerce session cookie in a Shopify merchant's browser so their Shopify admin shows the attacker's store.
 * Every admin page (found from the route files, so a new page is covered) must name who may frame it, and a
 * request from Shopify's admin must never be answered from a WooCommerce cookie.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../support/databases";
import { createWooStore, startSecureApp, wooSession, type SecureApp } from "../support/secure-app";

const ROUTES = new URL("../../app/routes/", import.meta.url);

/** `/app…` pages (route files with a component), as URL patterns: app.segments.$segment -> /app/segments/$segment. */
function adminPages(): string[] {
  return readdirSync(ROUTES)
    .filter((file) => /^app(\.|$)/.test(file.replace(/\.tsx$/, "")) && file !== "app.tsx")
    .filter((file) => /export default/.test(readFileSync(new URL(file, ROUTES), "utf8")))
    .map((file) =>
      `/${file.replace(/\.tsx$/, "")}`
        .split(".")
        .filter((part) => part !== "_index")
        .join("/"),
    );
}

describe.each(DB_KINDS)("framing on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("every admin page may be framed only by the store's own site", async () => {
    const { store, embedSecret } = await createWooStore(app);
    const customer = await app.database.db.customer.findFirstOrThrow({ where: { storeId: store.id } });
    // Scores and an answer, so the pages run their real queries (not only the empty-store paths).
    await app.database.db.customerScore.create({
      data: {
        storeId: store.id,
        customerId: customer.id,
        computedAt: new Date(),
        orders: 1,
        purchaseDays: 1,
        monetaryMinor: 1000n,
        rScore: 3,
        fScore: 1,
        mScore: 2,
        segment: "champions",
        stage: "active",
        historicClvMinor: 1000n,
        predictedClvMinor: 2500n,
      },
    });
    await app.database.db.surveyResponse.create({
      data: {
        storeId: store.id,
        orderExternalId: "9001",
        customerId: customer.id,
        target: "thank-you",
        questionSet: "default",
        questionId: "nps",
        score: 9,
        segmentAtAnswer: "champions",
      },
    });
    const cookie = await wooSession(app, store.id, embedSecret);
    const params: Record<string, string> = { $segmentation: "rfm", $segment: "champions", $id: customer.id };
    const pages = adminPages();
    expect(pages).toEqual(expect.arrayContaining(["/app", "/app/settings", "/app/customers/$id"]));
    for (const pattern of pages) {
      const path = pattern.replace(/\$[a-z]+/gi, (name) => {
        if (!(name in params)) throw new Error(`no sample value for ${name} in ${pattern}`);
        return encodeURIComponent(params[name]!);
      });
      const res = await fetch(`${app.url}${path}`, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      const policy = res.headers.get("content-security-policy") ?? "";
      expect(policy, path).toBe(`frame-ancestors https://${store.domain};`);
      await res.body?.cancel();
    }
  });

  it("pages outside a store session cannot be framed at all", async () => {
    for (const path of ["/woo/connect", "/woo/return?store=nope"]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.headers.get("content-security-policy"), path).toBe("frame-ancestors 'none';");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      await res.body?.cancel();
    }
  });

  it("a WooCommerce cookie planted in a Shopify merchant's browser does not show that store inside Shopify", async () => {
    const { store, embedSecret } = await createWooStore(app, "planted-store.example");
    const cookie = await wooSession(app, store.id, embedSecret);
    const shopifyParams = "shop=victim-shop.myshopify.com&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvdmljdGlt&embedded=1";
    const res = await fetch(`${app.url}/app/settings?${shopifyParams}`, { headers: { cookie }, redirect: "manual" });
    const body = await res.text();
    expect(body).not.toContain("planted-store.example");
    // Shopify's own framing rule applies: the victim's shop and Shopify's admin, nobody else.
    if (res.status === 200)
      expect(res.headers.get("content-security-policy")).toContain("https://victim-shop.myshopify.com");
    // The same cookie without Shopify's parameters is a WooCommerce session as before.
    const own = await fetch(`${app.url}/app/settings`, { headers: { cookie } });
    expect(await own.text()).toContain("planted-store.example");
  });
});

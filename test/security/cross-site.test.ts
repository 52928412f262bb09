/**
 * Attack: a foreign web page auto-submits a form to Ciclo while the merchant's browser holds a Ciclo session
 * cookie (the WooCommerce admin cookie is SameSite=None, so the browser sends it). Every state-changing request
 * from another origin must be refused with 403 and change nothing; the same request from Ciclo's own pages works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../support/databases";
import {
  createWooStore,
  FOREIGN_ORIGIN,
  postForm,
  startSecureApp,
  wooSession,
  type SecureApp,
} from "../support/secure-app";

describe.each(DB_KINDS)("cross-site requests on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const counts = async (storeId: string) => ({
    customers: await app.database.db.customer.count({ where: { storeId } }),
    orders: await app.database.db.order.count({ where: { storeId } }),
    settings: await app.database.db.storeSettings.findUnique({ where: { storeId } }),
  });

  it("a foreign page cannot delete a store's data with the merchant's cookie; Ciclo's own form can", async () => {
    const { store, embedSecret } = await createWooStore(app);
    const cookie = await wooSession(app, store.id, embedSecret);
    const before = await counts(store.id);
    expect(before.customers).toBe(1);
    const fields = { intent: "delete", confirm: store.domain };

    for (const origin of [FOREIGN_ORIGIN, "null", `${app.url}.evil.example`]) {
      const res = await postForm(`${app.url}/app/settings`, fields, { cookie, origin });
      expect(res.status, origin).toBe(403);
    }
    // No Origin, but the browser's fetch metadata says the request came from another site.
    const viaFetchMetadata = await postForm(`${app.url}/app/settings`, fields, {
      cookie,
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(viaFetchMetadata.status).toBe(403);
    const viaReferer = await postForm(`${app.url}/app/settings`, fields, {
      cookie,
      headers: { referer: `${FOREIGN_ORIGIN}/trap.html` },
    });
    expect(viaReferer.status).toBe(403);
    expect(await counts(store.id)).toEqual(before);

    // The same form from Ciclo's own page goes through: the refusal above is the origin check, nothing else.
    const own = await postForm(`${app.url}/app/settings`, fields, { cookie, origin: app.url });
    expect(own.status).toBe(200);
    expect(await counts(store.id)).toMatchObject({ customers: 0, orders: 0 });
  });

  it("settings and question sets cannot be changed from another origin", async () => {
    const { store, embedSecret } = await createWooStore(app);
    const cookie = await wooSession(app, store.id, embedSecret);
    const save = await postForm(
      `${app.url}/app/settings`,
      { intent: "save", tagPrefix: "pwned:", tagFamilies: "rfm", scheduleHour: "3", surveyCooldownDays: "1" },
      { cookie, origin: FOREIGN_ORIGIN },
    );
    expect(save.status).toBe(403);
    const sets = await postForm(
      `${app.url}/app/surveys/question-sets`,
      { intent: "reset" },
      { cookie, origin: FOREIGN_ORIGIN },
    );
    expect(sets.status).toBe(403);
    expect(await app.database.db.storeSettings.findUnique({ where: { storeId: store.id } })).toBeNull();
  });

  it("the connect form and the hosted survey refuse foreign-origin posts", async () => {
    const connect = await postForm(
      `${app.url}/woo/connect`,
      { storeUrl: "https://shop.example", intent: "authorize" },
      { origin: FOREIGN_ORIGIN },
    );
    expect(connect.status).toBe(403);
    expect(connect.headers.get("location")).toBeNull();
    const survey = await postForm(
      `${app.url}/survey/s2.x.1.thank-you.1.sig`,
      { q_nps: "0" },
      { origin: FOREIGN_ORIGIN },
    );
    expect(survey.status).toBe(403);
    expect(await app.database.db.store.count({ where: { platform: "woocommerce", domain: "shop.example" } })).toBe(0);
    expect(await app.database.db.surveyResponse.count()).toBe(0);
  });
});

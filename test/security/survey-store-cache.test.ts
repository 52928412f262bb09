/**
 * Attack: the hosted survey reads the store id a link claims before it can check the link's signature (to find
 * the secret to check it with), and the survey endpoints cache stores by it. Flooding the page with links naming
 * ever new store ids must not grow the cache without bound; over HTTP the server keeps answering and real links
 * keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SurveyStores, STORE_CACHE_MAX_ENTRIES } from "../../app/surveys/survey-stores.server";
import { DB_KINDS } from "../support/databases";
import { startSecureApp, type SecureApp } from "../support/secure-app";

describe.each(DB_KINDS)("survey store cache on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("stays bounded under a flood of unknown claimed store ids, and still finds real stores", async () => {
    const database = app.database;
    const store = await database.db.store.create({ data: { platform: "shopify", domain: "cache.myshopify.com" } });
    const stores = new SurveyStores(database.db, Buffer.alloc(32, 1));
    expect((await stores.byId(store.id))?.id).toBe(store.id);
    for (let i = 0; i < STORE_CACHE_MAX_ENTRIES + 500; i++) expect(await stores.byId(`forged-${i}`)).toBeNull();
    expect(stores.size).toBeLessThanOrEqual(STORE_CACHE_MAX_ENTRIES);
    expect((await stores.byId(store.id))?.id).toBe(store.id);
  });

  it("the running app answers every forged link with 403 and keeps serving", async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${app.url}/survey/s2.forged${i}.1.thank-you.9999999999.c2ln`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await res.body?.cancel();
    }
    expect([...statuses.keys()]).toEqual([403]);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});

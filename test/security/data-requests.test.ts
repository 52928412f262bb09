/**
 * Data-request reports: the merchant downloads a customer's report from Settings for 30 days, then it is gone.
 * A merchant of another store cannot fetch it (every query is scoped to the signed-in store), and an expired
 * report is neither listed nor served, and is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../support/databases";
import { createWooStore, startSecureApp, wooSession, type SecureApp } from "../support/secure-app";

const DAY = 86_400_000;

describe.each(DB_KINDS)("data-request reports on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("lists and serves a store's own reports for 30 days, never another store's, then deletes them", async () => {
    const db = app.database.db;
    const a = await createWooStore(app);
    const b = await createWooStore(app);
    const report = (storeId: string, customer: string, ageDays: number) =>
      db.dataRequest.create({
        data: {
          storeId,
          customerExternalId: customer,
          report: JSON.stringify({ customer: { email: `${customer}@example.com` } }),
          createdAt: new Date(Date.now() - ageDays * DAY),
        },
      });
    const fresh = await report(a.store.id, "1001", 2);
    const old = await report(a.store.id, "1002", 31);
    const foreign = await report(b.store.id, "2001", 1);
    const cookie = await wooSession(app, a.store.id, a.embedSecret);

    const page = await (await fetch(`${app.url}/app/settings`, { headers: { cookie } })).text();
    expect(page).toContain(`/app/settings/data-requests/${fresh.id}`);
    expect(page).not.toContain(old.id);
    expect(page).not.toContain(foreign.id);

    const download = await fetch(`${app.url}/app/settings/data-requests/${fresh.id}`, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="ciclo-data-request-1001-/);
    expect(download.headers.get("cache-control")).toBe("no-store");
    expect(await download.json()).toEqual({ customer: { email: "1001@example.com" } });

    for (const id of [foreign.id, old.id, "not-an-id"]) {
      const res = await fetch(`${app.url}/app/settings/data-requests/${id}`, { headers: { cookie } });
      expect(res.status, id).toBe(404);
      expect(await res.text()).not.toContain("@example.com");
    }
    // Without a session there is no report at all.
    const anonymous = await fetch(`${app.url}/app/settings/data-requests/${fresh.id}`, { redirect: "manual" });
    expect(anonymous.status).not.toBe(200);

    // Past 30 days it is deleted, not only hidden.
    expect(await db.dataRequest.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.dataRequest.count({ where: { id: { in: [fresh.id, foreign.id] } } })).toBe(2);
  });
});

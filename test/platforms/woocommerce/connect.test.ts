/**
 * Connecting a WooCommerce store to Ciclo, on SQLite and PostgreSQL: the key exchange through Ciclo's https
 * callback, keys stored sealed, webhooks registered with a per-store secret, bad keys refused with the reason,
 * manual key entry; and the plugin's signed embed token turning into Ciclo's admin session.
 */
import { createHmac, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adminContextForWoo, startEmbedSession } from "../../../app/platforms/woocommerce/embed-session.server";
import { openKeys } from "../../../app/platforms/woocommerce/store-keys.server";
import { DB_KINDS } from "../../support/databases";
import { WooHarness } from "../../support/woo-harness";
import { wooTopicSecret } from "../../../app/platforms/woocommerce";

function embedToken(storeId: string, secret: string, expiresInS = 120, nonce = randomBytes(16).toString("hex")) {
  const payload = `e1.${storeId}.1.${Math.floor(Date.now() / 1000) + expiresInS}.${nonce}`;
  return `${payload}.${createHmac("sha256", secret).update(payload).digest("base64url")}`;
}

describe.each(DB_KINDS)("WooCommerce connect on %s", (kind) => {
  let h: WooHarness;
  beforeEach(async () => {
    h = await WooHarness.create(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  it("connects through the key exchange, keeps the keys sealed and registers seven signed webhooks", async () => {
    const keysBefore = h.sim.store.apiKeys.length;
    const storeId = await h.connectByKeyExchange();
    const issued = h.sim.store.apiKeys[keysBefore]!;
    expect(issued.permissions).toBe("read_write");

    const store = await h.db.store.findUniqueOrThrow({ where: { id: storeId } });
    expect(store).toMatchObject({ platform: "woocommerce", baseUrl: h.sim.httpUrl, status: "installed" });
    expect(store.domain).toBe(new URL(h.sim.httpUrl).host);
    // Nothing secret is stored in the clear: not the key, not the secret, not the webhook or embed secrets.
    const raw = JSON.stringify(store);
    expect(raw).not.toContain(issued.consumerKey);
    expect(raw).not.toContain(issued.consumerSecret);
    for (const sealed of [store.credentials, store.webhookSecret, store.embedSecret])
      expect(sealed).toMatch(/^enc:v2:/);
    expect(openKeys(h.box, store.credentials!)).toEqual({
      consumerKey: issued.consumerKey,
      consumerSecret: issued.consumerSecret,
    });

    const hooks = [...h.sim.store.webhooks.values()];
    expect(hooks.map((w) => w.topic).sort()).toEqual(
      [
        "customer.created",
        "customer.deleted",
        "customer.updated",
        "order.created",
        "order.deleted",
        "order.restored",
        "order.updated",
      ].sort(),
    );
    for (const w of hooks) {
      expect(w.status).toBe("active");
      expect(w.deliveryUrl).toBe(`${h.appUrl}/webhooks/woo/${storeId}`);
      // Each topic's own secret, so a delivery cannot be replayed under another topic.
      expect(w.secret).toBe(wooTopicSecret(h.box.open(store.webhookSecret!), w.topic));
    }
    // WooCommerce pinged each new webhook; the pings were answered 2xx and stored nothing.
    expect(h.webhooks.filter((r) => /^webhook_id=\d+$/.test(r.rawBody)).map((r) => r.status)).toEqual(
      Array(7).fill(200),
    );
    expect(await h.db.webhookReceipt.count()).toBe(0);
  });

  it("a merchant who denies access gets no store and a reason", async () => {
    h.sim.merchant.decision = "deny";
    await expect(h.connectByKeyExchange()).rejects.toThrow(/not approved/);
    expect(await h.db.store.count()).toBe(0);
  });

  it("refuses keys that can't read orders, with the reason, and stores nothing", async () => {
    const shopper = h.sim.store.createCustomer({ email: "shopper@example.com" });
    const customerKey = h.sim.store.createApiKey(shopper.id, "read_write");
    const refused = await h.connect.connectWithKeys(h.sim.httpsUrl, customerKey);
    expect(refused).toEqual({
      ok: false,
      reason: expect.stringMatching(/can't read orders.*shop manager or administrator/),
    });

    const unknown = await h.connect.connectWithKeys(h.sim.httpsUrl, {
      consumerKey: `ck_${"a".repeat(40)}`,
      consumerSecret: `cs_${"b".repeat(40)}`,
    });
    expect(unknown).toEqual({ ok: false, reason: expect.stringMatching(/^These keys can't read orders/) });

    const malformed = await h.connect.connectWithKeys(h.sim.httpsUrl, { consumerKey: "ck_x", consumerSecret: "cs_y" });
    expect(malformed).toEqual({ ok: false, reason: expect.stringMatching(/40 hexadecimal/) });
    expect(await h.db.store.count()).toBe(0);
  });

  it("accepts manual keys over https (Basic auth) and reconnecting keeps the store and its secrets", async () => {
    const first = await h.connect.connectWithKeys(h.sim.httpsUrl, h.sim.adminKey);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.firstTime).toBe(true);
    expect(first.webhooks).toMatchObject({ created: expect.arrayContaining(["order.created"]) });
    const again = await h.connect.connectWithKeys(h.sim.httpsUrl, h.sim.adminKey);
    expect(again.ok && again.firstTime).toBe(false);
    expect(again.ok && again.store.id).toBe(first.store.id);
    expect(again.ok && again.store.webhookSecret).toBe(first.store.webhookSecret);
    expect(again.ok && again.webhooks).toMatchObject({ created: [], reactivated: [] });
    expect(h.sim.store.webhooks.size).toBe(7);
  });

  it("a forged callback naming an attempt we never started is refused", async () => {
    const res = await h.connect.handleCallback(
      JSON.stringify({
        key_id: 9,
        user_id: "eyJ4Ijo.1.abc.forged",
        consumer_key: h.sim.adminKey.consumerKey,
        consumer_secret: h.sim.adminKey.consumerSecret,
        key_permissions: "read_write",
      }),
    );
    expect(res.status).toBe(400);
    expect(await h.db.store.count()).toBe(0);
  });

  it("turns the plugin's embed token into a session cookie once, and the cookie into the admin context", async () => {
    const storeId = await h.connectByKeyExchange();
    const store = await h.db.store.findUniqueOrThrow({ where: { id: storeId } });
    const secret = h.box.open(store.embedSecret!);
    const token = embedToken(storeId, secret);

    const started = await startEmbedSession(token, h.embed);
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(started.setCookie).toMatch(/^ciclo_woo=.+; .*HttpOnly/i);
    expect(started.setCookie).toMatch(/Secure/);
    expect(started.setCookie).toMatch(/SameSite=None/i);
    const cookie = started.setCookie.split(";")[0]!;
    const context = await adminContextForWoo(new Request("https://ciclo.test/app", { headers: { cookie } }), h.embed);
    expect(context).toMatchObject({ embedded: false, store: { id: storeId } });

    expect(await startEmbedSession(token, h.embed)).toMatchObject({ ok: false, status: 401, reason: /already used/ });
    expect(await startEmbedSession(embedToken(storeId, secret, -1), h.embed)).toMatchObject({
      ok: false,
      reason: "expired",
    });
    expect(await startEmbedSession(embedToken(storeId, "not-the-secret-".repeat(3)), h.embed)).toMatchObject({
      ok: false,
      reason: "bad signature",
    });
    // A cookie from someone else's key, or none, is no session.
    const tampered = cookie.slice(0, -2) + (cookie.endsWith("A") ? "BB" : "AA");
    expect(
      await adminContextForWoo(new Request("https://c/app", { headers: { cookie: tampered } }), h.embed),
    ).toBeNull();
    expect(await adminContextForWoo(new Request("https://c/app"), h.embed)).toBeNull();
    // A disconnected store's session ends.
    await h.db.store.update({ where: { id: storeId }, data: { status: "uninstalled" } });
    expect(await adminContextForWoo(new Request("https://c/app", { headers: { cookie } }), h.embed)).toBeNull();
  });
});

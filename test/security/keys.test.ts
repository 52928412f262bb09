/**
 * Keys: one master key, one derived key per purpose (HKDF), the GCM tag length pinned, and nothing written before
 * the change lost. Attacks: a sealed value with a truncated GCM tag (a 4-byte tag is forged by trying ~2^32 values)
 * must not open; a ciphertext made with the master key as a raw AES key must not open as a new value. Continuity,
 * over HTTP: a store whose secrets were sealed the old way still signs in, and a customer redacted under the old
 * hash still never comes back.
 */
import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purposeKey } from "../../app/security/keys.server";
import { SecretBox } from "../../app/security/secret-box.server";
import { SimulatedShop, type WebhookEvent } from "../../simulators/shopify";
import { DB_KINDS } from "../support/databases";
import { embedToken, inboxDrained, sendShopifyWebhook, startSecureApp, type SecureApp } from "../support/secure-app";

/** A value sealed the way Ciclo did before per-purpose keys: the master key as the AES key, "enc:v1:". */
function legacySeal(master: Buffer, plaintext: string, tagBytes = 16): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", master, iv, { authTagLength: tagBytes });
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `enc:v1:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

describe("secret box and derived keys", () => {
  const master = randomBytes(32);
  const box = new SecretBox(master);

  it("writes v2 with a derived key, still opens v1, and refuses truncated tags", () => {
    const sealed = box.seal("shpat_secret");
    expect(sealed).toMatch(/^enc:v2:/);
    expect(box.open(sealed)).toBe("shpat_secret");
    expect(box.open(legacySeal(master, "ck_legacy"))).toBe("ck_legacy");

    // A 4-byte tag over an empty plaintext: GCM would accept it unless the length is pinned.
    const short = legacySeal(master, "", 4);
    expect(() => box.open(short)).toThrow();
    const raw = Buffer.from(sealed.slice(7), "base64");
    expect(() => box.open(`enc:v2:${raw.subarray(0, 12 + 4).toString("base64")}`)).toThrow();
    // The master key is not the v2 encryption key: a v1-style ciphertext relabelled v2 does not open.
    expect(() => box.open(legacySeal(master, "x").replace("enc:v1:", "enc:v2:"))).toThrow();
  });

  it("derives a different key for every purpose", () => {
    const keys = (
      ["secret-box/v2", "woo-admin-session-cookie", "woo-connect-attempt", "redaction-hash/v2"] as const
    ).map((purpose) => purposeKey(master, purpose).toString("hex"));
    expect(new Set([...keys, master.toString("hex")]).size).toBe(keys.length + 1);
  });
});

describe.each(DB_KINDS)("data written before per-purpose keys on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("a store with v1-sealed secrets still signs in", async () => {
    const embedSecret = randomBytes(32).toString("base64url");
    const store = await app.database.db.store.create({
      data: {
        platform: "woocommerce",
        domain: "legacy-store.example",
        baseUrl: "https://legacy-store.example",
        embedSecret: legacySeal(app.encryptionKey, embedSecret),
        webhookSecret: legacySeal(app.encryptionKey, "legacy-webhook-secret"),
      },
    });
    const res = await fetch(`${app.url}/woo/embed?token=${embedToken(store.id, embedSecret)}`, { redirect: "manual" });
    expect(res.status).toBe(302);
  });

  it("a customer redacted under the old hash is not re-created by a late webhook", async () => {
    const domain = "legacy-redact.myshopify.com";
    const store = await app.database.db.store.create({ data: { platform: "shopify", domain } });
    const shop = new SimulatedShop({ domain, now: new Date(), seed: kind });
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const customer = shop.createCustomer({ email: "gone@example.com", firstName: "Gone" });
    const legacyHash = createHmac("sha256", app.encryptionKey).update(`${store.id}:${customer.id}`).digest("base64url");
    await app.database.db.redactedCustomer.create({ data: { storeId: store.id, idHash: legacyHash } });
    shop.createOrder({
      customerId: customer.id,
      lineItems: [{ title: "Tent", price: "10.00", quantity: 1, productId: 1, variantId: 2, sku: "T" }],
    });
    for (const e of events.splice(0))
      expect(await sendShopifyWebhook(app, e.topic, domain, e.payload, e.eventId)).toBe(200);
    await inboxDrained(app);
    expect(await app.database.db.customer.count({ where: { storeId: store.id } })).toBe(0);
    expect(await app.database.db.order.findFirst({ where: { storeId: store.id } })).toMatchObject({
      customerExternalId: null,
      email: null,
    });
  });
});

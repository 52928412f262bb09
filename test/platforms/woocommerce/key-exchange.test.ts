/**
 * Connecting a store: WooCommerce's /wc-auth/v1/authorize key exchange against the simulator, with Ciclo's
 * https callback receiving the keys, and the callback body parser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildAuthorizeUrl,
  checkCredentials,
  createWooClient,
  normalizeStoreUrl,
  parseKeyExchangeCallback,
} from "../../../app/platforms/woocommerce";
import { startReceiver, startWooSimulator, type Receiver, type WooSimulator } from "../../../simulators/woocommerce";

let sim: WooSimulator;
let ciclo: Receiver;
beforeAll(async () => {
  sim = await startWooSimulator();
  ciclo = await startReceiver({ https: true });
});
afterAll(async () => {
  await sim.close();
  await ciclo.close();
});

function authorizeUrl(userId: string, callbackUrl = `${ciclo.url}/woo/callback`) {
  return buildAuthorizeUrl({
    storeUrl: sim.httpUrl,
    appName: "Ciclo",
    userId,
    returnUrl: `${ciclo.url}/woo/return?x=1`,
    callbackUrl,
  });
}

describe("key exchange", () => {
  it("builds the authorize URL WooCommerce documents", () => {
    const url = new URL(
      buildAuthorizeUrl({
        storeUrl: "shop.example/",
        appName: "Ciclo",
        userId: "c-42",
        returnUrl: "https://ciclo.example/r",
        callbackUrl: "https://ciclo.example/cb",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://shop.example/wc-auth/v1/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      app_name: "Ciclo",
      scope: "read_write",
      user_id: "c-42",
      return_url: "https://ciclo.example/r",
      callback_url: "https://ciclo.example/cb",
    });
    expect(() =>
      buildAuthorizeUrl({
        storeUrl: "shop.example",
        appName: "Ciclo",
        userId: "1",
        returnUrl: "https://a/r",
        callbackUrl: "http://a/cb",
      }),
    ).toThrow(/https/);
    expect(normalizeStoreUrl("http://127.0.0.1:8080/shop/")).toBe("http://127.0.0.1:8080/shop");
    expect(() => normalizeStoreUrl("https://u:p@shop.example")).toThrow();
  });

  it("approval POSTs the keys to the callback, then returns the merchant with success=1", async () => {
    ciclo.respond = () => 200;
    const res = await fetch(authorizeUrl("attempt-7"), { redirect: "manual" });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get("location")!);
    expect(back.pathname).toBe("/woo/return");
    expect(Object.fromEntries(back.searchParams)).toEqual({ x: "1", success: "1", user_id: "attempt-7" });
    const callback = ciclo.received.at(-1)!;
    expect(callback.method).toBe("POST");
    const parsed = parseKeyExchangeCallback(callback.rawBody, "attempt-7");
    expect(parsed).toMatchObject({
      ok: true,
      value: { userId: "attempt-7", keyPermissions: "read_write", keyId: expect.any(Number) },
    });
    if (!parsed.ok) return;
    const client = createWooClient({
      allowPrivateAddresses: true,
      storeUrl: sim.httpUrl,
      consumerKey: parsed.value.consumerKey,
      consumerSecret: parsed.value.consumerSecret,
    });
    expect(await checkCredentials(client)).toMatchObject({ ok: true });
  });

  it("denial returns success=0; a callback that does not answer exactly 200 gets no key", async () => {
    sim.merchant.decision = "deny";
    const denied = await fetch(authorizeUrl("attempt-8"), { redirect: "manual" });
    expect(new URL(denied.headers.get("location")!).searchParams.get("success")).toBe("0");
    sim.merchant.decision = "approve";
    const keysBefore = sim.store.apiKeys.length;
    ciclo.respond = () => 204;
    const failed = await fetch(authorizeUrl("attempt-9"), { redirect: "manual" });
    expect(failed.status).toBe(401);
    expect(sim.store.apiKeys.length).toBe(keysBefore); // WooCommerce deletes the key again
    ciclo.respond = () => 200;
    // buildAuthorizeUrl refuses an http callback itself; the store refuses it too.
    expect(() => authorizeUrl("attempt-10", "http://127.0.0.1:9/cb")).toThrow(/https/);
    const plainUrl = new URL(authorizeUrl("attempt-10"));
    plainUrl.searchParams.set("callback_url", "http://127.0.0.1:9/cb");
    const plain = await fetch(plainUrl, { redirect: "manual" });
    expect(plain.status).toBe(401);
    expect(await plain.text()).toContain("The callback_url needs to be over SSL");
  });

  it("validates callback bodies", () => {
    const good = {
      key_id: 3,
      user_id: "a1",
      consumer_key: "ck_" + "a".repeat(40),
      consumer_secret: "cs_" + "b".repeat(40),
      key_permissions: "read_write",
    };
    expect(parseKeyExchangeCallback(JSON.stringify(good), "a1")).toMatchObject({ ok: true });
    expect(parseKeyExchangeCallback(good, "other")).toEqual({ ok: false, reason: "user_id does not match" });
    expect(parseKeyExchangeCallback({ ...good, key_permissions: "read" })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/needs read_write/),
    });
    expect(parseKeyExchangeCallback({ ...good, consumer_key: "nope" })).toEqual({
      ok: false,
      reason: "consumer_key malformed",
    });
    expect(parseKeyExchangeCallback("{not json")).toEqual({ ok: false, reason: "callback body is not JSON" });
    expect(parseKeyExchangeCallback({ ...good, key_id: 0 })).toEqual({ ok: false, reason: "key_id missing" });
    // Ids as WooCommerce may send them: numeric strings and numbers.
    expect(parseKeyExchangeCallback({ ...good, key_id: "12", user_id: 77 }, "77")).toEqual({
      ok: true,
      value: {
        keyId: 12,
        userId: "77",
        consumerKey: good.consumer_key,
        consumerSecret: good.consumer_secret,
        keyPermissions: "read_write",
      },
    });
    // The first problem, in a fixed order, is the reason given.
    expect(parseKeyExchangeCallback([good])).toEqual({ ok: false, reason: "callback body is not a JSON object" });
    expect(parseKeyExchangeCallback("null")).toEqual({ ok: false, reason: "callback body is not a JSON object" });
    expect(parseKeyExchangeCallback({ key_id: 1.5, user_id: "" })).toEqual({ ok: false, reason: "key_id missing" });
    expect(parseKeyExchangeCallback({ ...good, user_id: null }, "a1")).toEqual({
      ok: false,
      reason: "user_id missing",
    });
    expect(parseKeyExchangeCallback({ ...good, consumer_secret: "cs_short" })).toEqual({
      ok: false,
      reason: "consumer_secret malformed",
    });
    expect(parseKeyExchangeCallback({ ...good, key_permissions: undefined })).toEqual({
      ok: false,
      reason: "key_permissions is missing; Ciclo needs read_write",
    });
  });
});

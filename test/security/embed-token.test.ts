/**
 * Attack: the WordPress plugin's embed token signs a store admin in. A token signed to live far longer than the
 * plugin's 120 s (a leaked secret, a tampered plugin) must be refused; and a used token replayed against another
 * app process (several servers behind a load balancer) must be refused there too: the used nonces are shared
 * through the database, not kept per process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../../tools/app-process";
import { DB_KINDS } from "../support/databases";
import { createWooStore, embedToken, startSecondProcess, startSecureApp, type SecureApp } from "../support/secure-app";

describe.each(DB_KINDS)("embed tokens on %s", (kind) => {
  let app: SecureApp;
  let other: RunningApp;
  beforeAll(async () => {
    app = await startSecureApp(kind);
    other = await startSecondProcess(app);
  });
  afterAll(async () => {
    await other?.stop();
    await app?.stop();
  });

  const signIn = async (url: string, token: string) => {
    const res = await fetch(`${url}/woo/embed?token=${token}`, { redirect: "manual" });
    return { status: res.status, cookie: res.headers.get("set-cookie"), body: await res.text() };
  };

  it("a token used on one server cannot be used again on another", async () => {
    const { store, embedSecret } = await createWooStore(app);
    const token = embedToken(store.id, embedSecret);
    const first = await signIn(app.url, token);
    expect(first.status).toBe(302);
    expect(first.cookie).toMatch(/^ciclo_woo=/);
    for (const url of [other.url, app.url]) {
      const replay = await signIn(url, token);
      expect(replay.status, url).toBe(401);
      expect(replay.cookie).toBeNull();
    }
    // A fresh token still works on either server.
    expect((await signIn(other.url, embedToken(store.id, embedSecret))).status).toBe(302);
  });

  it("a validly signed token that claims to live for a day is refused", async () => {
    const { store, embedSecret } = await createWooStore(app);
    const longLived = await signIn(app.url, embedToken(store.id, embedSecret, 86_400));
    expect(longLived.status).toBe(401);
    expect(longLived.cookie).toBeNull();
    expect((await signIn(app.url, embedToken(store.id, embedSecret, 120))).status).toBe(302);
  });
});

/**
 * The fuzz pass of `npm run fuzz`, smaller, in the suite on both databases: hostile requests to every public
 * endpoint of the running app (webhooks, key-exchange callback, connect form, embed sign-in, hosted survey, survey
 * API) are all answered 4xx, never 5xx, and none of them writes anything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFuzz } from "../../scripts/fuzz/run";
import { DB_KINDS } from "../support/databases";
import { API_KEY, API_SECRET, startSecureApp, type SecureApp } from "../support/secure-app";

describe.each(DB_KINDS)("fuzzing the public endpoints on %s", (kind) => {
  let app: SecureApp;
  beforeAll(async () => {
    app = await startSecureApp(kind, { CICLO_WORKERS: "off" });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("answers hostile input with 4xx only and writes nothing", { timeout: 240_000 }, async () => {
    const result = await runFuzz(
      { url: app.url, db: app.database.db, apiSecret: API_SECRET, apiKey: API_KEY, encryptionKey: app.encryptionKey },
      { count: 300, seed: kind === "sqlite" ? 1 : 2 },
    );
    expect(result.failures).toEqual([]);
    expect(result["5xx"]).toBe(0);
    expect(result.partial_writes).toBe(0);
    const statuses = Object.keys(result.status_counts).map(Number);
    expect(statuses.every((status) => status >= 400 && status < 500)).toBe(true);
    expect(result.requests).toBe(300);
  });
});

/** Configuration is read once through one schema: every problem listed at once, development defaults only in development. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../app/config.server";

const KEY = randomBytes(32).toString("base64");
const PRODUCTION = {
  NODE_ENV: "production",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  CICLO_ENCRYPTION_KEY: KEY,
};

describe("loadConfig", () => {
  it("reads a complete production environment", () => {
    const config = loadConfig({ ...PRODUCTION, SCOPES: " read_orders , ,write_customers", LOG_LEVEL: "debug" });
    expect(config).toMatchObject({
      nodeEnv: "production",
      shopifyApiKey: "key",
      appUrl: "https://app.example.com",
      scopes: ["read_orders", "write_customers"],
      demo: false,
      shopifyAdminOrigin: null,
      inProcessWorkers: true,
      wooAllowPrivateAddresses: false,
      logLevel: "debug",
      databaseUrl: "file:./prisma/dev.sqlite",
    });
    expect(config.encryptionKey.equals(Buffer.from(KEY, "base64"))).toBe(true);
  });

  it("lists every problem of a bad environment at once", () => {
    let message = "";
    try {
      loadConfig({ CICLO_DEMO: "1", SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:1", LOG_LEVEL: "loud" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Ciclo configuration is invalid:\n- /);
    for (const problem of [
      "LOG_LEVEL must be debug|info|warn|error",
      "CICLO_DEMO needs NODE_ENV=development",
      "SHOPIFY_API_SECRET is required",
      "SHOPIFY_API_KEY is required",
      "SHOPIFY_APP_URL is required",
      "CICLO_ENCRYPTION_KEY is required unless NODE_ENV=development",
      "SHOPIFY_ADMIN_ORIGIN (the simulator) needs NODE_ENV=development",
    ])
      expect(message).toContain(problem);
    expect(() => loadConfig({ ...PRODUCTION, CICLO_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(
      "CICLO_ENCRYPTION_KEY must be 32 bytes, base64-encoded",
    );
  });

  it("gives development its defaults, and a stable derived key", () => {
    const a = loadConfig({ NODE_ENV: "development", PORT: "4000", CICLO_DEMO: "true" });
    const b = loadConfig({ NODE_ENV: "development" });
    expect(a).toMatchObject({ shopifyApiSecret: "ciclo-dev-secret", appUrl: "http://localhost:4000", demo: true });
    expect(a.encryptionKey.equals(b.encryptionKey)).toBe(true);
    expect(a.encryptionKey).toHaveLength(32);
    expect(loadConfig({ NODE_ENV: "test" }).logLevel).toBe("warn");
  });
});

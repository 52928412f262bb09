/**
 * Configuration, read and validated once at start-up. Everything else imports `config` instead of process.env,
 * so a missing or malformed variable fails fast with a clear message instead of deep inside a request.
 */
export interface CicloConfig {
  nodeEnv: string;
  databaseUrl: string;
  shopifyApiKey: string;
  shopifyApiSecret: string;
  appUrl: string;
  scopes: string[];
  /** 32-byte key for secrets at rest (tokens, WooCommerce keys). */
  encryptionKey: Buffer;
  /** Demo mode: standalone login and the local Shopify simulator. Only with NODE_ENV=development or test. */
  demo: boolean;
  /** Where `https://{shop}/admin/...` calls go in demo/test mode (the simulator); null = the real Shopify. */
  shopifyAdminOrigin: string | null;
  /** Run the webhook inbox and backfill workers inside this process (the embedded default). */
  inProcessWorkers: boolean;
  /**
   * Let WooCommerce connections reach loopback and private addresses (a store on this machine or the LAN, the live
   * test). Off unless CICLO_WOO_ALLOW_PRIVATE_ADDRESSES=1: otherwise the connect form could probe the server's network.
   */
  wooAllowPrivateAddresses: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
}

import { createHash } from "node:crypto";

const DEFAULT_SCOPES = "read_customers,write_customers,read_orders,read_all_orders,read_products,customer_read_orders";

/**
 * Development defaults (a known API secret, an encryption key derived from it, a localhost URL, the demo login,
 * the Shopify simulator) exist only when NODE_ENV says so explicitly: "development" (npm run dev, npm run demo)
 * or "test" (vitest). Any other value — unset, "staging", "production" — needs every secret set and refuses the
 * demo, so a server started without NODE_ENV is never left with a guessable secret or an open demo login.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CicloConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? "";
  const development = nodeEnv === "development" || nodeEnv === "test";
  const demo = env.CICLO_DEMO === "1" || env.CICLO_DEMO === "true";
  if (demo && !development)
    problems.push("CICLO_DEMO needs NODE_ENV=development (the demo login lets anyone in as any store)");

  const shopifyApiSecret = env.SHOPIFY_API_SECRET ?? (development ? "ciclo-dev-secret" : "");
  if (!shopifyApiSecret) problems.push("SHOPIFY_API_SECRET is required");
  const shopifyApiKey = env.SHOPIFY_API_KEY ?? (development ? "ciclo-dev-key" : "");
  if (!shopifyApiKey) problems.push("SHOPIFY_API_KEY is required");
  const appUrl = env.SHOPIFY_APP_URL ?? (development ? `http://localhost:${env.PORT ?? "3000"}` : "");
  if (!appUrl) problems.push("SHOPIFY_APP_URL is required");

  let encryptionKey: Buffer | null = null;
  if (env.CICLO_ENCRYPTION_KEY) {
    encryptionKey = Buffer.from(env.CICLO_ENCRYPTION_KEY, "base64");
    if (encryptionKey.length !== 32) problems.push("CICLO_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
  } else if (!development) {
    problems.push("CICLO_ENCRYPTION_KEY is required unless NODE_ENV=development (32 random bytes, base64)");
  } else {
    // Development only: a stable key derived from the dev secret, so a restart can still read tokens.
    encryptionKey = createHash("sha256").update(`ciclo-dev-encryption:${shopifyApiSecret}`).digest();
  }

  const shopifyAdminOrigin = env.SHOPIFY_ADMIN_ORIGIN ?? null;
  if (shopifyAdminOrigin && !development)
    problems.push("SHOPIFY_ADMIN_ORIGIN (the simulator) needs NODE_ENV=development");

  const logLevel = (env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "warn" : "info")) as CicloConfig["logLevel"];
  if (!["debug", "info", "warn", "error"].includes(logLevel)) problems.push("LOG_LEVEL must be debug|info|warn|error");

  if (problems.length) throw new Error(`Ciclo configuration is invalid:\n- ${problems.join("\n- ")}`);
  return {
    nodeEnv,
    databaseUrl: env.DATABASE_URL ?? "file:./prisma/dev.sqlite",
    shopifyApiKey,
    shopifyApiSecret,
    appUrl,
    scopes: (env.SCOPES ?? DEFAULT_SCOPES)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    encryptionKey: encryptionKey!,
    demo,
    shopifyAdminOrigin,
    inProcessWorkers: env.CICLO_WORKERS !== "off",
    wooAllowPrivateAddresses: env.CICLO_WOO_ALLOW_PRIVATE_ADDRESSES === "1",
    logLevel,
  };
}

let cached: CicloConfig | null = null;
export function config(): CicloConfig {
  cached ??= loadConfig();
  return cached;
}

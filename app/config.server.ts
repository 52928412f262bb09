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
import { z } from "zod";

const DEFAULT_SCOPES = "read_customers,write_customers,read_orders,read_all_orders,read_products,customer_read_orders";
const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

const optional = z.string().optional();

/**
 * Every variable Ciclo reads, as one schema. Value checks are refinements (not type errors) and the rules that
 * depend on NODE_ENV run on the whole object, so a bad start-up lists every problem at once.
 */
const EnvSchema = z
  .object({
    NODE_ENV: optional,
    PORT: optional,
    DATABASE_URL: optional,
    SHOPIFY_API_KEY: optional,
    SHOPIFY_API_SECRET: optional,
    SHOPIFY_APP_URL: optional,
    SCOPES: optional,
    CICLO_ENCRYPTION_KEY: z
      .string()
      .refine(
        (value) => value === "" || Buffer.from(value, "base64").length === 32,
        "CICLO_ENCRYPTION_KEY must be 32 bytes, base64-encoded",
      )
      .optional(),
    CICLO_DEMO: optional,
    SHOPIFY_ADMIN_ORIGIN: optional,
    CICLO_WORKERS: optional,
    CICLO_WOO_ALLOW_PRIVATE_ADDRESSES: optional,
    LOG_LEVEL: z
      .string()
      .refine((value) => (LOG_LEVELS as readonly string[]).includes(value), "LOG_LEVEL must be debug|info|warn|error")
      .optional(),
  })
  .check((ctx) => {
    const env = ctx.value;
    const development = isDevelopment(env.NODE_ENV);
    const problem = (message: string) => ctx.issues.push({ code: "custom", input: env, message });
    if (isDemo(env) && !development)
      problem("CICLO_DEMO needs NODE_ENV=development (the demo login lets anyone in as any store)");
    const { shopifyApiSecret, shopifyApiKey, appUrl } = withDevelopmentDefaults(env);
    if (!shopifyApiSecret) problem("SHOPIFY_API_SECRET is required");
    if (!shopifyApiKey) problem("SHOPIFY_API_KEY is required");
    if (!appUrl) problem("SHOPIFY_APP_URL is required");
    if (!env.CICLO_ENCRYPTION_KEY && !development)
      problem("CICLO_ENCRYPTION_KEY is required unless NODE_ENV=development (32 random bytes, base64)");
    if (env.SHOPIFY_ADMIN_ORIGIN && !development)
      problem("SHOPIFY_ADMIN_ORIGIN (the simulator) needs NODE_ENV=development");
  });

type Env = z.infer<typeof EnvSchema>;

function isDevelopment(nodeEnv: string | undefined): boolean {
  return nodeEnv === "development" || nodeEnv === "test";
}

function isDemo(env: Env): boolean {
  return env.CICLO_DEMO === "1" || env.CICLO_DEMO === "true";
}

function withDevelopmentDefaults(env: Env) {
  const development = isDevelopment(env.NODE_ENV);
  const shopifyApiSecret = env.SHOPIFY_API_SECRET ?? (development ? "ciclo-dev-secret" : "");
  return {
    shopifyApiSecret,
    shopifyApiKey: env.SHOPIFY_API_KEY ?? (development ? "ciclo-dev-key" : ""),
    appUrl: env.SHOPIFY_APP_URL ?? (development ? `http://localhost:${env.PORT ?? "3000"}` : ""),
    // Development only: a stable key derived from the dev secret, so a restart can still read tokens.
    encryptionKey: env.CICLO_ENCRYPTION_KEY
      ? Buffer.from(env.CICLO_ENCRYPTION_KEY, "base64")
      : createHash("sha256").update(`ciclo-dev-encryption:${shopifyApiSecret}`).digest(),
  };
}

/**
 * Development defaults (a known API secret, an encryption key derived from it, a localhost URL, the demo login,
 * the Shopify simulator) exist only when NODE_ENV says so explicitly: "development" (npm run dev, npm run demo)
 * or "test" (vitest). Any other value — unset, "staging", "production" — needs every secret set and refuses the
 * demo, so a server started without NODE_ENV is never left with a guessable secret or an open demo login.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): CicloConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message);
    throw new Error(`Ciclo configuration is invalid:\n- ${problems.join("\n- ")}`);
  }
  const values = parsed.data;
  const { shopifyApiSecret, shopifyApiKey, appUrl, encryptionKey } = withDevelopmentDefaults(values);
  return {
    nodeEnv: values.NODE_ENV ?? "",
    databaseUrl: values.DATABASE_URL ?? "file:./prisma/dev.sqlite",
    shopifyApiKey,
    shopifyApiSecret,
    appUrl,
    scopes: (values.SCOPES ?? DEFAULT_SCOPES)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    encryptionKey,
    demo: isDemo(values),
    shopifyAdminOrigin: values.SHOPIFY_ADMIN_ORIGIN ?? null,
    inProcessWorkers: values.CICLO_WORKERS !== "off",
    wooAllowPrivateAddresses: values.CICLO_WOO_ALLOW_PRIVATE_ADDRESSES === "1",
    logLevel: (values.LOG_LEVEL ?? (values.NODE_ENV === "test" ? "warn" : "info")) as CicloConfig["logLevel"],
  };
}

let cached: CicloConfig | null = null;
export function config(): CicloConfig {
  cached ??= loadConfig();
  return cached;
}

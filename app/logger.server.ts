/**
 * Structured one-line JSON logs. Never pass secrets (tokens, keys, HMACs) or raw payloads here: `redactFields`
 * masks the usual suspects in case one slips through — fields with a secret-sounding name at any depth, and
 * token-shaped text (Bearer tokens, Shopify access tokens, WooCommerce keys, sealed values) inside any string.
 */
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY =
  /token|secret|password|passwd|hmac|authorization|cookie|consumer_?key|api_?key|signature|credential|private_?key|session_?id/i;
const SECRET_TEXT: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 [redacted]"],
  [/\bshp(at|ca|pa|ss|ua)_[A-Za-z0-9]{16,}/g, "shp$1_[redacted]"],
  [/\b(ck|cs)_[0-9a-f]{40}\b/g, "$1_[redacted]"],
  [/\benc:v\d:[A-Za-z0-9+/=]+/g, "enc:[redacted]"],
];
const MAX_DEPTH = 6;

function threshold(): number {
  const env = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" || process.env.VITEST ? "warn" : "info");
  return ORDER[(env as Level) in ORDER ? (env as Level) : "info"];
}

function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[nested]";
  seen.add(value);
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) ? "[redacted]" : redactValue(v, depth + 1, seen);
  return out;
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactValue(fields, 0, new WeakSet()) as Record<string, unknown>;
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  if (ORDER[level] < threshold()) return;
  const line = JSON.stringify({
    t: new Date().toISOString(),
    level,
    msg: redactText(message),
    ...redactFields(fields),
  });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export const logger = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};

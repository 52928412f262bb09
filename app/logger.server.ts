/**
 * Structured one-line JSON logs through pino (`{"level":"warn","t":"…","msg":"…",…fields}`; warn and error on
 * stderr, the rest on stdout). Never pass secrets (tokens, keys, HMACs) or raw payloads here: `redactFields`
 * masks the usual suspects in case one slips through — fields with a secret-sounding name at any depth, and
 * token-shaped text (Bearer tokens, Shopify access tokens, WooCommerce keys, sealed values) and e-mail addresses
 * inside any string.
 *
 * Why not pino's own `redact` option: its paths name fixed positions (`a.b.token`, `*.token` one level deep), while
 * a secret can sit anywhere (an error's request headers inside an array of attempts), and it cannot look inside
 * strings. So pino's `formatters.log` hook runs our walker over every record instead (decision 149).
 */
import pino from "pino";

type Level = "debug" | "info" | "warn" | "error";
const LEVELS: readonly Level[] = ["debug", "info", "warn", "error"];
const SECRET_KEY =
  /token|secret|password|passwd|hmac|authorization|cookie|consumer_?key|api_?key|signature|credential|private_?key|session_?id/i;
const PERSONAL_KEY = /^(e-?mail|email_?address|phone)$/i;
const SECRET_TEXT: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 [redacted]"],
  [/\bshp(at|ca|pa|ss|ua)_[A-Za-z0-9]{16,}/g, "shp$1_[redacted]"],
  [/\b(ck|cs)_[0-9a-f]{40}\b/g, "$1_[redacted]"],
  [/\benc:v\d:[A-Za-z0-9+/=]+/g, "enc:[redacted]"],
  // Customers' e-mail addresses (also URL-encoded, as in a landing page's query string).
  [/[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, "[email]"],
];
const MAX_DEPTH = 6;

function levelFromEnv(): Level {
  const env = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" || process.env.VITEST ? "warn" : "info");
  return (LEVELS as readonly string[]).includes(env) ? (env as Level) : "info";
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
    out[k] = SECRET_KEY.test(k) ? "[redacted]" : PERSONAL_KEY.test(k) ? "[personal]" : redactValue(v, depth + 1, seen);
  return out;
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactValue(fields, 0, new WeakSet()) as Record<string, unknown>;
}

// Every line starts with its level (pino writes the level formatter's output first). process.stdout/stderr are
// looked up per line, not captured once, so tests and tools that swap their write see the output.
const ERROR_STREAM_LINE = /^\{"level":"(?:warn|error)"/;
const destination = {
  write: (line: string) => (ERROR_STREAM_LINE.test(line) ? process.stderr : process.stdout).write(line),
};

const base = pino(
  {
    level: levelFromEnv(),
    base: undefined, // no pid or hostname: one line per event, the same on every machine
    // Errors are already reduced to name and (redacted) message by redactFields; no stack traces in logs.
    serializers: { err: (value: unknown) => value },
    timestamp: () => `,"t":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redactFields(fields),
    },
  },
  destination,
);

function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  // LOG_LEVEL is read per call as before, so a tool that sets it after start-up is still obeyed.
  const wanted = levelFromEnv();
  if (base.level !== wanted) base.level = wanted;
  base[level](fields, redactText(message));
}

export const logger = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};

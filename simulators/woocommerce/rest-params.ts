/** WordPress REST argument validation, as the real store answers bad parameters (400 rest_invalid_param). */
import type { RestError } from "./auth";

export function invalidParam(name: string, message: string): RestError & { params: Record<string, string> } {
  return {
    status: 400,
    code: "rest_invalid_param",
    message: `Invalid parameter(s): ${name}`,
    params: { [name]: message },
  };
}

export function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max = Infinity,
): number | RestError {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) return invalidParam(name, `${name} is not of type integer.`);
  const value = Number(raw);
  if (value < min || value > max) {
    return invalidParam(
      name,
      max === Infinity
        ? `${name} must be greater than or equal to ${min}`
        : `${name} must be between ${min} (inclusive) and ${max} (inclusive)`,
    );
  }
  return value;
}

export function enumParam(
  query: URLSearchParams,
  name: string,
  fallback: string,
  allowed: readonly string[],
): string | RestError {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!allowed.includes(raw)) {
    const list =
      allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")}, and ${allowed[allowed.length - 1]}` : allowed[0];
    return invalidParam(name, `${name} is not one of ${list}.`);
  }
  return raw;
}

/** ISO 8601 date-time (WordPress's rest_parse_date); returns epoch seconds (fractions dropped). */
export function dateParam(query: URLSearchParams, name: string): number | null | RestError {
  const raw = query.get(name);
  if (raw === null || raw === "") return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.test(raw)) {
    return invalidParam(name, "Invalid date.");
  }
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw) ? raw : `${raw}Z`; // the simulated site's timezone is UTC
  return Math.floor(new Date(zoned).getTime() / 1000);
}

export function isRestError(value: unknown): value is RestError {
  return typeof value === "object" && value !== null && "code" in value && "status" in value;
}

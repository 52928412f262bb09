/**
 * Small, total readers for untrusted JSON: they never throw, they return null when a field is absent or has the
 * wrong type. Platform mappers use them so a malformed payload becomes a clear rejection, not a crash.
 */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function obj(value: unknown, key: string): Json | null {
  if (!isObject(value)) return null;
  const v = value[key];
  return isObject(v) ? v : null;
}

export function arr(value: unknown, key: string): unknown[] {
  if (!isObject(value)) return [];
  const v = value[key];
  return Array.isArray(v) ? v : [];
}

export function str(value: unknown, key: string): string | null {
  if (!isObject(value)) return null;
  const v = value[key];
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

/** Ids arrive as JSON numbers (REST), numeric strings, or GraphQL gids; we keep the numeric part as text. */
export function id(value: unknown, key: string): string | null {
  if (!isObject(value)) return null;
  const v = value[key];
  if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return String(v);
  if (typeof v === "string") return idFromGid(v);
  return null;
}

export function idFromGid(value: string): string | null {
  const match = /^(?:gid:\/\/[a-z]+\/[A-Za-z]+\/)?(\d{1,20})$/.exec(value.trim());
  return match ? match[1]! : null;
}

export function bool(value: unknown, key: string): boolean | null {
  if (!isObject(value)) return null;
  const v = value[key];
  return typeof v === "boolean" ? v : null;
}

export function int(value: unknown, key: string): number | null {
  if (!isObject(value)) return null;
  const v = value[key];
  return typeof v === "number" && Number.isSafeInteger(v) ? v : null;
}

export function date(value: unknown, key: string): Date | null {
  const text = str(value, key);
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * JSON from outside (webhook bodies, bulk export lines) parsed into values every database can store: PostgreSQL's
 * text type cannot hold U+0000, so a string carrying one (a signed payload may) would fail every write of its row
 * and be retried for ever. The character carries no meaning in names, e-mails or notes, so it is dropped. Bodies
 * without the escape (all of them, in practice) take the plain parse.
 */
export function parseStorableJson(text: string): unknown {
  if (!text.includes("\\u0000")) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === "string" && value.includes("\u0000") ? value.replaceAll("\u0000", "") : value,
  );
}

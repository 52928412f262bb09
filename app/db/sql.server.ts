/**
 * The few raw queries whose text differs between SQLite (the embedded default) and PostgreSQL (production).
 * Queries are written once with named `$params`; `bindNamed` turns them into the dialect's positional form.
 */
export type Dialect = "sqlite" | "postgres";

/**
 * Replaces named $params with positional ones for the dialect; returns SQL and the value order.
 * An array value becomes a list of parameters, for `IN ($ids)`.
 */
export function bindNamed(sql: string, dialect: Dialect, values: Record<string, unknown>): [string, unknown[]] {
  const order: unknown[] = [];
  const placeholder = (value: unknown) => {
    order.push(value);
    return dialect === "sqlite" ? "?" : `$${order.length}`;
  };
  const text = sql.replace(/\$(\w+)/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`missing SQL parameter ${name}`);
    const value = values[name];
    if (!Array.isArray(value)) return placeholder(value);
    if (value.length === 0) throw new Error(`empty list for SQL parameter ${name}`);
    return value.map(placeholder).join(", ");
  });
  return [text, order];
}

/**
 * `column` is one of the texts of the JSON array given as the parameter `$name`: one bound value however many
 * texts (an IN list binds one per value, and PostgreSQL parses and plans a statement of each length anew).
 */
export function inJsonArray(dialect: Dialect, column: string, name: string): string {
  return dialect === "sqlite"
    ? `${column} IN (SELECT value FROM json_each($${name}))`
    : `${column} = ANY (SELECT json_array_elements_text($${name}::json))`;
}

/**
 * Epoch day of a timestamp column in the store's calendar. Parameters: `$offset` on SQLite, which has no time-zone
 * database (the store's current UTC offset, e.g. "+60 minutes"), `$tz` on PostgreSQL (the IANA zone).
 */
export function storeDayExpression(dialect: Dialect, column: string): string {
  return dialect === "sqlite"
    ? `CAST(julianday(${column}, $offset) - 2440587.5 AS INTEGER)`
    : `(((${column} AT TIME ZONE 'UTC') AT TIME ZONE $tz)::date - DATE '1970-01-01')`;
}

/**
 * A text key as the nightly's reads sort and compare it: by its bytes, on both databases. SQLite compares text
 * bytewise already; PostgreSQL compares in the database's collation, a libc call per comparison for a libc locale
 * (even C.UTF-8): sorting a million customers' orders by customer took ~1 s more of the server's time than in
 * "C". Bytewise is also the order JavaScript's `<` gives ids, which the reads' customer lookups rely on.
 */
export function byteOrder(dialect: Dialect, column: string): string {
  return dialect === "postgres" ? `${column} COLLATE "C"` : column;
}

/** The `$offset` value for `storeDayExpression` on SQLite. */
export function sqliteOffset(utcOffsetMinutes: number): string {
  return `${utcOffsetMinutes >= 0 ? "+" : ""}${utcOffsetMinutes} minutes`;
}

/** A boolean column compared with true (SQLite stores booleans as 0/1). */
export function isTrue(dialect: Dialect, column: string): string {
  return dialect === "sqlite" ? `${column} = 1` : `${column} = true`;
}

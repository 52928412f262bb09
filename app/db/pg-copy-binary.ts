/**
 * Rows in PostgreSQL's binary COPY format, for the bulk writer. Each value goes to the server as the bytes it
 * stores (an 8-byte integer, a double, microseconds since 2000), so neither side formats or parses text: the
 * text format made this process print every number and instant and the server parse them back (timestamps and
 * doubles are its slowest input functions). The types are the table's own (read from the catalog), not the
 * caller's declared ones: binary COPY refuses a value whose size does not match the column's type.
 */

import type { ColumnChunk } from "./column-chunk";

/** The column types this encoder writes; a table with any other type is written in the text format. */
export type BinaryType = "text" | "int2" | "int4" | "int8" | "float4" | "float8" | "bool" | "timestamp";

/** PostgreSQL's type name (pg_type.typname) → the encoder's type, or null when it has none. */
export function binaryTypeOf(typname: string): BinaryType | null {
  switch (typname) {
    case "text":
    case "varchar":
    case "bpchar":
      return "text";
    case "int2":
    case "int4":
    case "int8":
    case "float4":
    case "float8":
    case "bool":
    case "timestamp":
      return typname;
    default:
      return null;
  }
}

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const TWO_32 = 4_294_967_296;
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for timestamps, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;

/** How encodeColumns writes a column: by its values' form and the column's type. */
const KIND = { constant: 0, text: 1, generic: 2, float8: 3, int4: 4, int8: 5, timestamp: 6 } as const;
/** A number column's kind by type; the types without a fast path of their own take the row-wise one. */
const NUMBER_KIND: Record<BinaryType, number> = {
  float8: KIND.float8,
  int4: KIND.int4,
  int8: KIND.int8,
  timestamp: KIND.timestamp,
  text: KIND.generic,
  int2: KIND.generic,
  float4: KIND.generic,
  bool: KIND.generic,
};

/** A value the column cannot take: named, so the caller's error says which column and why. */
function refuse(type: BinaryType, value: unknown): never {
  const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
  throw new TypeError(`binary COPY: ${shown} is not a valid ${type} value`);
}

function integerOf(value: unknown, type: BinaryType): number {
  const n = typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : Number(value);
  if (!Number.isInteger(n)) refuse(type, value);
  return n;
}

/**
 * Builds one COPY … (FORMAT binary) payload per call, into a buffer that grows as needed. Each payload is the
 * caller's (it may still be sending one while the next is built); the next starts with a buffer of the same size.
 */
export class BinaryCopyEncoder {
  private buffer = Buffer.allocUnsafe(1 << 20);
  private pos = 0;

  /** Room for a whole row of fixed-size fields (12 bytes each at most, plus the field count). */
  private readonly rowRoom: number;

  constructor(private readonly types: readonly BinaryType[]) {
    this.rowRoom = 2 + types.length * 12;
  }

  private ensure(bytes: number) {
    if (this.pos + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  /** The rows as one complete payload (header, tuples, trailer). Null, undefined, NaN and ±Infinity are NULL. */
  encode(rows: readonly (readonly unknown[])[]): Buffer {
    this.begin();
    const types = this.types;
    const count = types.length;
    for (const row of rows) {
      this.beginRow(count);
      for (let i = 0; i < count; i++) this.field(types[i]!, row[i]);
    }
    return this.finish();
  }

  /**
   * The same from a chunk of columns (column-chunk.ts): no row array, and a number column's values stay unboxed (a
   * timestamp's are epoch milliseconds). This is most of the nightly's own work in its write phase (three million
   * rows at a million customers), so each column's kind is decided once per chunk and the values go straight in
   * through a DataView; a value row-wise `field` would treat differently (a fraction in an integer column, an
   * integer beyond 2^53) takes that path and gets the same bytes or the same refusal.
   */
  encodeColumns(chunk: ColumnChunk): Buffer {
    this.begin();
    const types = this.types;
    const count = types.length;
    const kinds = new Uint8Array(count);
    const numbers: (Float64Array | null)[] = [];
    const texts: (readonly (string | null)[] | null)[] = [];
    const fixed: (Buffer | null)[] = [];
    // Room for one row of everything but its texts (a text makes room for itself and this again).
    let rowRoom = 2;
    for (let i = 0; i < count; i++) {
      const column = chunk.columns[i]!;
      const type = types[i]!;
      numbers.push(column instanceof Float64Array ? column : null);
      texts.push(Array.isArray(column) ? (column as readonly (string | null)[]) : null);
      fixed.push(null);
      if (column instanceof Float64Array) {
        kinds[i] = NUMBER_KIND[type];
        rowRoom += 12;
      } else if (Array.isArray(column)) {
        kinds[i] = type === "text" ? KIND.text : KIND.generic;
        rowRoom += 12;
      } else {
        // A constant: its bytes once, copied into every row.
        kinds[i] = KIND.constant;
        const start = this.pos;
        this.field(type, (column as { constant: unknown }).constant);
        fixed[i] = Buffer.from(this.buffer.subarray(start, this.pos));
        this.pos = start;
        rowRoom += fixed[i]!.length;
      }
    }
    let buffer = this.buffer;
    let view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
    let pos = this.pos;
    /** Room for `bytes` more: the buffer may be replaced by a larger one. */
    const room = (bytes: number) => {
      if (pos + bytes <= buffer.length) return;
      this.pos = pos;
      this.ensure(bytes);
      buffer = this.buffer;
      view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
    };
    /** The row-wise path, for the values the fast ones leave to it. */
    const slow = (type: BinaryType, value: unknown) => {
      this.pos = pos;
      this.field(type, value);
      pos = this.pos;
      buffer = this.buffer;
      view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
    };
    for (let r = 0; r < chunk.length; r++) {
      room(rowRoom);
      view.setInt16(pos, count);
      pos += 2;
      for (let i = 0; i < count; i++) {
        const kind = kinds[i]!;
        if (kind === KIND.constant) {
          const bytes = fixed[i]!;
          for (let b = 0; b < bytes.length; b++) buffer[pos + b] = bytes[b]!;
          pos += bytes.length;
          continue;
        }
        if (kind === KIND.text) {
          const text = texts[i]![r];
          if (text === null || text === undefined) {
            view.setInt32(pos, -1);
            pos += 4;
            continue;
          }
          // UTF-8 takes at most 3 bytes per UTF-16 unit.
          room(4 + text.length * 3 + rowRoom);
          const written = buffer.write(text, pos + 4, "utf8");
          view.setInt32(pos, written);
          pos += 4 + written;
          continue;
        }
        if (kind === KIND.generic) {
          slow(types[i]!, numbers[i]?.[r] ?? texts[i]![r]);
          continue;
        }
        const v = numbers[i]![r]!;
        if (!Number.isFinite(v)) {
          view.setInt32(pos, -1);
          pos += 4;
          continue;
        }
        switch (kind) {
          case KIND.float8:
            view.setInt32(pos, 8);
            view.setFloat64(pos + 4, v);
            pos += 12;
            continue;
          case KIND.int4:
            if (!Number.isInteger(v) || v < -2_147_483_648 || v > 2_147_483_647) break;
            view.setInt32(pos, 4);
            view.setInt32(pos + 4, v);
            pos += 8;
            continue;
          case KIND.int8:
          case KIND.timestamp: {
            // Microseconds since 2000-01-01, the wall time in UTC, for a timestamp (epoch milliseconds).
            const n = kind === KIND.int8 ? v : (v - PG_EPOCH_MS) * 1000;
            if (!Number.isSafeInteger(n)) break;
            const high = Math.floor(n / TWO_32);
            view.setInt32(pos, 8);
            view.setInt32(pos + 4, high);
            view.setUint32(pos + 8, n - high * TWO_32);
            pos += 12;
            continue;
          }
        }
        slow(types[i]!, v);
      }
    }
    this.pos = pos;
    return this.finish();
  }

  private begin() {
    this.pos = 0;
    this.ensure(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, SIGNATURE.length); // flags: no OIDs
    this.buffer.writeInt32BE(0, SIGNATURE.length + 4); // no header extension
    this.pos = SIGNATURE.length + 8;
  }

  private beginRow(count: number) {
    // A text field makes room for itself and the row's other fields again.
    this.ensure(this.rowRoom);
    this.buffer.writeInt16BE(count, this.pos);
    this.pos += 2;
  }

  private finish(): Buffer {
    this.ensure(2);
    this.buffer.writeInt16BE(-1, this.pos);
    this.pos += 2;
    const payload = this.buffer.subarray(0, this.pos);
    this.buffer = Buffer.allocUnsafe(this.buffer.length);
    return payload;
  }

  private field(type: BinaryType, value: unknown) {
    const buffer = this.buffer;
    if (value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value))) {
      buffer.writeInt32BE(-1, this.pos);
      this.pos += 4;
      return;
    }
    switch (type) {
      case "text": {
        const text = typeof value === "string" ? value : value instanceof Date ? value.toISOString() : String(value);
        // UTF-8 takes at most 3 bytes per UTF-16 unit.
        this.ensure(4 + text.length * 3 + this.rowRoom);
        const written = this.buffer.write(text, this.pos + 4, "utf8");
        this.buffer.writeInt32BE(written, this.pos);
        this.pos += 4 + written;
        return;
      }
      case "int2":
      case "int4": {
        const n = integerOf(value, type);
        const bytes = type === "int2" ? 2 : 4;
        if (n < -(2 ** (bytes * 8 - 1)) || n >= 2 ** (bytes * 8 - 1)) refuse(type, value);
        buffer.writeInt32BE(bytes, this.pos);
        if (bytes === 2) buffer.writeInt16BE(n, this.pos + 4);
        else buffer.writeInt32BE(n, this.pos + 4);
        this.pos += 4 + bytes;
        return;
      }
      case "int8":
        buffer.writeInt32BE(8, this.pos);
        this.int64(value, type, this.pos + 4);
        this.pos += 12;
        return;
      case "float4":
      case "float8": {
        const n = typeof value === "number" ? value : Number(value);
        if (Number.isNaN(n) && typeof value !== "number") refuse(type, value);
        if (type === "float4") {
          buffer.writeInt32BE(4, this.pos);
          buffer.writeFloatBE(n, this.pos + 4);
          this.pos += 8;
        } else {
          buffer.writeInt32BE(8, this.pos);
          buffer.writeDoubleBE(n, this.pos + 4);
          this.pos += 12;
        }
        return;
      }
      case "bool":
        buffer.writeInt32BE(1, this.pos);
        buffer[this.pos + 4] = (typeof value === "string" ? /^(t|true|1|y|yes|on)$/i.test(value) : !!value) ? 1 : 0;
        this.pos += 5;
        return;
      case "timestamp": {
        const ms =
          value instanceof Date
            ? value.getTime()
            : typeof value === "number"
              ? value
              : new Date(value as string).getTime();
        if (!Number.isFinite(ms)) refuse(type, value);
        buffer.writeInt32BE(8, this.pos);
        // Microseconds since 2000-01-01, the wall time in UTC (as the text path sends ISO strings).
        this.int64((ms - PG_EPOCH_MS) * 1000, type, this.pos + 4);
        this.pos += 12;
        return;
      }
    }
  }

  /** An 8-byte big-endian integer: plain arithmetic for safe integers, BigInt only beyond them. */
  private int64(value: unknown, type: BinaryType, at: number) {
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      const high = Math.floor(value / TWO_32);
      this.buffer.writeInt32BE(high, at);
      this.buffer.writeUInt32BE(value - high * TWO_32, at + 4);
      return;
    }
    let big: bigint;
    try {
      big = typeof value === "bigint" ? value : BigInt(typeof value === "number" ? value : String(value));
    } catch {
      refuse(type, value);
    }
    if (big < -(2n ** 63n) || big >= 2n ** 63n) refuse(type, value);
    this.buffer.writeBigInt64BE(big, at);
  }
}

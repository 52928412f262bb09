/**
 * Writes every customer's predictions to a file, as CSV or JSON lines, through one reused byte buffer: at a
 * million customers, building a row object and a string per customer cost more than fitting the model.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { IdColumn } from "./types";

export type OutputFormat = "csv" | "jsonl";

export interface PredictionColumns {
  ids: IdColumn;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedAvgOrderValue: Float64Array;
  clv: Float64Array;
}

/** The output format a file name asks for: `.jsonl` / `.ndjson` are JSON lines, anything else CSV. */
export function formatForPath(path: string): OutputFormat {
  return /\.(jsonl|ndjson)$/i.test(path) ? "jsonl" : "csv";
}

const CSV_HEADER = "customer_id,x,t_x,T,p_alive,expected_purchases,expected_avg_order_value,clv\n";
const JSON_KEYS = ["x", "tx", "T", "pAlive", "expectedPurchases", "expectedAvgOrderValue", "clv"];
const CHUNK = 1 << 22;

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

class ByteSink {
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private at = 0;
  constructor(private readonly fd: number) {}

  ensure(bytes: number): void {
    if (this.at + bytes > CHUNK) this.flush();
  }

  /** A string; ASCII is copied byte by byte (far cheaper than an encoder call for a few characters). */
  text(text: string): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.ensure(text.length * 3);
        this.at += this.buf.write(text, this.at, "utf8");
        return;
      }
      buf[at++] = code;
    }
    this.at = at;
  }

  /**
   * Bytes `source[start .. end)` as they are, when `json` is false or they need no JSON escaping (no backslash,
   * no control character; quotes cannot occur in a raw id); false, writing nothing, otherwise.
   */
  raw(source: Uint8Array, start: number, end: number, json: boolean): boolean {
    const buf = this.buf;
    let at = this.at;
    for (let i = start; i < end; i++) {
      const byte = source[i]!;
      if (json && (byte === 0x5c || byte < 0x20)) return false;
      buf[at++] = byte;
    }
    this.at = at;
    return true;
  }

  bytes(bytes: Uint8Array): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i]!;
    this.at = at;
  }

  /**
   * `String(Math.round(value * scale) / scale)` (scale = 10^digits), written as bytes from integer arithmetic;
   * a value that is not finite is written as `empty` (JSON has no NaN).
   */
  fixed(value: number, digits: number, scale: number, empty: string): void {
    if (!Number.isFinite(value)) return this.text(empty);
    const scaled = Math.round(value * scale);
    const buf = this.buf;
    // String(±0 / scale) is "0"; most customers have x = t_x = 0, so this saves a string per value.
    if (scaled === 0) {
      buf[this.at++] = 0x30;
      return;
    }
    // Up to 15 significant digits the decimal below is exactly what String() prints for scaled / scale.
    if (Math.abs(scaled) >= 1e15) return this.text(String(scaled / scale));
    if (scaled < 0) buf[this.at++] = 0x2d;
    const magnitude = Math.abs(scaled);
    let whole = Math.floor(magnitude / scale);
    let fraction = magnitude - whole * scale;
    let width = 1;
    while (width < 16 && whole >= POWERS_OF_TEN[width]!) width++;
    for (let i = this.at + width - 1; i >= this.at; i--) {
      buf[i] = 0x30 + (whole % 10);
      whole = Math.floor(whole / 10);
    }
    this.at += width;
    if (fraction === 0) return;
    buf[this.at++] = 0x2e;
    // fraction < scale <= 10^6: small integers, so integer division by | 0 is exact.
    width = digits;
    while (fraction % 10 === 0) {
      fraction = (fraction / 10) | 0;
      width--;
    }
    for (let i = this.at + width - 1; i >= this.at; i--) {
      const next = (fraction / 10) | 0;
      buf[i] = 0x30 + fraction - next * 10;
      fraction = next;
    }
    this.at += width;
  }

  flush(): void {
    let written = 0;
    while (written < this.at) written += writeSync(this.fd, this.buf, written, this.at - written);
    this.at = 0;
  }
}

/** A customer id as one CSV field (quoted only when it must be). */
function csvField(id: string): string {
  return /[",\r\n]/.test(id) ? `"${id.replace(/"/g, '""')}"` : id;
}

/** Writes one row per customer; returns the number of rows. */
export function writePredictions(path: string, format: OutputFormat, columns: PredictionColumns): number {
  const csv = format === "csv";
  const empty = csv ? "" : "null";
  // What goes before each of the seven numbers, and after the last.
  const separators = (csv ? JSON_KEYS.map(() => ",") : JSON_KEYS.map((key) => `,"${key}":`)).map((text) =>
    Buffer.from(text),
  );
  const rowEnd = Buffer.from(csv ? "\n" : "}\n");
  const values = [
    { column: columns.x, digits: 6 },
    { column: columns.tx, digits: 6 },
    { column: columns.T, digits: 6 },
    { column: columns.pAlive, digits: 6 },
    { column: columns.expectedPurchases, digits: 6 },
    { column: columns.expectedAvgOrderValue, digits: 4 },
    { column: columns.clv, digits: 4 },
  ];
  const fd = openSync(path, "w");
  try {
    const sink = new ByteSink(fd);
    const ids = columns.ids;
    const n = ids.length;
    const raw = ids.raw;
    const quote = Buffer.from('"');
    const jsonStart = Buffer.from('{"customerId":');
    if (csv) sink.text(CSV_HEADER);
    for (let i = 0; i < n; i++) {
      const start = raw ? raw.start[i]! : -1;
      const end = raw ? raw.end[i]! : 0;
      if (start >= 0) {
        // A raw id is one plain field of an ASCII line: nothing to quote in CSV, at most escaping in JSON.
        sink.ensure((end - start) * 6 + 256);
        if (!csv) {
          sink.bytes(jsonStart);
          sink.bytes(quote);
        }
        if (sink.raw(raw!.source, start, end, !csv)) {
          if (!csv) sink.bytes(quote);
        } else {
          sink.text(JSON.stringify(ids.get(i)).slice(1));
        }
      } else {
        const id = ids.get(i);
        sink.ensure(id.length * 6 + 256);
        if (csv) sink.text(csvField(id));
        else {
          sink.bytes(jsonStart);
          sink.text(JSON.stringify(id));
        }
      }
      for (let v = 0; v < values.length; v++) {
        const { column, digits } = values[v]!;
        sink.bytes(separators[v]!);
        sink.fixed(column[i]!, digits, digits === 6 ? 1e6 : 1e4, empty);
      }
      sink.bytes(rowEnd);
    }
    sink.flush();
    return n;
  } finally {
    closeSync(fd);
  }
}

/**
 * Byte-level CSV reading for the CLV command line. A million-row file is read as one Buffer and its lines and
 * fields are found by index, so no string is made per line or per field. Only plain ASCII lines take this path;
 * a line with a double quote or a non-ASCII byte is decoded and split by the full CSV rules instead, so both
 * paths give the same fields.
 */

const COMMA = 0x2c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** ASCII whitespace as String.prototype.trim sees it (tab, LF, VT, FF, CR, space). */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** Plain CSV with optional double-quoted fields; each field trimmed. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(field.trim());
      field = "";
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

/** Upper bound on the number of lines (one per newline, plus a last line without one). */
export function countLines(buf: Buffer): number {
  let lines = 1;
  let at = buf.indexOf(NEWLINE);
  while (at !== -1) {
    lines++;
    at = buf.indexOf(NEWLINE, at + 1);
  }
  return lines;
}

/**
 * One line at a time, split on "\n" with a trailing "\r" dropped (the same lines as `text.split(/\r?\n/)`), then
 * trimmed. `fields` holds the trimmed fields of a plain line as start/end byte pairs; `text` is set instead when
 * the line needed decoding.
 */
export class CsvLines {
  /** 1-based line number of the current line. */
  lineNumber = 0;
  /** Number of fields of the current line. */
  count = 0;
  /** Decoded fields when the line is not plain ASCII or has quotes; null on the fast path. */
  decoded: string[] | null = null;
  private starts = new Int32Array(16);
  private ends = new Int32Array(16);
  private next = 0;
  /** Trimmed bounds of the current line. */
  private lineStart = 0;
  private lineEnd = 0;

  constructor(readonly buf: Buffer) {}

  /**
   * Moves to the next line; false at the end of the buffer. One pass over the line's bytes finds its end, its
   * commas and whether it is plain (a per-line indexOf, a plain check and a split were three passes and a
   * native call per line, most of the reading time at a million lines).
   */
  advance(): boolean {
    const buf = this.buf;
    const length = buf.length;
    if (this.next > length) return false;
    const start = this.next;
    this.lineNumber++;
    let starts = this.starts;
    let ends = this.ends;
    let count = 0;
    let fieldStart = start;
    let plain = true;
    let i = start;
    for (; i < length; i++) {
      const byte = buf[i]!;
      if (byte === NEWLINE) break;
      if (byte === COMMA) {
        if (count === starts.length) {
          this.grow();
          starts = this.starts;
          ends = this.ends;
        }
        starts[count] = fieldStart;
        ends[count++] = i;
        fieldStart = i + 1;
      } else if (byte >= 0x80 || byte === QUOTE) plain = false;
    }
    const end = i;
    this.next = end + 1;
    if (!plain) {
      let text = buf.toString("utf8", start, end);
      if (text.endsWith("\r")) text = text.slice(0, -1);
      text = text.trim();
      this.decoded = text === "" ? [] : splitCsvLine(text);
      this.count = this.decoded.length;
      this.lineStart = this.lineEnd = start;
      return true;
    }
    this.decoded = null;
    if (count === starts.length) {
      this.grow();
      starts = this.starts;
      ends = this.ends;
    }
    starts[count] = fieldStart;
    ends[count++] = end;
    // Trim every field (the first field's start and the last field's end trim the line, "\r" included).
    for (let f = 0; f < count; f++) {
      let s = starts[f]!;
      let e = ends[f]!;
      while (s < e && isSpace(buf[s]!)) s++;
      while (e > s && isSpace(buf[e - 1]!)) e--;
      starts[f] = s;
      ends[f] = e;
    }
    this.lineStart = starts[0]!;
    this.lineEnd = ends[count - 1]!;
    // A line of spaces alone is empty, as the trimmed line "" was.
    this.count = count === 1 && starts[0] === ends[0] ? 0 : count;
    return true;
  }

  /** True when the current line is empty after trimming. */
  get empty(): boolean {
    return this.count === 0;
  }

  /** Field i as a string (undefined past the end of the line). */
  text(i: number): string | undefined {
    if (this.decoded) return this.decoded[i];
    if (i >= this.count) return undefined;
    return this.buf.toString("latin1", this.starts[i], this.ends[i]);
  }

  /** Byte offset where field i starts in `buf`, or -1 when the line was decoded or has no field i. */
  fieldStart(i: number): number {
    return this.decoded || i >= this.count ? -1 : this.starts[i]!;
  }

  /** Byte offset just past field i (meaningful when fieldStart(i) is not -1). */
  fieldEnd(i: number): number {
    return this.ends[i]!;
  }

  /** True when the line has a field i. */
  has(i: number): boolean {
    return i < this.count;
  }

  /** True when field i exists and is empty. */
  isBlank(i: number): boolean {
    if (this.decoded) return this.decoded[i] === "";
    return i < this.count && this.starts[i] === this.ends[i];
  }

  /** `Number(field)` (NaN past the end of the line, 0 for an empty field, as Number does). */
  number(i: number): number {
    if (this.decoded) return Number(this.decoded[i]);
    if (i >= this.count) return NaN;
    const fast = parsePlainDecimal(this.buf, this.starts[i]!, this.ends[i]!);
    return Number.isNaN(fast) ? Number(this.buf.toString("latin1", this.starts[i], this.ends[i])) : fast;
  }

  /** The whole trimmed line (for messages). */
  lineText(): string {
    if (this.decoded) return this.decoded.join(",");
    return this.buf.toString("latin1", this.lineStart, this.lineEnd);
  }

  private grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}

const EXACT_POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `[+-]digits[.digits]` parsed exactly as Number() would, or NaN when the text is anything else (exponents, hex,
 * "Infinity", too many digits): the caller then asks Number(). With at most 15 significant digits the integer
 * mantissa and 10^k (k ≤ 22) are both exact doubles, so the one division rounds correctly (Clinger's fast path).
 */
export function parsePlainDecimal(buf: Buffer, start: number, end: number): number {
  if (start === end) return 0;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d || buf[i] === 0x2b) {
    negative = buf[i] === 0x2d;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let seenDigit = false;
  let seenPoint = false;
  for (; i < end; i++) {
    const byte = buf[i]!;
    if (byte >= 0x30 && byte <= 0x39) {
      seenDigit = true;
      if (mantissa !== 0 || byte !== 0x30) digits++;
      mantissa = mantissa * 10 + (byte - 0x30);
      if (seenPoint) fraction++;
    } else if (byte === 0x2e && !seenPoint) seenPoint = true;
    else return NaN;
  }
  if (!seenDigit || digits > 15 || fraction > 22) return NaN;
  const value = fraction === 0 ? mantissa : mantissa / EXACT_POWERS[fraction]!;
  return negative ? -value : value;
}

/** The binary COPY encoder's bytes and its refusals (values a column cannot hold fail with a clear error). */
import { describe, expect, it } from "vitest";
import { BinaryCopyEncoder, binaryTypeOf } from "../../app/db/pg-copy-binary";

const HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);

describe("binary COPY encoder", () => {
  it("writes PostgreSQL's wire format: header, field count, length-prefixed values, -1 for null, trailer", () => {
    const encoder = new BinaryCopyEncoder(["text", "int4", "int8", "float8", "bool", "timestamp"]);
    const payload = encoder.encode([["é\t", -2, -1, 0.5, true, new Date("2000-01-01T00:00:01.002Z")], [null]]);
    const expected = Buffer.concat([
      HEADER,
      Buffer.from([0, 6]),
      Buffer.from([0, 0, 0, 3, 0xc3, 0xa9, 0x09]), // UTF-8, no escaping
      Buffer.from([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe]),
      Buffer.from([0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0, 0, 0, 8, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]),
      Buffer.from([0, 0, 0, 1, 1]),
      Buffer.from([0, 0, 0, 8, 0, 0, 0, 0, 0, 0x0f, 0x4a, 0x10]), // 1,002,000 µs after 2000-01-01
      Buffer.from([0, 6]),
      ...Array.from({ length: 6 }, () => Buffer.from([0xff, 0xff, 0xff, 0xff])), // missing values are null
      TRAILER,
    ]);
    expect(payload.equals(expected)).toBe(true);
  });

  it("encodes a chunk of columns to the same bytes as the same rows", () => {
    const types = ["text", "text", "int4", "int8", "float8", "bool", "timestamp", "timestamp"] as const;
    const at = Date.UTC(2026, 10, 20, 3, 4, 5, 6);
    const rows = [
      ["s1", "a\tb", 7, 9_007_199_254_740_991, 0.25, true, new Date(at), new Date(at)],
      ["s1", null, null, -3, null, false, null, new Date(at)],
      ["s1", "ü🎉", 0, 0, -1e300, null, new Date(0), new Date(at)],
    ];
    const chunk = {
      length: 3,
      columns: [
        { constant: "s1" },
        ["a\tb", null, "ü🎉"],
        Float64Array.of(7, NaN, 0),
        Float64Array.of(9_007_199_254_740_991, -3, 0),
        Float64Array.of(0.25, NaN, -1e300),
        Float64Array.of(1, 0, NaN),
        Float64Array.of(at, NaN, 0),
        { constant: new Date(at) },
      ],
    };
    const fromRows = new BinaryCopyEncoder(types).encode(rows);
    expect(new BinaryCopyEncoder(types).encodeColumns(chunk).equals(fromRows)).toBe(true);
  });

  it("encodes every type from columns as from rows: long constants, fractions and big integers included", () => {
    const types = ["text", "int2", "float4", "bool", "int8", "int4", "timestamp", "text", "float8"] as const;
    const long = "ü".repeat(3000);
    const big = 2 ** 60; // an integer beyond 2^53: the int8 path for exact values
    const rows = Array.from({ length: 500 }, (_, r) => [
      long,
      r % 7 === 0 ? null : r - 250,
      r / 3,
      r % 2 === 0,
      r === 499 ? big : r * 1_000_003,
      -r,
      new Date(Date.UTC(2020, 0, 1) + r * 1_234_567),
      r % 5 === 0 ? null : `x${r}é`,
      r % 3 === 0 ? Number.NaN : -r / 7,
    ]);
    const chunk = {
      length: rows.length,
      columns: [
        { constant: long },
        Float64Array.from(rows, (row) => (row[1] === null ? NaN : (row[1] as number))),
        Float64Array.from(rows, (row) => row[2] as number),
        Float64Array.from(rows, (row) => (row[3] ? 1 : 0)),
        Float64Array.from(rows, (row) => row[4] as number),
        Float64Array.from(rows, (row) => row[5] as number),
        Float64Array.from(rows, (row) => (row[6] as Date).getTime()),
        rows.map((row) => row[7] as string | null),
        Float64Array.from(rows, (row) => row[8] as number),
      ],
    };
    const fromColumns = new BinaryCopyEncoder(types).encodeColumns(chunk);
    expect(fromColumns.equals(new BinaryCopyEncoder(types).encode(rows))).toBe(true);
    // A fraction where an integer belongs is refused from columns too.
    const fraction = { length: 1, columns: [Float64Array.of(1.5)] };
    expect(() => new BinaryCopyEncoder(["int4"]).encodeColumns(fraction)).toThrow(/1.5 is not a valid int4/);
    expect(() => new BinaryCopyEncoder(["int8"]).encodeColumns(fraction)).toThrow(/1.5 is not a valid int8/);
    const beyondInt4 = { length: 1, columns: [Float64Array.of(2 ** 31)] };
    expect(() => new BinaryCopyEncoder(["int4"]).encodeColumns(beyondInt4)).toThrow(/not a valid int4/);
  });

  it("grows for long text, and a payload stays intact while the next one is built", () => {
    const encoder = new BinaryCopyEncoder(["text", "int8"]);
    const long = "ü".repeat(400_000) + "🎉";
    const first = encoder.encode([[long, 1]]);
    const copy = Buffer.from(first);
    encoder.encode([["other", 2]]);
    expect(first.equals(copy)).toBe(true);
    const length = first.readInt32BE(HEADER.length + 2);
    expect(first.subarray(HEADER.length + 6, HEADER.length + 6 + length).toString("utf8")).toBe(long);
  });

  it("refuses what the column cannot hold instead of storing something else", () => {
    const encode = (type: Parameters<typeof binaryTypeOf>[0], value: unknown) =>
      new BinaryCopyEncoder([binaryTypeOf(type)!]).encode([[value]]);
    expect(() => encode("int4", 1.5)).toThrow(/1.5 is not a valid int4/);
    expect(() => encode("int4", 2 ** 31)).toThrow(/not a valid int4/);
    expect(() => encode("int8", 2n ** 63n)).toThrow(/not a valid int8/);
    expect(() => encode("int8", "12x")).toThrow(/not a valid int8/);
    expect(() => encode("timestamp", new Date(Number.NaN))).toThrow(/not a valid timestamp/);
    expect(() => encode("float8", "abc")).toThrow(/not a valid float8/);
    expect(encode("int8", -(2n ** 63n)).subarray(HEADER.length + 6, HEADER.length + 14)).toEqual(
      Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0]),
    );
  });

  it("knows which PostgreSQL types it writes", () => {
    expect(["text", "varchar", "int4", "int8", "float8", "bool", "timestamp"].map(binaryTypeOf)).not.toContain(null);
    expect(["numeric", "jsonb", "timestamptz", "uuid", "bytea"].map(binaryTypeOf)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

/** Named parameters for the raw queries that differ between SQLite and PostgreSQL. */
import { describe, expect, it } from "vitest";
import { bindNamed } from "../../app/db/sql.server";

describe("bindNamed", () => {
  const sql = `SELECT * FROM t WHERE a = $store AND b IN ($ids) AND c > $store`;

  it("numbers parameters in order of appearance on PostgreSQL, repeating a reused name", () => {
    expect(bindNamed(sql, "postgres", { store: "s", ids: [1, 2] })).toEqual([
      `SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) AND c > $4`,
      ["s", 1, 2, "s"],
    ]);
  });

  it("uses ? on SQLite and ignores values the query does not name", () => {
    expect(bindNamed(sql, "sqlite", { store: "s", ids: ["x"], unused: 9 })).toEqual([
      `SELECT * FROM t WHERE a = ? AND b IN (?) AND c > ?`,
      ["s", "x", "s"],
    ]);
  });

  it("refuses a missing parameter and an empty list", () => {
    expect(() => bindNamed(sql, "sqlite", { store: "s" })).toThrow(/missing SQL parameter ids/);
    expect(() => bindNamed(sql, "sqlite", { store: "s", ids: [] })).toThrow(/empty list/);
  });
});

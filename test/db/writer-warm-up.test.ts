/**
 * A writer's thread started ahead of its first write (BulkWriter.warmUp) keeps the process alive only while writes
 * are on their way: a warmed writer that is never used nor closed lets the process end, on both databases.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";
import { runScriptToItsEnd } from "../support/script-to-its-end";

const SCRIPT = fileURLToPath(new URL("../support/warm-writer-left-open.ts", import.meta.url));

describe.each(DB_KINDS)("a warmed writer left open on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.drop();
  });

  it("lets the process end", () => {
    expect(runScriptToItsEnd(SCRIPT, [database.url])).toContain("left open");
  }, 30_000);
});

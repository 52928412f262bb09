/**
 * A writer's thread started ahead of its first write (BulkWriter.warmUp) keeps the process alive only while writes
 * are on their way: a warmed writer that is never used nor closed lets the process end, on both databases.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

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
    const started = performance.now();
    const child = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, database.url], {
      timeout: 20_000,
      encoding: "utf8",
    });
    expect(child.signal, child.stderr).toBeNull(); // not killed by the timeout
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toContain("left open");
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);
});

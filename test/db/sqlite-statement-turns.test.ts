/**
 * Prisma on SQLite lets the request thread breathe between statements. better-sqlite3 answers synchronously, so a
 * transaction of many statements (a webhook batch written by the inbox processor) used to run as one unbroken chain
 * of microtasks: a request arriving meanwhile waited for all of it. Each statement now starts in a turn of its own.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases";

describe("Prisma statements on SQLite", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    await database.db.store.create({
      data: { id: "s1", platform: "shopify", domain: "turns.myshopify.com", currency: "EUR" },
    });
  });
  afterEach(() => database.drop());

  it("let the event loop run between the statements of one transaction", async () => {
    const events: string[] = [];
    const transaction = database.db.$transaction(async (tx) => {
      for (let i = 0; i < 20; i++) {
        await tx.store.update({ where: { id: "s1" }, data: { currency: i % 2 ? "EUR" : "USD" } });
        events.push("statement");
      }
    });
    // Queued after the transaction started: it runs at the transaction's next turn, not after its last statement.
    setImmediate(() => events.push("request"));
    await transaction;
    const request = events.indexOf("request");
    expect(request).toBeGreaterThanOrEqual(0);
    expect(request).toBeLessThan(3);
    expect(events.filter((e) => e === "statement")).toHaveLength(20);
  });
});

/**
 * Several app processes share one database: a backfill is driven by whoever holds its lease. A run whose process
 * died (its lease ran out) is adopted by the next process that looks; a run another live process is driving is
 * left alone. On real SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackfillService } from "../../../app/platforms/shopify/backfill.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";

describe.each(DB_KINDS)("backfill leases on %s", (kind) => {
  let database: TestDatabase;
  let service: BackfillService;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    await database.db.store.create({ data: { id: "s1", platform: "shopify", domain: "lease.myshopify.com" } });
    // Talking to Shopify is not the point here: the adopted run waits on it for as long as the test runs.
    service = new BackfillService(database.db, { adminFor: () => new Promise(() => {}), leaseMs: 60_000 });
  });
  afterEach(async () => {
    service.stop();
    await database.drop();
  });

  it("adopts a run whose process died, and leaves one a live process is driving", async () => {
    const now = Date.now();
    const dead = await database.db.backfillRun.create({
      data: { storeId: "s1", state: "importing", leaseOwner: "process-that-died", leaseUntil: new Date(now - 1_000) },
    });
    const live = await database.db.backfillRun.create({
      data: { storeId: "s1", state: "running", leaseOwner: "process-alive", leaseUntil: new Date(now + 60_000) },
    });
    expect(await service.resumeAll()).toBe(1);
    await expect
      .poll(async () => (await database.db.backfillRun.findUniqueOrThrow({ where: { id: dead.id } })).leaseOwner)
      .not.toBe("process-that-died");
    const adopted = await database.db.backfillRun.findUniqueOrThrow({ where: { id: dead.id } });
    expect(adopted.leaseUntil!.getTime()).toBeGreaterThan(now);
    const untouched = await database.db.backfillRun.findUniqueOrThrow({ where: { id: live.id } });
    expect(untouched.leaseOwner).toBe("process-alive");
    expect(untouched.state).toBe("running");
  });
});

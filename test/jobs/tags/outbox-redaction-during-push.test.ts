/**
 * A customers/redact arriving while a push has the customer's page with the platform (the inbox applies it on the
 * request thread while the push job runs): nothing of the customer is written back — not into the page, not into
 * CustomerLabels — and the other customers of the page are recorded in their own places. Two moments: before the
 * push records the page (its version moved on: read again), and between the page and the confirmed tags' write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBulkWriter, type BulkWriter } from "../../../app/db/bulk-writer.server";
import { queueTagChanges, TagOutbox, type LabelWriterFactory } from "../../../app/jobs/tags/tag-outbox.server";
import { tagOutboxItems, tagSyncStatus } from "../../../app/read-models/tag-sync.server";
import { redactCustomer } from "../../../app/sync/redaction.server";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../support/databases";

const CUSTOMERS = ["101", "102", "103", "104"];

describe.each(DB_KINDS)("a redaction during a tag push on %s", (kind) => {
  let database: TestDatabase;
  let bulk: BulkWriter;
  let round = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    bulk = createBulkWriter(database.db, database.url);
  });
  afterAll(async () => {
    bulk.close();
    await database.drop();
  });

  /** A store with the four customers' changes in one page; 104 is refused by the platform. */
  async function storeWithPage(): Promise<{ storeId: string; ids: Map<string, string> }> {
    const store = await database.db.store.create({
      data: { platform: "shopify", domain: `redact-push-${kind}-${++round}.myshopify.com` },
    });
    const ids = new Map<string, string>();
    for (const externalId of CUSTOMERS) {
      const c = await database.db.customer.create({ data: { storeId: store.id, externalId } });
      ids.set(externalId, c.id);
    }
    await queueTagChanges(
      database.db,
      store.id,
      CUSTOMERS.map((externalId) => ({
        customerId: ids.get(externalId)!,
        customerExternalId: externalId,
        add: ["ciclo:rfm-champions"],
        remove: [],
        metafields: null,
      })),
    );
    return { storeId: store.id, ids };
  }

  const platform =
    (beforeAnswers: () => Promise<void>): LabelWriterFactory =>
    async () => ({
      async *apply(changes) {
        await beforeAnswers();
        for (const c of changes)
          yield c.customerExternalId === "104"
            ? { customerExternalId: c.customerExternalId, status: "user_error" as const, reason: "Tags is invalid" }
            : { customerExternalId: c.customerExternalId, status: "applied" as const };
      },
    });

  async function expectOnlyOthersRecorded(storeId: string, ids: Map<string, string>): Promise<void> {
    expect(await tagOutboxItems(database.db, storeId)).toEqual([
      expect.objectContaining({ customerExternalId: "101", state: "applied" }),
      expect.objectContaining({ customerExternalId: "103", state: "applied" }),
      expect.objectContaining({ customerExternalId: "104", state: "user_error", error: "Tags is invalid" }),
    ]);
    const page = await database.db.tagOutboxPage.findFirstOrThrow({ where: { storeId } });
    expect(page).toMatchObject({ state: "settled", size: 3, outcomes: "aau", applied: 2, notFound: 0, userErrors: 1 });
    expect(page.items).not.toContain('"102"');
    expect(page.items).not.toContain(ids.get("102"));
    const labels = await database.db.customerLabels.findMany({ where: { storeId }, orderBy: { customerId: "asc" } });
    expect(labels.map((l) => l.customerId).sort()).toEqual([ids.get("101"), ids.get("103")].sort());
    expect(await tagSyncStatus(database.db, storeId)).toMatchObject({ pending: 0, failed: 1, notFound: 0 });
  }

  it("before the page is recorded: the page is read again, the redacted customer's answer dropped", async () => {
    const { storeId, ids } = await storeWithPage();
    const writers = platform(() => redactCustomer(database.db, storeId, "102", []));
    const result = await new TagOutbox(database.db, bulk, writers, { dialect: kind }).push(storeId);
    expect(result).toMatchObject({ applied: 2, notFound: 0, userErrors: 1 });
    await expectOnlyOthersRecorded(storeId, ids);
  });

  it("between the page and the confirmed tags' write: the tags written back for them are deleted again", async () => {
    const { storeId, ids } = await storeWithPage();
    let redacted = false;
    // The redaction lands while the confirmed tags are being written (after the page was recorded).
    const racing: BulkWriter = Object.create(bulk, {
      write: {
        value: async (...args: Parameters<BulkWriter["write"]>) => {
          if (args[0].table === "CustomerLabels" && !redacted) {
            redacted = true;
            await redactCustomer(database.db, storeId, "102", []);
          }
          return bulk.write(...args);
        },
      },
    });
    const result = await new TagOutbox(
      database.db,
      racing,
      platform(async () => {}),
      { dialect: kind },
    ).push(storeId);
    expect(redacted).toBe(true);
    // The platform applied the change before the redaction: it counts, but nothing of the customer is kept.
    expect(result).toMatchObject({ applied: 3, notFound: 0, userErrors: 1 });
    await expectOnlyOthersRecorded(storeId, ids);
  });
});

/**
 * The nightly write-back for a WooCommerce store, on SQLite and PostgreSQL: the real recompute plans tag changes,
 * the real TagOutbox pushes them through the WooCommerce LabelWriter, and each changed registered customer's
 * segment, stage, CLV and tags land as `_ciclo_*` meta in the store. Other meta is untouched, guests are never
 * written, and a rerun makes no request.
 */
import type { Store } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recomputeStore } from "../../../app/jobs/nightly/recompute.server";
import { TagOutbox } from "../../../app/jobs/tags/tag-outbox.server";
import { createWooClient, type WooClient } from "../../../app/platforms/woocommerce";
import { createWooLabelWriterFactory, formatMinor } from "../../../app/platforms/woocommerce/label-writer.server";
import { openKeys } from "../../../app/platforms/woocommerce/store-keys.server";
import { DB_KINDS } from "../../support/databases";
import { WooHarness } from "../../support/woo-harness";
import { tagOutboxItems } from "../../../app/read-models/tag-sync.server";

describe.each(DB_KINDS)("WooCommerce segment write-back on %s", (kind) => {
  let h: WooHarness;
  beforeEach(async () => {
    h = await WooHarness.create(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  function metaOf(userId: number): Record<string, unknown> {
    return Object.fromEntries(h.sim.store.users.get(userId)!.meta.map((m) => [m.key, m.value]));
  }

  it("writes changed customers' _ciclo_ meta in batches, leaves other meta and guests alone, and a rerun costs nothing", async () => {
    const s = h.sim.store;
    s.cicloPluginActive = true;
    const people = Array.from({ length: 6 }, (_, i) =>
      s.createCustomer({ email: `c${i}@example.com`, meta_data: [{ key: "loyalty_tier", value: "gold" }] }),
    );
    people.forEach((p, i) => {
      for (let n = 0; n <= i; n++)
        s.createOrder({ customer_id: p.id, status: "completed", line_items: [{ product_id: 13, quantity: i + 1 }] });
    });
    s.createOrder({ status: "completed", billing: { email: "guest@example.com" }, line_items: [{ product_id: 12 }] });
    // Registered but never bought: a Prospect has no Ciclo tags, yet still gets its segment and stage as meta.
    const prospect = s.createCustomer({ email: "prospect@example.com" });

    const connected = await h.connect.connectWithKeys(h.sim.httpsUrl, h.sim.adminKey);
    if (!connected.ok) throw new Error(connected.reason);
    const storeId = connected.store.id;
    expect((await h.sync.run(storeId, "install")).run.state).toBe("completed");
    const recompute = await recomputeStore({ db: h.db, bulk: h.bulk, dialect: kind }, storeId, "nightly");
    expect(recompute.state).toBe("completed");
    const pending = (await tagOutboxItems(h.db, storeId)).filter((i) => i.state === "pending").length;
    expect(pending).toBeGreaterThan(0);

    let client: WooClient | null = null;
    const factory = createWooLabelWriterFactory({
      db: h.db,
      bulk: h.bulk,
      box: h.box,
      concurrency: 2,
      clientFor: (store: Store) =>
        (client = createWooClient({ ...h.tuning, storeUrl: store.baseUrl!, ...openKeys(h.box, store.credentials!) })),
    });
    const outbox = new TagOutbox(h.db, h.bulk, factory, { dialect: kind });
    const pushed = await outbox.push(storeId);
    const batchRequests = h.sim.requests.filter((r) => r.path.endsWith("/customers/batch"));
    expect(batchRequests).toHaveLength(1); // every registered customer fits in one batch of at most 100
    // Every registered customer is written — buyers, the Prospect and any other account without orders.
    const registered = await h.db.customer.count({ where: { storeId, NOT: { externalId: { startsWith: "guest:" } } } });
    expect(registered).toBeGreaterThanOrEqual(people.length + 1);
    expect(pushed.applied).toBe(registered);
    expect(metaOf(prospect.id)).toMatchObject({ _ciclo_segment: "prospects", _ciclo_stage: "prospect" });

    const scores = await h.db.customerScore.findMany({ where: { storeId } });
    const customers = await h.db.customer.findMany({ where: { storeId } });
    for (const person of people) {
      const row = customers.find((c) => c.externalId === String(person.id))!;
      const score = scores.find((sc) => sc.customerId === row.id)!;
      const meta = metaOf(person.id);
      expect(meta).toMatchObject({
        loyalty_tier: "gold",
        _ciclo_segment: score.segment,
        _ciclo_stage: score.stage,
        _ciclo_clv: formatMinor(score.predictedClvMinor ?? score.historicClvMinor, 2),
      });
      const labels = await h.db.customerLabels.findUniqueOrThrow({
        where: { storeId_customerId: { storeId, customerId: row.id } },
      });
      const tags = JSON.parse(labels.tags) as string[];
      expect(tags.every((t) => t.startsWith("ciclo:"))).toBe(true);
      if (tags.length) expect(meta["_ciclo_tags"]).toBe([...tags].sort().join(","));
    }
    // Guests have no account: the planner never queues them, so nothing is ever written for them.
    const guestItems = (await tagOutboxItems(h.db, storeId)).filter((i) => i.customerExternalId.startsWith("guest:"));
    expect(guestItems).toHaveLength(0);
    // …while they are still scored and segmented like everyone else.
    const guests = await h.db.customer.findMany({ where: { storeId, externalId: { startsWith: "guest:" } } });
    expect(guests.length).toBeGreaterThan(0);
    expect(await h.db.customerScore.count({ where: { storeId, customerId: { in: guests.map((g) => g.id) } } })).toBe(
      guests.length,
    );

    // Rerun: nothing pending, and a fresh recompute with unchanged data plans nothing: zero requests.
    const before = h.sim.requests.length;
    expect(await outbox.push(storeId)).toMatchObject({ applied: 0 });
    await recomputeStore({ db: h.db, bulk: h.bulk, dialect: kind }, storeId, "nightly");
    const replanned = (await tagOutboxItems(h.db, storeId)).filter((i) => i.state === "pending");
    expect(replanned.every((i) => i.customerExternalId.startsWith("guest:"))).toBe(true);
    await outbox.push(storeId);
    expect(h.sim.requests.length).toBe(before);
    expect(client).not.toBeNull();
  });

  it("a store without the plugin drops _ciclo_ keys: reported per customer, not recorded as written", async () => {
    const s = h.sim.store;
    s.cicloPluginActive = false;
    const c = s.createCustomer({ email: "c@example.com" });
    s.createOrder({ customer_id: c.id, status: "completed", line_items: [{ product_id: 12 }] });
    const connected = await h.connect.connectWithKeys(h.sim.httpsUrl, h.sim.adminKey);
    if (!connected.ok) throw new Error(connected.reason);
    const storeId = connected.store.id;
    await h.sync.run(storeId, "install");
    await recomputeStore({ db: h.db, bulk: h.bulk, dialect: kind }, storeId, "nightly");
    const outbox = new TagOutbox(
      h.db,
      h.bulk,
      createWooLabelWriterFactory({ db: h.db, bulk: h.bulk, box: h.box, clientTuning: h.tuning }),
      { dialect: kind },
    );
    const pushed = await outbox.push(storeId);
    expect(pushed.applied).toBe(0);
    const item = (await tagOutboxItems(h.db, storeId)).find((i) => i.customerExternalId === String(c.id));
    expect(item).toMatchObject({ state: "user_error", error: expect.stringMatching(/Ciclo plugin/) });
    expect(Object.keys(metaOf(c.id)).filter((k) => k.startsWith("_ciclo_"))).toEqual([]);
  });
});

describe("formatMinor", () => {
  it("prints minor units exactly", () => {
    expect(formatMinor(18240n, 2)).toBe("182.40");
    expect(formatMinor(5n, 2)).toBe("0.05");
    expect(formatMinor(-1234n, 2)).toBe("-12.34");
    expect(formatMinor(1500n, 0)).toBe("1500");
    expect(formatMinor(123456789012345678n, 3)).toBe("123456789012345.678");
  });
});

/**
 * Segment write-back as `_ciclo_` customer meta through POST /customers/batch: at most 100 per request,
 * diff-only, guests skipped, other meta untouched, and a store without the Ciclo plugin reported.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BATCH_LIMIT,
  createWooClient,
  guestCustomerId,
  metaDiff,
  writeCustomerMeta,
  type CicloCustomerLabels,
  type CustomerMetaChange,
  type WooClient,
} from "../../../app/platforms/woocommerce";
import { startWooSimulator, type WooSimulator } from "../../../simulators/woocommerce";

let sim: WooSimulator;
let client: WooClient;
beforeEach(async () => {
  sim = await startWooSimulator();
  sim.store.cicloPluginActive = true;
  client = createWooClient({
    allowPrivateAddresses: true,
    storeUrl: sim.httpsUrl,
    consumerKey: sim.adminKey.consumerKey,
    consumerSecret: sim.adminKey.consumerSecret,
    ca: sim.ca,
  });
});
afterEach(async () => {
  await sim.close();
});

const labels = (segment: string, tags: string[] = ["vip"]): CicloCustomerLabels => ({
  segment,
  stage: "active",
  clv: "182.40",
  tags,
});

function batchRequests() {
  return sim.requests.filter((r) => r.path.endsWith("/customers/batch"));
}

describe("writeCustomerMeta", () => {
  it("writes 250 changed customers in 3 batch requests of at most 100, leaving other meta alone", async () => {
    const customers = Array.from({ length: 250 }, (_, i) =>
      sim.store.createCustomer({
        email: `c${i}@example.com`,
        meta_data: [
          { key: "other_plugin", value: "keep" },
          { key: "_private_thing", value: "x" },
        ],
      }),
    );
    const changes: CustomerMetaChange[] = customers.map((c) => ({
      customerExternalId: String(c.id),
      next: labels("champions"),
      previous: null,
    }));
    const result = await writeCustomerMeta(client, changes);
    expect(result).toMatchObject({
      requests: 3,
      unchanged: 0,
      skippedGuests: 0,
      failed: [],
      metaDroppedByStore: false,
    });
    expect(result.written).toHaveLength(250);
    expect(batchRequests()).toHaveLength(3);
    const sample = sim.store.users.get(customers[7]!.id)!;
    expect(Object.fromEntries(sample.meta.map((m) => [m.key, m.value]))).toEqual({
      other_plugin: "keep",
      _ciclo_segment: "champions",
      _ciclo_stage: "active",
      _ciclo_clv: "182.40",
      _ciclo_tags: "vip",
    });
    expect(BATCH_LIMIT).toBe(100);
  });

  it("is diff-only: unchanged customers cost no request; changed keys only; null deletes", async () => {
    const c = sim.store.createCustomer({ email: "d@example.com" });
    await writeCustomerMeta(client, [
      { customerExternalId: String(c.id), next: labels("loyal", ["a", "b"]), previous: null },
    ]);
    const before = sim.requests.length;
    const same = await writeCustomerMeta(client, [
      { customerExternalId: String(c.id), next: labels("loyal", ["b", "a"]), previous: labels("loyal", ["a", "b"]) },
    ]);
    expect(same).toMatchObject({ requests: 0, unchanged: 1 });
    expect(sim.requests.length).toBe(before);
    expect(metaDiff({ ...labels("at_risk"), tags: [] }, labels("loyal"))).toEqual([
      { key: "_ciclo_segment", value: "at_risk" },
      { key: "_ciclo_tags", value: null },
    ]);
    const changed = await writeCustomerMeta(client, [
      {
        customerExternalId: String(c.id),
        next: { ...labels("at_risk"), tags: [] },
        previous: labels("loyal", ["a", "b"]),
      },
    ]);
    expect(changed).toMatchObject({ requests: 1, written: [String(c.id)] });
    const meta = Object.fromEntries(sim.store.users.get(c.id)!.meta.map((m) => [m.key, m.value]));
    expect(meta).toEqual({ _ciclo_segment: "at_risk", _ciclo_stage: "active", _ciclo_clv: "182.40" });
  });

  it("skips guests and reports unknown customers", async () => {
    const c = sim.store.createCustomer({ email: "e@example.com" });
    const result = await writeCustomerMeta(client, [
      { customerExternalId: guestCustomerId("g@example.com", "k")!, next: labels("new"), previous: null },
      { customerExternalId: String(c.id), next: labels("new"), previous: null },
      { customerExternalId: "999999", next: labels("new"), previous: null },
    ]);
    expect(result).toMatchObject({
      requests: 1,
      skippedGuests: 1,
      written: [String(c.id)],
      failed: [{ customerExternalId: "999999", reason: "Invalid resource ID." }],
    });
  });

  it("reports a store that drops _ciclo_ keys (WordPress protected meta, Ciclo plugin not active)", async () => {
    sim.store.cicloPluginActive = false;
    const c = sim.store.createCustomer({ email: "f@example.com" });
    const result = await writeCustomerMeta(client, [
      { customerExternalId: String(c.id), next: labels("new"), previous: null },
    ]);
    expect(result.metaDroppedByStore).toBe(true);
    expect(result.failed[0]!.reason).toMatch(/activate the Ciclo plugin/);
    expect(sim.store.users.get(c.id)!.meta).toEqual([]);
  });

  it("the batch endpoint refuses more than 100 items with 413", async () => {
    const res = await client
      .post("customers/batch", { update: Array.from({ length: 101 }, (_, i) => ({ id: i + 1 })) })
      .catch((e: unknown) => e);
    expect(res).toMatchObject({ status: 413, code: "woocommerce_rest_request_entity_too_large" });
  });
});

/**
 * ShopifyTagWriter against the simulator over HTTP: exact final tags on both paths, merchant tags untouched,
 * the prefix safety net, pacing to the restore rate (no or few THROTTLED, time close to the minimum), partial
 * failures with reasons, convergence after a crash mid-push, metafields, and the finish-webhook wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminGraphql } from "../../../../app/platforms/shopify/admin-graphql.server";
import {
  CostPacer,
  readCustomerTags,
  ShopifyTagWriter,
  type ChangeResult,
  type CustomerLabelChange,
  type WritePath,
} from "../../../../app/platforms/shopify/tags";
import { AdminHttpError, simulatorAdminGraphql } from "../../../../simulators/shopify/admin-client";
import { start, type ShopifySimulator } from "../../../../simulators/shopify/server";
import type { SimulatedShop } from "../../../../simulators/shopify/store";

let sim: ShopifySimulator;
let counter = 0;

beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await sim.close();
});

interface Fixture {
  shop: SimulatedShop;
  gql: AdminGraphql;
  ids: number[];
  changes: CustomerLabelChange[];
  /** The tags every customer must end with. */
  expected: Map<number, string[]>;
}

/**
 * `n` customers, each with a merchant tag and an old Ciclo segment tag; the change moves them to a new segment
 * and adds a stage tag, so every change is one tagsRemove + one tagsAdd.
 */
function fixture(n: number, plan: "standard" | "advanced" | "plus" = "standard"): Fixture {
  const shop = sim.createShop({ domain: `writer-${++counter}.myshopify.com`, plan, seed: counter });
  const gql = simulatorAdminGraphql(sim.graphqlUrl(shop.domain), shop.info.accessToken);
  const ids: number[] = [];
  const changes: CustomerLabelChange[] = [];
  const expected = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    const c = shop.createCustomer({ email: `c${i}@example.com`, tags: [`merchant-${i % 3}`, "ciclo:rfm-at-risk"] });
    ids.push(c.id);
    const segment = i % 2 === 0 ? "ciclo:rfm-champions" : "ciclo:rfm-loyal";
    changes.push({
      customerExternalId: String(c.id),
      add: [segment, "ciclo:stage-active"],
      remove: ["ciclo:rfm-at-risk"],
    });
    expected.set(c.id, [`merchant-${i % 3}`, segment, "ciclo:stage-active"]);
  }
  return { shop, gql, ids, changes, expected };
}

async function collect(results: AsyncIterable<ChangeResult>): Promise<ChangeResult[]> {
  const all: ChangeResult[] = [];
  for await (const r of results) all.push(r);
  return all;
}

function expectFinalTags(f: Fixture): void {
  for (const [id, tags] of f.expected) expect(f.shop.customers.get(id)?.tags, `customer ${id}`).toEqual(tags);
}

const fastBulk = { pollInitialMs: 20, pollMaxMs: 100 };

describe.each<[WritePath, number]>([
  ["direct", 12],
  ["bulk", 40],
])("%s path", (path, n) => {
  const writer = new ShopifyTagWriter({ bulkThreshold: 30, bulk: fastBulk });

  it("gives exactly the intended tags, leaves merchant tags alone, and reports every customer once", async () => {
    const f = fixture(n);
    expect(writer.pathFor(f.changes.length)).toBe(path);
    const results = await collect(writer.apply(f.changes, f.gql));
    expect(results.map((r) => r.customerExternalId).sort()).toEqual(f.ids.map(String).sort());
    expect(results.every((r) => r.status === "applied")).toBe(true);
    expectFinalTags(f);
    const stats = sim.stats(f.shop.domain);
    if (path === "direct") expect(stats.rootFields).toEqual({ tagsRemove: n, tagsAdd: n });
    else {
      expect(stats.rootFields).toMatchObject({ stagedUploadsCreate: 1, bulkOperationRunMutation: 2 });
      expect(stats.rootFields.tagsAdd ?? 0).toBe(0);
      expect(stats.uploads).toBe(2);
    }
    expect(stats.throttled).toBe(0);
  });

  it("records a deleted customer as not_found and a bad metafield as user_error, applying the rest", async () => {
    const f = fixture(n);
    const deleted = f.ids[1]!;
    f.shop.deleteCustomer(deleted);
    const badMetafield = f.ids[2]!;
    f.changes[2]!.metafields = [{ key: "next_order", type: "date", value: "soon" }];
    const results = await collect(writer.apply(f.changes, f.gql));
    const byId = new Map(results.map((r) => [r.customerExternalId, r]));
    expect(byId.get(String(deleted))).toMatchObject({ status: "not_found" });
    expect(byId.get(String(deleted))!.reason).toContain("Customer does not exist");
    expect(byId.get(String(badMetafield))).toMatchObject({ status: "user_error" });
    expect(byId.get(String(badMetafield))!.reason).toContain("date");
    expect(results.filter((r) => r.status === "applied")).toHaveLength(n - 2);
    f.expected.delete(deleted);
    expectFinalTags(f);
  });

  it("writes metafields in the ciclo namespace, more than 25 per customer in batches", async () => {
    const f = fixture(n);
    const many = Array.from({ length: 27 }, (_, i) => ({
      key: `score_${i}`,
      type: "number_integer",
      value: String(i),
    }));
    f.changes[0]!.metafields = many;
    f.changes[1]!.metafields = [
      { key: "segment", type: "single_line_text_field", value: "loyal" },
      { key: "clv", type: "number_decimal", value: "123.45" },
      { key: "p_alive", type: "number_decimal", value: "0.82" },
      { key: "next_order", type: "date", value: "2026-08-01" },
    ];
    const results = await collect(writer.apply(f.changes, f.gql));
    expect(results.every((r) => r.status === "applied")).toBe(true);
    expect(f.shop.metafieldsOf(f.ids[0]!)).toHaveLength(27);
    expect(f.shop.metafieldsOf(f.ids[1]!).map((m) => [m.namespace, m.key, m.type, m.value])).toEqual([
      ["ciclo", "segment", "single_line_text_field", "loyal"],
      ["ciclo", "clv", "number_decimal", "123.45"],
      ["ciclo", "p_alive", "number_decimal", "0.82"],
      ["ciclo", "next_order", "date", "2026-08-01"],
    ]);
  });
});

describe("safety net and no-ops", () => {
  it("refuses changes touching tags without the prefix (no API call for them) and writes the others", async () => {
    const f = fixture(3);
    f.changes[0] = { customerExternalId: String(f.ids[0]), add: ["ciclo:rfm-loyal"], remove: ["merchant-0"] };
    f.changes[1] = { customerExternalId: String(f.ids[1]), add: ["vip"], remove: [] };
    const results = await collect(new ShopifyTagWriter().apply(f.changes, f.gql));
    expect(results.slice(0, 2).map((r) => r.status)).toEqual(["user_error", "user_error"]);
    expect(results[0]!.reason).toContain("'merchant-0' does not start with the prefix 'ciclo:'");
    expect(results[2]!.status).toBe("applied");
    expect(f.shop.customers.get(f.ids[0]!)!.tags).toEqual(["merchant-0", "ciclo:rfm-at-risk"]);
    expect(f.shop.customers.get(f.ids[1]!)!.tags).toEqual(["merchant-1", "ciclo:rfm-at-risk"]);
    expect(sim.stats(f.shop.domain).requests).toBe(2);
  });

  it("a custom prefix is honoured, and a comma inside a tag is refused", async () => {
    const f = fixture(2);
    const writer = new ShopifyTagWriter({ prefix: "lc-" });
    const results = await collect(
      writer.apply(
        [
          { customerExternalId: String(f.ids[0]), add: ["lc-vip"], remove: [] },
          { customerExternalId: String(f.ids[1]), add: ["lc-a,merchant-x"], remove: [] },
        ],
        f.gql,
      ),
    );
    expect(results.map((r) => [r.customerExternalId, r.status])).toEqual([
      [String(f.ids[1]), "user_error"],
      [String(f.ids[0]), "applied"],
    ]);
    expect(f.shop.customers.get(f.ids[0]!)!.tags).toContain("lc-vip");
    expect(f.shop.customers.get(f.ids[1]!)!.tags).not.toContain("merchant-x");
  });

  it("changes with nothing to write cost zero API calls", async () => {
    const f = fixture(5);
    const results = await collect(
      new ShopifyTagWriter().apply(
        f.ids.map((id) => ({ customerExternalId: String(id), add: [], remove: [] })),
        f.gql,
      ),
    );
    expect(results.every((r) => r.status === "applied")).toBe(true);
    expect(sim.stats(f.shop.domain).requests).toBe(0);
  });
});

describe("pacing to the restore rate", () => {
  it.each([
    ["standard", 20, 100],
    ["plus", 100, 1000],
  ] as const)(
    "%s plan: an empty bucket, %i changes -> no THROTTLED, time close to the minimum",
    async (plan, n, rate) => {
      const f = fixture(n, plan);
      await readCustomerTags(f.gql, String(f.ids[0])); // creates the bucket
      sim.bucket(f.shop.domain).setAvailable(0);
      sim.resetStats(f.shop.domain);
      const pacer = new CostPacer({ reservePoints: 0 });
      const t0 = performance.now();
      const results = await collect(new ShopifyTagWriter({ bulkThreshold: 10_000 }).apply(f.changes, f.gql, { pacer }));
      const seconds = (performance.now() - t0) / 1000;
      const minimum = (n * 2 * 10) / rate;
      expect(results.every((r) => r.status === "applied")).toBe(true);
      expect(sim.stats(f.shop.domain).throttled).toBeLessThanOrEqual(1);
      expect(seconds).toBeGreaterThanOrEqual(minimum * 0.95);
      expect(seconds).toBeLessThanOrEqual(minimum * 1.2 + 0.3);
      expectFinalTags(f);
    },
    20_000,
  );

  it("when someone else drains the bucket mid-push, THROTTLED answers are retried and the push still converges", async () => {
    const f = fixture(30, "plus");
    let seen = 0;
    const results: ChangeResult[] = [];
    for await (const r of new ShopifyTagWriter({ bulkThreshold: 10_000 }).apply(f.changes, f.gql)) {
      results.push(r);
      if (++seen === 5) sim.bucket(f.shop.domain).setAvailable(0);
    }
    expect(results.every((r) => r.status === "applied")).toBe(true);
    expectFinalTags(f);
  });
});

describe("crash mid-push and re-apply", () => {
  it("direct: stopping after a few results and re-applying the unreported changes converges to the intended tags", async () => {
    const f = fixture(25);
    const writer = new ShopifyTagWriter({ bulkThreshold: 10_000 });
    const done = new Set<string>();
    for await (const r of writer.apply(f.changes, f.gql)) {
      done.add(r.customerExternalId);
      if (done.size === 7) break; // the process dies: calls in flight may still land, unrecorded
    }
    await new Promise((r) => setTimeout(r, 100));
    const remaining = f.changes.filter((c) => !done.has(c.customerExternalId));
    const second = await collect(writer.apply(remaining, f.gql));
    expect(second.every((r) => r.status === "applied")).toBe(true);
    expectFinalTags(f);
    // Re-applying everything once more changes nothing in the store.
    const before = f.ids.map((id) => f.shop.customers.get(id)!.updatedAt.getTime());
    await collect(writer.apply(f.changes, f.gql));
    expect(f.ids.map((id) => f.shop.customers.get(id)!.updatedAt.getTime())).toEqual(before);
  });

  it("bulk: a crash after the operations ran but before the results were read, then a full re-apply, converges", async () => {
    const f = fixture(40);
    let downloads = 0;
    const crashingFetch: typeof fetch = async (input, init) => {
      if (String(input).includes("/files/") && downloads++ === 0) throw new Error("process killed");
      return fetch(input, init);
    };
    const crashing = new ShopifyTagWriter({ bulkThreshold: 30, bulk: { ...fastBulk, fetch: crashingFetch } });
    await expect(collect(crashing.apply(f.changes, f.gql))).rejects.toThrow("process killed");
    const results = await collect(new ShopifyTagWriter({ bulkThreshold: 30, bulk: fastBulk }).apply(f.changes, f.gql));
    expect(results.filter((r) => r.status === "applied")).toHaveLength(40);
    expectFinalTags(f);
  });

  it("bulk: a FAILED operation reports what its partial results confirm and throws for the rest", async () => {
    const f = fixture(40);
    sim.bulkMutations.injectFault(f.shop.domain, { kind: "fail", errorCode: "INTERNAL_SERVER_ERROR", afterLines: 10 });
    const reported: ChangeResult[] = [];
    const run = async () => {
      for await (const r of new ShopifyTagWriter({ bulkThreshold: 30, bulk: fastBulk }).apply(f.changes, f.gql))
        reported.push(r);
    };
    await expect(run()).rejects.toThrow(/30 changes not confirmed.*FAILED \(INTERNAL_SERVER_ERROR\)/);
    expect(reported).toHaveLength(10);
    const rest = f.changes.filter((c) => !reported.some((r) => r.customerExternalId === c.customerExternalId));
    await collect(new ShopifyTagWriter({ bulkThreshold: 30, bulk: fastBulk }).apply(rest, f.gql));
    expectFinalTags(f);
  });
});

describe("bulk path details", () => {
  it("reads out-of-order result lines by __lineNumber", async () => {
    const f = fixture(40);
    f.shop.deleteCustomer(f.ids[39]!);
    sim.bulkMutations.injectFault(f.shop.domain, { kind: "out-of-order" });
    const results = await collect(new ShopifyTagWriter({ bulkThreshold: 30, bulk: fastBulk }).apply(f.changes, f.gql));
    expect(results.find((r) => r.customerExternalId === String(f.ids[39]))?.status).toBe("not_found");
    expect(results.filter((r) => r.status === "applied")).toHaveLength(39);
  });

  it("waits on the bulk_operations/finish webhook instead of polling when given a callback", async () => {
    const f = fixture(40);
    const finished = new Map<string, () => void>();
    const promises = new Map<string, Promise<void>>();
    f.shop.onEvent((e) => {
      if (e.topic === "bulk_operations/finish") finished.get(String(e.payload.admin_graphql_api_id))?.();
    });
    const waitForFinish = (id: string) => {
      if (!promises.has(id)) promises.set(id, new Promise<void>((resolve) => finished.set(id, resolve)));
      return promises.get(id)!;
    };
    sim.bulk.configure({ mutationStartDelayMs: 300 });
    try {
      const writer = new ShopifyTagWriter({
        bulkThreshold: 30,
        bulk: { pollInitialMs: 20, pollMaxMs: 5000, waitForFinish },
      });
      const results = await collect(writer.apply(f.changes, f.gql));
      expect(results.every((r) => r.status === "applied")).toBe(true);
    } finally {
      sim.bulk.configure({ mutationStartDelayMs: 20 });
    }
    // One status read before waiting and one after the webhook, per operation.
    expect(sim.stats(f.shop.domain).rootFields.bulkOperation).toBeLessThanOrEqual(4);
  });

  it("one writer runs at most `bulkRoundsAtOnce` rounds on Shopify at once, the next one uploaded and waiting", async () => {
    const f = fixture(90);
    const writer = new ShopifyTagWriter({ bulkThreshold: 10, bulkRoundsAtOnce: 2, bulk: fastBulk });
    expect(writer.pagesInFlight).toBe(3);
    sim.bulk.configure({ mutationStartDelayMs: 60 });
    try {
      // Three pages at once, as the outbox hands them over: each round is one tagsRemove + one tagsAdd operation.
      const pages = [0, 30, 60].map((i) => collect(writer.apply(f.changes.slice(i, i + 30), f.gql)));
      const results = (await Promise.all(pages)).flat();
      expect(results.filter((r) => r.status === "applied")).toHaveLength(90);
    } finally {
      sim.bulk.configure({ mutationStartDelayMs: 20 });
    }
    // Two rounds × two operations, never the third round's too.
    expect(sim.bulk.mutationActivity(f.shop.domain).mostActive).toBe(4);
    expectFinalTags(f);
  });

  it("runs one operation after another when the shop allows only one bulk mutation at a time", async () => {
    const f = fixture(40);
    sim.bulk.configure({ maxConcurrentMutations: 1 });
    try {
      const results = await collect(
        new ShopifyTagWriter({ bulkThreshold: 30, bulk: fastBulk }).apply(f.changes, f.gql),
      );
      expect(results.every((r) => r.status === "applied")).toBe(true);
    } finally {
      sim.bulk.configure({ maxConcurrentMutations: 5 });
    }
    expectFinalTags(f);
  });
});

it("an uninstalled store fails fast with the 401 (no retries), leaving every change unreported", async () => {
  const f = fixture(3);
  f.shop.uninstallApp();
  const reported: ChangeResult[] = [];
  const run = async () => {
    for await (const r of new ShopifyTagWriter().apply(f.changes, f.gql)) reported.push(r);
  };
  await expect(run()).rejects.toBeInstanceOf(AdminHttpError);
  expect(reported).toEqual([]);
  expect(sim.stats(f.shop.domain).requests).toBe(0);
});

/**
 * The simulator's tag write-back surface: customer tags (tagsAdd/tagsRemove with Shopify's input forms and
 * userErrors), search by tag, metafieldsSet (limits, atomicity, types), staged uploads (signed multipart POST),
 * bulk mutations (JSONL in, JSONL with __lineNumber out, finish webhook, concurrency), plan-dependent throttling
 * and per-shop call statistics.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simulatorAdminGraphql } from "../../simulators/shopify/admin-client";
import { start, type ShopifySimulator } from "../../simulators/shopify/server";
import type { SimulatedShop } from "../../simulators/shopify/store";
import type { WebhookEvent } from "../../simulators/shopify/webhooks";
import type { AdminGraphql } from "../../app/platforms/shopify/admin-graphql.server";
import {
  BULK_MUTATION_RUN,
  BULK_MUTATION_STATUS,
  CUSTOMER_METAFIELDS_SET,
  CUSTOMER_TAGS_ADD,
  CUSTOMER_TAGS_REMOVE,
  STAGED_UPLOADS_CREATE,
} from "../../app/platforms/shopify/tags/documents";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: ShopifySimulator;
let shop: SimulatedShop;
let gql: AdminGraphql;
let counter = 0;

const gidOf = (id: number) => `gid://shopify/Customer/${id}`;

async function stageAndUpload(jsonl: string): Promise<string> {
  const staged = await gql<Json>(STAGED_UPLOADS_CREATE, {
    input: [
      { resource: "BULK_MUTATION_VARIABLES", filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: "POST" },
    ],
  });
  const target = staged.data!.stagedUploadsCreate.stagedTargets[0];
  const form = new FormData();
  for (const p of target.parameters as { name: string; value: string }[]) form.append(p.name, p.value);
  form.append("file", new Blob([jsonl]), "vars.jsonl");
  const res = await fetch(target.url, { method: "POST", body: form });
  expect(res.status).toBe(201);
  return (target.parameters as { name: string; value: string }[]).find((p) => p.name === "key")!.value;
}

/** Set to hold the simulator's leaky buckets still (no refill), so a test can drain one without racing the clock. */
let throttleFrozenAt: number | null = null;
beforeAll(async () => {
  sim = await start({ throttleNow: () => throttleFrozenAt ?? performance.now() });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  shop = sim.createShop({
    domain: `tags-${++counter}.myshopify.com`,
    now: new Date("2026-06-01T08:00:00Z"),
    seed: counter,
  });
  gql = simulatorAdminGraphql(sim.graphqlUrl(shop.domain), shop.info.accessToken);
});

describe("customer tags", () => {
  it("tagsAdd appends without duplicates (case-insensitive), accepts a comma-separated string, sends customers/update", async () => {
    const c = shop.createCustomer({ email: "a@example.com", tags: ["VIP"] });
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const r = await gql<Json>(CUSTOMER_TAGS_ADD, { id: gidOf(c.id), tags: ["vip", "ciclo:rfm-champions"] });
    expect(r.data!.tagsAdd).toEqual({ node: { id: gidOf(c.id) }, userErrors: [] });
    await gql(CUSTOMER_TAGS_ADD, { id: gidOf(c.id), tags: "ciclo:stage-active, ciclo:clv-top-10" });
    expect(shop.customer(c.id).tags).toEqual(["VIP", "ciclo:rfm-champions", "ciclo:stage-active", "ciclo:clv-top-10"]);
    expect(events.filter((e) => e.topic === "customers/update")).toHaveLength(2);
    // customers/update no longer carries tags (API 2025-01): only its updated_at tells that something changed.
    expect(events[1]!.payload).not.toHaveProperty("tags");
    expect(Date.parse(String(events[1]!.payload.updated_at))).toBe(shop.customer(c.id).updatedAt.getTime());
  });

  it("re-adding present tags or removing absent ones changes nothing and sends no webhook", async () => {
    const c = shop.createCustomer({ tags: ["ciclo:a"] });
    const before = c.updatedAt;
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    await gql(CUSTOMER_TAGS_ADD, { id: gidOf(c.id), tags: ["ciclo:a"] });
    const r = await gql<Json>(CUSTOMER_TAGS_REMOVE, { id: gidOf(c.id), tags: ["ciclo:zzz"] });
    expect(r.data!.tagsRemove.userErrors).toEqual([]);
    expect(shop.customer(c.id).updatedAt).toEqual(before);
    expect(events).toEqual([]);
  });

  it("tagsRemove removes case-insensitively and leaves other tags in order", async () => {
    const c = shop.createCustomer({ tags: ["wholesale", "ciclo:rfm-at-risk", "newsletter"] });
    await gql(CUSTOMER_TAGS_REMOVE, { id: gidOf(c.id), tags: ["CICLO:RFM-AT-RISK"] });
    expect(shop.customer(c.id).tags).toEqual(["wholesale", "newsletter"]);
  });

  it("unknown or deleted customers, malformed ids and invalid tags give userErrors, not GraphQL errors", async () => {
    const c = shop.createCustomer({});
    shop.deleteCustomer(c.id);
    const gone = await gql<Json>(CUSTOMER_TAGS_ADD, { id: gidOf(c.id), tags: ["ciclo:a"] });
    expect(gone.errors).toEqual([]);
    expect(gone.data!.tagsAdd).toEqual({
      node: null,
      userErrors: [{ field: ["id"], message: "Customer does not exist" }],
    });
    const bad = await gql<Json>(CUSTOMER_TAGS_REMOVE, { id: "not-a-gid", tags: ["ciclo:a"] });
    expect(bad.data!.tagsRemove.userErrors[0].field).toEqual(["id"]);
    const live = shop.createCustomer({});
    const long = await gql<Json>(CUSTOMER_TAGS_ADD, { id: gidOf(live.id), tags: ["x".repeat(256)] });
    expect(long.data!.tagsAdd.userErrors[0].field).toEqual(["tags"]);
    expect(shop.customer(live.id).tags).toEqual([]);
  });

  it("customers can be searched by tag, including tags with a colon", async () => {
    const a = shop.createCustomer({ tags: ["ciclo:rfm-champions"] });
    shop.createCustomer({ tags: ["ciclo:rfm-at-risk"] });
    const b = shop.createCustomer({ tags: ["vip", "ciclo:rfm-champions"] });
    const r = await gql<Json>(
      `query { customers(first: 10, query: "tag:'ciclo:rfm-champions'") { nodes { id tags } } }`,
    );
    expect(r.data!.customers.nodes.map((n: Json) => n.id)).toEqual([gidOf(a.id), gidOf(b.id)]);
    const one = await gql<Json>(`query($id: ID!) { customer(id: $id) { tags } }`, { id: gidOf(b.id) });
    expect(one.data!.customer.tags).toEqual(["vip", "ciclo:rfm-champions"]);
  });
});

describe("metafieldsSet", () => {
  const mf = (ownerId: string, key: string, type: string, value: string) => ({
    ownerId,
    namespace: "ciclo",
    key,
    type,
    value,
  });

  it("creates then updates by namespace+key, readable on the customer", async () => {
    const c = shop.createCustomer({});
    const set = await gql<Json>(CUSTOMER_METAFIELDS_SET, {
      metafields: [
        mf(gidOf(c.id), "segment", "single_line_text_field", "champions"),
        mf(gidOf(c.id), "clv", "number_decimal", "412.5"),
      ],
    });
    expect(set.data!.metafieldsSet.userErrors).toEqual([]);
    await gql(CUSTOMER_METAFIELDS_SET, { metafields: [mf(gidOf(c.id), "segment", "single_line_text_field", "loyal")] });
    const r = await gql<Json>(
      `query($id: ID!) { customer(id: $id) { segment: metafield(namespace: "ciclo", key: "segment") { value type } metafields(first: 10, namespace: "ciclo") { nodes { key value } } } }`,
      { id: gidOf(c.id) },
    );
    expect(r.data!.customer.segment).toEqual({ value: "loyal", type: "single_line_text_field" });
    expect(r.data!.customer.metafields.nodes).toEqual([
      { key: "segment", value: "loyal" },
      { key: "clv", value: "412.5" },
    ]);
  });

  it("refuses more than 25, invalid values and deleted owners, atomically", async () => {
    const c = shop.createCustomer({});
    const many = Array.from({ length: 26 }, (_, i) => mf(gidOf(c.id), `k${i}`, "number_integer", "1"));
    const tooMany = await gql<Json>(CUSTOMER_METAFIELDS_SET, { metafields: many });
    expect(tooMany.data!.metafieldsSet.userErrors[0].code).toBe("LESS_THAN_OR_EQUAL_TO");
    const mixed = await gql<Json>(CUSTOMER_METAFIELDS_SET, {
      metafields: [mf(gidOf(c.id), "ok", "number_integer", "3"), mf(gidOf(c.id), "when", "date", "tomorrow")],
    });
    expect(mixed.data!.metafieldsSet.userErrors).toEqual([
      {
        field: ["metafields", "1", "value"],
        message: "Value is invalid for type 'date'.",
        code: "INVALID_VALUE",
        elementIndex: 1,
      },
    ]);
    expect(shop.metafieldsOf(c.id)).toEqual([]);
    const gone = await gql<Json>(CUSTOMER_METAFIELDS_SET, {
      metafields: [mf(gidOf(999), "ok", "number_integer", "3")],
    });
    expect(gone.data!.metafieldsSet.userErrors[0].field).toEqual(["metafields", "0", "ownerId"]);
  });
});

describe("staged uploads", () => {
  it("returns a signed POST target whose key is the stagedUploadPath; a tampered policy is refused with 403", async () => {
    const staged = await gql<Json>(STAGED_UPLOADS_CREATE, {
      input: [
        { resource: "BULK_MUTATION_VARIABLES", filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: "POST" },
      ],
    });
    const target = staged.data!.stagedUploadsCreate.stagedTargets[0];
    const names = (target.parameters as Json[]).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "key",
        "policy",
        "x-goog-signature",
        "x-goog-credential",
        "Content-Type",
        "success_action_status",
      ]),
    );
    const key = (target.parameters as Json[]).find((p) => p.name === "key")!.value as string;
    expect(key).toMatch(new RegExp(`^tmp/${shop.info.id}/bulk/[0-9a-f-]+/vars.jsonl$`));
    const form = new FormData();
    for (const p of target.parameters as Json[])
      form.append(p.name, p.name === "policy" ? Buffer.from("{}").toString("base64") : p.value);
    form.append("file", new Blob(["{}\n"]), "vars.jsonl");
    const res = await fetch(target.url, { method: "POST", body: form });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(sim.stats(shop.domain).uploads).toBe(0);
    await stageAndUpload('{"id":"x"}\n');
    expect(sim.stats(shop.domain).uploads).toBe(1);
  });

  it("refuses an upload without a Content-Length (a chunked body) with 411, as Cloud Storage does", async () => {
    const staged = await gql<Json>(STAGED_UPLOADS_CREATE, {
      input: [
        { resource: "BULK_MUTATION_VARIABLES", filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: "POST" },
      ],
    });
    const target = staged.data!.stagedUploadsCreate.stagedTargets[0];
    const form = new FormData();
    for (const p of target.parameters as Json[]) form.append(p.name, p.value);
    form.append("file", new Blob(['{"id":"x"}\n']), "vars.jsonl");
    // The same form, streamed without its length: undici sends it chunked.
    const encoded = new Response(form);
    const res = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": encoded.headers.get("content-type")! },
      body: encoded.body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(411);
    expect(await res.text()).toContain("<Code>MissingContentLength</Code>");
    expect(sim.stats(shop.domain).uploads).toBe(0);
  });
});

describe("bulk mutations", () => {
  it("runs the mutation per JSONL line and writes Shopify's result lines with __lineNumber; sends the finish webhook", async () => {
    const a = shop.createCustomer({ tags: ["vip"] });
    const b = shop.createCustomer({});
    const gone = shop.createCustomer({});
    shop.deleteCustomer(gone.id);
    const events: WebhookEvent[] = [];
    shop.onEvent((e) => events.push(e));
    const path = await stageAndUpload(
      [a, b, gone].map((c) => JSON.stringify({ id: gidOf(c.id), tags: ["ciclo:rfm-loyal"] })).join("\n") + "\n",
    );
    const pointsBefore = sim.bucket(shop.domain).status().currentlyAvailable;
    const run = await gql<Json>(BULK_MUTATION_RUN, { mutation: CUSTOMER_TAGS_ADD, stagedUploadPath: path });
    expect(run.data!.bulkOperationRunMutation.userErrors).toEqual([]);
    const id = run.data!.bulkOperationRunMutation.bulkOperation.id as string;
    await sim.bulk.waitFor(shop.domain, Number(id.split("/").pop()));
    const status = await gql<Json>(BULK_MUTATION_STATUS, { id });
    expect(status.data!.bulkOperation).toMatchObject({ status: "COMPLETED", objectCount: "3", errorCode: null });
    const lines = (await (await fetch(status.data!.bulkOperation.url)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.__lineNumber)).toEqual([0, 1, 2]);
    expect(lines[0]).toEqual({ data: { tagsAdd: { node: { id: gidOf(a.id) }, userErrors: [] } }, __lineNumber: 0 });
    expect(lines[2]!.data.tagsAdd.userErrors).toEqual([{ field: ["id"], message: "Customer does not exist" }]);
    expect(shop.customer(a.id).tags).toEqual(["vip", "ciclo:rfm-loyal"]);
    expect(shop.customer(b.id).tags).toEqual(["ciclo:rfm-loyal"]);
    const finish = events.find((e) => e.topic === "bulk_operations/finish");
    expect(finish?.payload).toMatchObject({ admin_graphql_api_id: id, status: "completed", type: "mutation" });
    // The lines themselves do not draw on the bucket (only the run and status calls did).
    expect(sim.bucket(shop.domain).status().currentlyAvailable).toBeGreaterThanOrEqual(pointsBefore - 20);
  });

  it("refuses a missing file, a non-JSONL file, an invalid or multi-field mutation, and a run over the concurrency limit", async () => {
    const userErrors = async (mutation: string, path: string) =>
      (await gql<Json>(BULK_MUTATION_RUN, { mutation, stagedUploadPath: path })).data!.bulkOperationRunMutation
        .userErrors as Json[];
    expect((await userErrors(CUSTOMER_TAGS_ADD, "tmp/1/bulk/nope/vars.jsonl"))[0]!.code).toBe("NO_SUCH_FILE");
    expect((await userErrors(CUSTOMER_TAGS_ADD, await stageAndUpload("not json\n")))[0]!.code).toBe(
      "INVALID_STAGED_UPLOAD_FILE",
    );
    const ok = await stageAndUpload('{"id":"gid://shopify/Customer/1","tags":["ciclo:x"]}\n');
    expect((await userErrors("mutation { nope }", ok))[0]!.code).toBe("INVALID_MUTATION");
    const twoFields = `mutation($id: ID!, $tags: [String!]!) { a: tagsAdd(id: $id, tags: $tags) { userErrors { message } } b: tagsRemove(id: $id, tags: $tags) { userErrors { message } } }`;
    expect((await userErrors(twoFields, ok))[0]!.code).toBe("INVALID_MUTATION");
    sim.bulk.configure({ maxConcurrentMutations: 1, mutationStartDelayMs: 200 });
    try {
      const first = await gql<Json>(BULK_MUTATION_RUN, { mutation: CUSTOMER_TAGS_ADD, stagedUploadPath: ok });
      expect(first.data!.bulkOperationRunMutation.bulkOperation.status).toBe("CREATED");
      const second = await userErrors(CUSTOMER_TAGS_ADD, ok);
      expect(second[0]).toMatchObject({ code: "OPERATION_IN_PROGRESS" });
      expect(second[0]!.message).toContain(first.data!.bulkOperationRunMutation.bulkOperation.id);
      await sim.bulk.waitFor(
        shop.domain,
        Number(first.data!.bulkOperationRunMutation.bulkOperation.id.split("/").pop()),
      );
    } finally {
      sim.bulk.configure({ maxConcurrentMutations: 5, mutationStartDelayMs: 20 });
    }
  });

  it("processes lines at the configured rate after the start delay", async () => {
    const c = shop.createCustomer({});
    const path = await stageAndUpload(
      Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: gidOf(c.id), tags: [`ciclo:t${i}`] })).join("\n"),
    );
    sim.bulk.configure({ mutationStartDelayMs: 100, mutationLinesPerSecond: 200 });
    try {
      const t0 = performance.now();
      const run = await gql<Json>(BULK_MUTATION_RUN, { mutation: CUSTOMER_TAGS_ADD, stagedUploadPath: path });
      await sim.bulk.waitFor(shop.domain, Number(run.data!.bulkOperationRunMutation.bulkOperation.id.split("/").pop()));
      const seconds = (performance.now() - t0) / 1000;
      expect(seconds).toBeGreaterThan(0.1 + 40 / 200 - 0.06);
      expect(seconds).toBeLessThan(0.1 + 40 / 200 + 0.3);
      expect(shop.customer(c.id).tags).toHaveLength(40);
    } finally {
      sim.bulk.configure({ mutationStartDelayMs: 20, mutationLinesPerSecond: Number.POSITIVE_INFINITY });
    }
  });
});

describe("plan-dependent throttling and call statistics", () => {
  it("restore rate and bucket size follow the shop's plan", async () => {
    const c = shop.createCustomer({});
    const first = await gql(CUSTOMER_TAGS_ADD, { id: gidOf(c.id), tags: ["ciclo:a"] });
    expect(first.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    sim.setPlan(shop.domain, "plus");
    const plus = await gql(CUSTOMER_TAGS_ADD, { id: gidOf(c.id), tags: ["ciclo:b"] });
    expect(plus.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: 20000, restoreRate: 1000 });
  });

  it("counts calls, points, throttled calls and top-level fields per shop; resetStats zeroes them", async () => {
    const c = shop.createCustomer({});
    // Time stands still for the bucket: on a busy machine the 5 missing points would refill between the calls.
    throttleFrozenAt = performance.now();
    sim.bucket(shop.domain).setAvailable(15);
    await gql(CUSTOMER_TAGS_ADD, { id: gidOf(c.id), tags: ["ciclo:a"] });
    const throttled = await gql(CUSTOMER_TAGS_REMOVE, { id: gidOf(c.id), tags: ["ciclo:a"] }).finally(
      () => (throttleFrozenAt = null),
    );
    expect(throttled.errors[0]?.extensions?.code).toBe("THROTTLED");
    expect(sim.stats(shop.domain)).toMatchObject({
      requests: 2,
      throttled: 1,
      pointsCharged: 10,
      rootFields: { tagsAdd: 1, tagsRemove: 1 },
    });
    sim.resetStats(shop.domain);
    expect(sim.stats(shop.domain)).toMatchObject({ requests: 0, throttled: 0, pointsCharged: 0, rootFields: {} });
  });
});

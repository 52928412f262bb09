/**
 * The simulated Shopify for benchmarks, in its own process (forked by ./index.ts): real Shopify runs on its own
 * machines, so its work (executing bulk mutations) must not share the app's event loop or CPU time.
 * Speaks a tiny request/response protocol over the IPC channel.
 */
import { start } from "../../simulators/shopify";
import type { SimCustomer } from "../../simulators/shopify/model";
import type { ShopPlan } from "../../simulators/shopify/model";
import type { ChildReply, ChildRequest, ShopifyProcessOptions, ShopifyProcessStats } from "./protocol";

const sim = await start({ port: 0 });
let domain = "";

function setUp(options: ShopifyProcessOptions) {
  domain = options.domain;
  const shop = sim.createShop({ domain, plan: options.plan as ShopPlan, seed: 1 });
  const created = new Date("2024-01-01T00:00:00Z");
  const customers: SimCustomer[] = [];
  for (let c = 0; c < options.customers; c++) {
    customers.push({
      id: options.firstCustomerId + c,
      email: null,
      phone: null,
      firstName: null,
      lastName: null,
      tags: [],
      state: "enabled",
      verifiedEmail: true,
      acceptsEmailMarketing: false,
      note: null,
      createdAt: created,
      updatedAt: created,
      countryCode: null,
      city: null,
    });
  }
  shop.load({ customers, orders: [] });
  // Stands in for the bulk_operations/finish webhook: the parent hands it to the writer's waiter.
  shop.onEvent((e) => {
    if (e.topic === "bulk_operations/finish")
      process.send!({ id: -1, result: String(e.payload.admin_graphql_api_id) } satisfies ChildReply);
  });
  return { graphqlUrl: sim.graphqlUrl(domain), accessToken: shop.info.accessToken };
}

function stats(): ShopifyProcessStats {
  const s = sim.stats(domain);
  // Shopify's side of a bulk push: the time at least one of the shop's bulk mutations was queued or running.
  const bulk = sim.bulk.mutationActivity(domain);
  return {
    requests: s.requests,
    pointsCharged: s.pointsCharged,
    bulkBusyMs: bulk.busyMs,
    bulkOperations: bulk.operations,
  };
}

async function handle(request: ChildRequest): Promise<unknown> {
  switch (request.type) {
    case "setUp":
      return setUp(request.options);
    case "resetStats":
      sim.resetStats(domain);
      sim.bulk.resetMutationActivity(domain);
      return null;
    case "stats":
      return stats();
    case "close":
      await sim.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on("message", (message: ChildRequest & { id: number }) => {
  handle(message).then(
    (result) => process.send!({ id: message.id, result } satisfies ChildReply),
    (e: unknown) => process.send!({ id: message.id, error: String(e) } satisfies ChildReply),
  );
});
process.send!({ id: 0, result: "ready" } satisfies ChildReply);

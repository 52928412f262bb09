/**
 * The direct path for small diffs: per customer, tagsRemove, tagsAdd and metafieldsSet (25 per call), each paced
 * by the CostPacer so the shop's bucket never runs dry. A few customers are in flight at once to hide round-trip
 * latency; the bucket, not the concurrency, sets the speed. THROTTLED answers are retried after the pacer's wait,
 * a bounded number of times; userErrors are never retried.
 */
import type { AdminGraphql } from "../admin-graphql.server";
import { mapConcurrent } from "./concurrent";
import type { CostPacer } from "./cost-pacer";
import { customerGid } from "./customer-id";
import { CUSTOMER_METAFIELDS_SET, CUSTOMER_TAGS_ADD, CUSTOMER_TAGS_REMOVE } from "./documents";
import { pacedRequest, type RetryPolicy } from "./paced-request";
import { combineOutcomes, outcomeOf, type ShopifyUserError, type WriteOutcome } from "./user-errors";
import type { ChangeResult, CustomerLabelChange } from "./types";

/** Shopify's calculated cost of one top-level mutation field. */
export const MUTATION_COST = 10;
export const METAFIELDS_PER_CALL = 25;

export interface DirectWriteOptions extends RetryPolicy {
  pacer: CostPacer;
  metafieldNamespace: string;
  /** Customers in flight at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
}

type PayloadField = "tagsAdd" | "tagsRemove" | "metafieldsSet";
type Payloads = Partial<Record<PayloadField, { userErrors?: ShopifyUserError[] } | null>>;

export function writeDirect(
  changes: readonly CustomerLabelChange[],
  graphql: AdminGraphql,
  options: DirectWriteOptions,
): AsyncGenerator<ChangeResult> {
  const call = async (
    document: string,
    variables: Record<string, unknown>,
    field: PayloadField,
  ): Promise<WriteOutcome> => {
    const result = await pacedRequest<Payloads>(graphql, options.pacer, document, variables, MUTATION_COST, options);
    const payload = result.data?.[field];
    if (result.errors.length > 0 && !payload)
      return { status: "user_error", reason: `${field}: ${result.errors.map((e) => e.message).join("; ")}` };
    return outcomeOf(payload?.userErrors);
  };

  const applyOne = async (change: CustomerLabelChange): Promise<ChangeResult> => {
    const id = customerGid(change.customerExternalId);
    const report = (o: WriteOutcome): ChangeResult => ({ customerExternalId: change.customerExternalId, ...o });
    if (!id) return report({ status: "user_error", reason: `invalid customer id '${change.customerExternalId}'` });
    const outcomes: WriteOutcome[] = [];
    // Remove first: a customer leaving a segment never shows two segment tags of one family at once for long.
    if (change.remove.length > 0) {
      outcomes.push(await call(CUSTOMER_TAGS_REMOVE, { id, tags: change.remove }, "tagsRemove"));
      if (outcomes[0]!.status === "not_found") return report(outcomes[0]!);
    }
    if (change.add.length > 0) {
      const added = await call(CUSTOMER_TAGS_ADD, { id, tags: change.add }, "tagsAdd");
      if (added.status === "not_found") return report(added);
      outcomes.push(added);
    }
    const metafields = change.metafields ?? [];
    for (let i = 0; i < metafields.length; i += METAFIELDS_PER_CALL) {
      const batch = metafields.slice(i, i + METAFIELDS_PER_CALL).map((m) => ({
        ownerId: id,
        namespace: options.metafieldNamespace,
        key: m.key,
        type: m.type,
        value: m.value,
      }));
      outcomes.push(await call(CUSTOMER_METAFIELDS_SET, { metafields: batch }, "metafieldsSet"));
    }
    return report(combineOutcomes(outcomes));
  };

  return mapConcurrent(changes, options.concurrency ?? 4, applyOne, options.signal);
}

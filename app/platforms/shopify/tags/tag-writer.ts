/**
 * ShopifyTagWriter: brings customers' Ciclo tags (and optional metafields) in a store up to date.
 *
 *   const writer = new ShopifyTagWriter({ prefix: "ciclo:" });
 *   for await (const r of writer.apply(changes, graphql)) await outbox.markDone(r);   // incremental
 *
 * Below `bulkThreshold` changes it writes directly (tagsRemove / tagsAdd / metafieldsSet, paced to the shop's
 * restore rate); from the threshold on it uses one bulk mutation per write kind. The threshold comes from
 * measuring both paths against the simulator (bench/tags-threshold.ts, docs/decisions/042).
 *
 * Resumable by construction: every write is idempotent (adding a tag the customer has, removing one it lacks and
 * setting a metafield to its current value change nothing), so after a crash the caller re-applies whatever it
 * has not seen a ChangeResult for — nothing is lost, and a repeat does not duplicate anything in Shopify.
 * Results are reported as they are known (per customer on the direct path, per round on the bulk path).
 */
import { YIELD_EVERY, yieldToRequests } from "../../../jobs/yield-to-requests";
import type { AdminGraphql } from "../admin-graphql.server";
import { writeBulk, type BulkWriteOptions } from "./bulk-writer";
import { CostPacer } from "./cost-pacer";
import { Slots } from "./slots";
import { writeDirect } from "./direct-writer";
import { DEFAULT_TAG_PREFIX, refusalReason } from "./namespace-guard";
import type { RetryPolicy } from "./paced-request";
import type { ChangeResult, CustomerLabelChange, WritePath } from "./types";

/** Changes from which the bulk path is used; see docs/decisions/042 for the measurement behind it. */
export const DEFAULT_BULK_THRESHOLD = 150;
export const DEFAULT_METAFIELD_NAMESPACE = "ciclo";
const DEFAULT_BULK_ROUNDS = 2;

/** What writers to one shop share during a push: its bulk-round slots and its rate-limit bucket. */
export interface ShopWriteBudget {
  slots: Slots;
  pacer: CostPacer;
}

export function shopWriteBudget(
  options: Pick<TagWriterOptions, "bulkRoundsAtOnce" | "reservePoints" | "sleep"> = {},
): ShopWriteBudget {
  return {
    slots: new Slots(options.bulkRoundsAtOnce ?? DEFAULT_BULK_ROUNDS),
    pacer: new CostPacer({ reservePoints: options.reservePoints, sleep: options.sleep }),
  };
}

export interface TagWriterOptions extends RetryPolicy {
  /** Only tags starting with this are ever written or removed (default "ciclo:"). */
  prefix?: string;
  metafieldNamespace?: string;
  bulkThreshold?: number;
  /** Bucket points left for the app's other calls to the shop (default 100). */
  reservePoints?: number;
  /** Customers in flight at once on the direct path (default 4). */
  concurrency?: number;
  bulk?: Pick<BulkWriteOptions, "fetch" | "pollInitialMs" | "pollMaxMs" | "waitForFinish" | "maxWaitMs" | "chunkSize">;
  /** Bulk rounds running on Shopify at once (default 2; see `pagesInFlight`). */
  bulkRoundsAtOnce?: number;
  /** Share the shop's bulk-round slots with other writers for the same shop (e.g. one per tag prefix). */
  bulkSlots?: Slots;
}

export interface ApplyOptions {
  /** Share one pacer across pushes to the same shop (and read its throttledCount). */
  pacer?: CostPacer;
  /** Force a path (tests, benchmarks); by default chosen by the threshold. */
  path?: WritePath;
  /** Stops starting new work; what was started is finished and reported. */
  signal?: AbortSignal;
}

function hasWork(change: CustomerLabelChange): boolean {
  return change.add.length > 0 || change.remove.length > 0 || (change.metafields?.length ?? 0) > 0;
}

export class ShopifyTagWriter {
  readonly prefix: string;
  readonly metafieldNamespace: string;
  readonly bulkThreshold: number;
  /**
   * Pages of a large push this writer takes at once. Shopify runs up to five bulk mutations per shop at once
   * (2026-01 and later): two rounds run (at most 2 × 3 write kinds; a sixth operation waits its turn) while a
   * third page is built and uploaded, ready to start the moment one finishes. With two running, one is still busy
   * while we notice the other has finished, so Shopify's side never idles, and with round results recorded
   * behind the scenes the push takes little longer than Shopify's own work (bench/nightly.ts).
   */
  readonly pagesInFlight: number;
  private readonly bulkSlots: Slots;

  constructor(private readonly options: TagWriterOptions = {}) {
    this.prefix = options.prefix ?? DEFAULT_TAG_PREFIX;
    const rounds = Math.max(1, options.bulkRoundsAtOnce ?? DEFAULT_BULK_ROUNDS);
    this.bulkSlots = options.bulkSlots ?? new Slots(rounds);
    this.pagesInFlight = rounds + 1;
    this.metafieldNamespace = options.metafieldNamespace ?? DEFAULT_METAFIELD_NAMESPACE;
    this.bulkThreshold = options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
  }

  /** The path `apply` would take for this many changes that need writing. */
  pathFor(changeCount: number): WritePath {
    return changeCount >= this.bulkThreshold ? "bulk" : "direct";
  }

  async *apply(
    changes: readonly CustomerLabelChange[],
    graphql: AdminGraphql,
    applyOptions: ApplyOptions = {},
  ): AsyncGenerator<ChangeResult> {
    const toWrite: CustomerLabelChange[] = [];
    for (const [k, change] of changes.entries()) {
      if (k > 0 && k % YIELD_EVERY === 0) await yieldToRequests();
      const refused = refusalReason(change, this.prefix);
      if (refused) yield { customerExternalId: change.customerExternalId, status: "user_error", reason: refused };
      else if (!hasWork(change)) yield { customerExternalId: change.customerExternalId, status: "applied" };
      else toWrite.push(change);
    }
    if (toWrite.length === 0) return;
    const pacer =
      applyOptions.pacer ?? new CostPacer({ reservePoints: this.options.reservePoints, sleep: this.options.sleep });
    const common = {
      pacer,
      metafieldNamespace: this.metafieldNamespace,
      signal: applyOptions.signal,
      maxThrottledRetries: this.options.maxThrottledRetries,
      maxTransportRetries: this.options.maxTransportRetries,
      sleep: this.options.sleep,
    };
    const path = applyOptions.path ?? this.pathFor(toWrite.length);
    if (path === "bulk") yield* writeBulk(toWrite, graphql, { ...common, ...this.options.bulk, slots: this.bulkSlots });
    else yield* writeDirect(toWrite, graphql, { ...common, concurrency: this.options.concurrency });
  }
}

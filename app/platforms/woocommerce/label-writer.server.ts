/**
 * The WooCommerce LabelWriter for the nightly tag outbox: a registered customer's Ciclo segment, stage, CLV and
 * tags become `_ciclo_*` customer meta (decision 056), written with `writeCustomerMeta` in batches of 100,
 * several batches in flight. Diff-only against what we last wrote (kept in CustomerLabels.metafields), so a
 * customer whose meta would not change costs no request. Guests have no account: never written, reported as
 * user_error. Other meta keys are never sent, so never touched.
 */
import type { Store } from "@prisma/client";
import { currencyDigits, formatMinorDigits } from "../../domain/money";
import type { Db } from "../../db.server";
import type { BulkWriter, Column } from "../../db/bulk-writer.server";
import type { LabelChange, LabelResult, LabelWriter, LabelWriterFactory } from "../../jobs/tags/tag-outbox.server";
import {
  BATCH_LIMIT,
  cicloMetaEntries,
  isGuestCustomerId,
  metaDiff,
  previousLabels,
  writeCustomerMeta,
  type CicloCustomerLabels,
  type CustomerMetaChange,
  type WooClient,
} from "./index";
import type { SecretBox } from "../../security/secret-box.server";
import { wooClientForStore, type WooClientTuning } from "./store-keys.server";

export interface WooLabelWriterDeps {
  db: Db;
  bulk: BulkWriter;
  box: SecretBox;
  clientTuning?: WooClientTuning;
  clientFor?: (store: Store) => WooClient;
  /** Batches in flight at once (default 4): WooCommerce answers a batch of 100 in about a second. */
  concurrency?: number;
}

const PLAN_SLICE = 500;

const LABEL_COLUMNS: Column[] = [
  { name: "storeId", type: "text" },
  { name: "customerId", type: "text" },
  { name: "tags", type: "text" },
  { name: "metafields", type: "text" },
  { name: "updatedAt", type: "timestamp" },
];

/** The WooCommerce runtime's label writers (the registry hands each store its own platform's writer). */
export function createWooLabelWriterFactory(deps: WooLabelWriterDeps): LabelWriterFactory {
  return async (store, prefix) => {
    const settings = await deps.db.storeSettings.findUnique({ where: { storeId: store.id } });
    const currentPrefix = settings?.tagPrefix ?? "ciclo:";
    const client = deps.clientFor?.(store) ?? wooClientForStore(store, deps.box, deps.clientTuning);
    return new WooMetaLabelWriter(deps, store, client, prefix, currentPrefix);
  };
}

interface Planned {
  change: CustomerMetaChange;
  customerId: string;
  tags: string[];
}

export class WooMetaLabelWriter implements LabelWriter {
  constructor(
    private readonly deps: WooLabelWriterDeps,
    private readonly store: Store,
    private readonly client: WooClient,
    private readonly prefix: string,
    private readonly currentPrefix: string,
  ) {}

  async *apply(changes: LabelChange[]): AsyncIterable<LabelResult> {
    // `_ciclo_tags` holds the whole set, so the current-prefix write already drops tags under an old prefix.
    if (this.prefix !== this.currentPrefix) {
      for (const c of changes) yield { customerExternalId: c.customerExternalId, status: "applied" };
      return;
    }
    const registered: LabelChange[] = [];
    for (const change of changes) {
      if (isGuestCustomerId(change.customerExternalId) || !/^\d+$/.test(change.customerExternalId)) {
        yield {
          customerExternalId: change.customerExternalId,
          status: "user_error",
          reason: "guest checkout: no WooCommerce account to write to",
        };
      } else registered.push(change);
    }
    const planned = await this.plan(registered);
    const toWrite: Planned[] = [];
    const unchanged: Planned[] = [];
    for (const p of planned.found) (metaDiff(p.change.next, p.change.previous).length ? toWrite : unchanged).push(p);
    for (const id of planned.missing) yield { customerExternalId: id, status: "not_found", reason: "not in Ciclo" };
    if (unchanged.length) {
      await this.remember(unchanged);
      for (const p of unchanged) yield { customerExternalId: p.change.customerExternalId, status: "applied" };
    }
    for await (const results of this.writeBatches(toWrite)) yield* results;
  }

  /** Batches of BATCH_LIMIT, `concurrency` in flight; results yielded per batch as they settle, in order. */
  private async *writeBatches(planned: Planned[]): AsyncGenerator<LabelResult[]> {
    const concurrency = Math.max(1, this.deps.concurrency ?? 4);
    const batches: Planned[][] = [];
    for (let i = 0; i < planned.length; i += BATCH_LIMIT) batches.push(planned.slice(i, i + BATCH_LIMIT));
    const inFlight: Promise<LabelResult[]>[] = [];
    let next = 0;
    try {
      while (next < batches.length || inFlight.length) {
        while (next < batches.length && inFlight.length < concurrency) inFlight.push(this.writeBatch(batches[next++]!));
        yield await inFlight.shift()!;
      }
    } finally {
      // Stopped early (a failed batch, or the consumer left): settle the rest quietly; they stay pending.
      for (const p of inFlight) p.catch(() => {});
    }
  }

  private async writeBatch(batch: Planned[]): Promise<LabelResult[]> {
    let outcome;
    try {
      outcome = await writeCustomerMeta(
        this.client,
        batch.map((p) => p.change),
      );
    } catch (error) {
      // The whole request failed after retries: leave the items pending for the next push.
      throw new Error(`WooCommerce meta batch failed: ${(error as Error).message}`);
    }
    const written = new Set(outcome.written);
    const failed = new Map(outcome.failed.map((f) => [f.customerExternalId, f.reason]));
    await this.remember(batch.filter((p) => written.has(p.change.customerExternalId)));
    return batch.map((p): LabelResult => {
      const id = p.change.customerExternalId;
      if (written.has(id)) return { customerExternalId: id, status: "applied" };
      const reason = failed.get(id) ?? "not confirmed by the store";
      return {
        customerExternalId: id,
        status: /invalid id|invalid_id/i.test(reason) ? "not_found" : "user_error",
        reason,
      };
    });
  }

  /** The labels to write: scores for segment/stage/CLV, the confirmed tags with this change applied. */
  private async plan(changes: LabelChange[]): Promise<{ found: Planned[]; missing: string[] }> {
    const found: Planned[] = [];
    const missing: string[] = [];
    // The outbox hands over up to 10,000 changes; SQLite caps query parameters, so look them up in slices.
    for (let i = 0; i < changes.length; i += PLAN_SLICE) {
      const part = await this.planSlice(changes.slice(i, i + PLAN_SLICE));
      found.push(...part.found);
      missing.push(...part.missing);
    }
    return { found, missing };
  }

  private async planSlice(changes: LabelChange[]): Promise<{ found: Planned[]; missing: string[] }> {
    const { db } = this.deps;
    const storeId = this.store.id;
    const customers = await db.customer.findMany({
      where: { storeId, externalId: { in: changes.map((c) => c.customerExternalId) } },
      select: { id: true, externalId: true },
    });
    const idOf = new Map(customers.map((c) => [c.externalId, c.id]));
    const ids = customers.map((c) => c.id);
    const scores = new Map(
      (
        await db.customerScore.findMany({
          where: { storeId, customerId: { in: ids } },
          select: { customerId: true, segment: true, stage: true, historicClvMinor: true, predictedClvMinor: true },
        })
      ).map((s) => [s.customerId, s]),
    );
    const labels = new Map(
      (
        await db.customerLabels.findMany({
          where: { storeId, customerId: { in: ids } },
          select: { customerId: true, tags: true, metafields: true },
        })
      ).map((l) => [l.customerId, l]),
    );
    // The nightly's suggestion, written before the tag diff planned this change.
    const suggestions = new Map(
      (
        await db.customerInsight.findMany({
          where: { storeId, customerId: { in: ids }, nextProduct: { not: null } },
          select: { customerId: true, nextProduct: true },
        })
      ).map((s) => [s.customerId, s.nextProduct]),
    );
    const digits = currencyDigits(this.store.currency);
    const found: Planned[] = [];
    const missing: string[] = [];
    for (const change of changes) {
      const customerId = idOf.get(change.customerExternalId);
      if (!customerId) {
        missing.push(change.customerExternalId);
        continue;
      }
      const score = scores.get(customerId);
      const label = labels.get(customerId);
      const remove = new Set(change.remove);
      const confirmed = label ? (JSON.parse(label.tags) as string[]) : [];
      const tags = [
        ...new Set([...confirmed.filter((t) => t.startsWith(this.prefix) && !remove.has(t)), ...change.add]),
      ].sort();
      const clvMinor = score ? (score.predictedClvMinor ?? score.historicClvMinor) : null;
      const next: CicloCustomerLabels = {
        segment: score?.segment ?? null,
        stage: score?.stage ?? null,
        clv: clvMinor === null ? null : formatMinorDigits(clvMinor, digits),
        tags,
        nextProduct: suggestions.get(customerId) ?? null,
      };
      found.push({
        customerId,
        tags,
        change: { customerExternalId: change.customerExternalId, next, previous: previousLabels(label?.metafields) },
      });
    }
    return { found, missing };
  }

  /** What the store now holds: the base of the next diff. */
  private async remember(planned: Planned[]): Promise<void> {
    if (planned.length === 0) return;
    const now = new Date();
    await this.deps.bulk.write(
      { table: "CustomerLabels", columns: LABEL_COLUMNS, conflict: ["storeId", "customerId"], generateIds: true },
      planned.map((p) => [
        this.store.id,
        p.customerId,
        JSON.stringify(p.tags),
        JSON.stringify(writtenMeta(p.change.next)),
        now,
      ]),
    );
  }
}

function writtenMeta(labels: CicloCustomerLabels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(cicloMetaEntries(labels))) if (value !== null) out[key] = value;
  return out;
}

/** The writer's CLV format: the shop's exact decimal string (kept under this name for callers and tests). */
export { formatMinorDigits as formatMinor } from "../../domain/money";

/**
 * Historical backfill through a Shopify bulk operation:
 *   queued -> running (bulk query submitted) -> importing (JSONL streamed, upserted) -> completed | failed | cancelled
 * The `bulk_operations/finish` webhook moves a run forward at once; a poll is the fallback when it never comes.
 * The JSONL is streamed (one order in memory), written in batches with the checkpoint in the same transaction,
 * so a crash resumes exactly where the last batch committed. Malformed lines are counted and sampled, not fatal.
 * Upserts share writeOrders with the webhooks, so a backfill and live webhooks coexist: newest updated_at wins.
 *
 * Shopify's bulk states (https://shopify.dev/docs/api/usage/bulk-operations/queries, BulkOperationStatus/ErrorCode):
 * - `LIMIT_REACHED` (userError of bulkOperationRunQuery, "try again later") and `OPERATION_IN_PROGRESS`: ask again
 *   later, with a growing pause; nothing has failed.
 * - `CANCELING` is on its way to CANCELED: keep polling. CANCELED (not by us): submit again.
 * - `FAILED` with a `partialDataUrl`: import what is there, then submit again for the rest (upserts are
 *   idempotent); without one, submit again. At most MAX_ATTEMPTS operations per run.
 * - `FAILED` with `ACCESS_DENIED`: the query reads protected customer data the app is not approved for; submit
 *   again without it (names and emails, then the customer object) and remember what the shop allows.
 */
import { parseStorableJson } from "../../db/storable-json";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { BackfillRun } from "@prisma/client";
import type { Db } from "../../db.server";
import type { StoreOrder } from "../../domain/types";
import { logger } from "../../logger.server";
import { BulkOrderAssembler } from "./map-bulk";
import {
  backfillOrdersQuery,
  BULK_OPERATION_STATUS,
  DATA_ACCESS_LEVELS,
  RUN_BULK_QUERY,
  type DataAccess,
} from "./graphql";
import type { AdminGraphql } from "./admin-graphql.server";
import { writeOrdersTx } from "../../sync/order-writer.server";
import { readSubscribedNonBuyers } from "./read-leads.server";

export const ACTIVE_STATES = ["queued", "running", "importing"] as const;
const MALFORMED_SAMPLE = 10;
/**
 * A process drives a run under a lease it renews on every step (at least every poll interval); several app
 * processes on one database never drive the same run, and a run whose process died is adopted by the next process
 * that looks once the lease has run out (resumeAll, at start-up and every LEASE_MS).
 */
const LEASE_MS = 60_000;
/** Bulk operations one run may submit (transient failures, cancelations, partial data) before it fails. */
export const MAX_ATTEMPTS = 4;
/** Marks a run that is importing the partial data of a failed operation (it submits again afterwards). */
const PARTIAL = "partial data of a failed bulk operation";

export interface BackfillOptions {
  /** Admin GraphQL for a shop (throttle-aware). */
  adminFor: (shopDomain: string) => Promise<AdminGraphql>;
  /** How often to poll the bulk operation when no webhook arrives. */
  pollIntervalMs?: number;
  /** Orders per transaction while importing. */
  batchSize?: number;
  fetchFile?: (url: string) => Promise<Response>;
  /** How long a lease lasts without renewal (default 60 s). */
  leaseMs?: number;
  /** Called after a run completes (the nightly issue hooks a recompute here). */
  onCompleted?: (run: BackfillRun) => void;
}

export interface BackfillProgress {
  state: string;
  rowsDone: number;
  objectCount: number | null;
  ordersDone: number;
  malformedLines: number;
  percent: number | null;
  elapsedMs: number;
  etaMs: number | null;
  error: string | null;
}

export function backfillProgress(run: BackfillRun, now = new Date()): BackfillProgress {
  const elapsedMs = (run.finishedAt ?? now).getTime() - run.startedAt.getTime();
  const total = run.objectCount;
  const percent =
    run.state === "completed" ? 100 : total ? Math.min(99, Math.floor((run.rowsDone / total) * 100)) : null;
  const etaMs =
    run.state === "importing" && total && run.rowsDone > 0
      ? Math.round((elapsedMs / run.rowsDone) * Math.max(0, total - run.rowsDone))
      : null;
  return {
    state: run.state,
    rowsDone: run.rowsDone,
    objectCount: total,
    ordersDone: run.ordersDone,
    malformedLines: run.malformedLines,
    percent,
    elapsedMs,
    etaMs,
    error: run.error,
  };
}

export class BackfillService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly owner = randomUUID();
  private leaseWatch: NodeJS.Timeout | null = null;
  private releasing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly options: BackfillOptions,
  ) {}

  private get leaseMs(): number {
    return this.options.leaseMs ?? LEASE_MS;
  }

  /** Starts a backfill unless one is already active for the store (then that one is returned). */
  async start(storeId: string, trigger: "install" | "manual" | "reconcile" = "manual", since: Date | null = null) {
    const active = await this.db.backfillRun.findFirst({
      where: { storeId, state: { in: [...ACTIVE_STATES] } },
      orderBy: { startedAt: "desc" },
    });
    if (active) return active;
    const run = await this.db.backfillRun.create({ data: { storeId, trigger, since, state: "queued" } });
    this.kick(run.id);
    return run;
  }

  latest(storeId: string) {
    return this.db.backfillRun.findFirst({ where: { storeId }, orderBy: { startedAt: "desc" } });
  }

  /** bulk_operations/finish arrived for this store. */
  onOperationFinished(storeId: string, operationId: string): void {
    void this.db.backfillRun
      .findFirst({ where: { storeId, bulkOperationId: operationId, state: "running" } })
      .then((run) => run && this.kick(run.id))
      .catch((error: unknown) => logger.error("backfill wake failed", { error: String(error) }));
  }

  /** After a restart, and every minute: pick up every run in flight whose process is gone (lease ran out). */
  async resumeAll(): Promise<number> {
    const runs = await this.db.backfillRun.findMany({
      where: {
        state: { in: [...ACTIVE_STATES] },
        OR: [{ leaseUntil: null }, { leaseUntil: { lt: new Date() } }, { leaseOwner: this.owner }],
      },
      select: { id: true },
    });
    for (const run of runs) this.kick(run.id);
    return runs.length;
  }

  /** Keeps adopting runs whose process died (several app processes share one database). */
  watchLeases(): void {
    if (this.leaseWatch || this.stopped) return;
    this.leaseWatch = setInterval(
      () =>
        void this.resumeAll().catch((e: unknown) => logger.warn("backfill lease check failed", { error: String(e) })),
      this.leaseMs,
    );
    this.leaseWatch.unref?.();
  }

  /** Takes or renews the run's lease; false when a live process holds it. */
  private async claim(runId: string): Promise<boolean> {
    const now = new Date();
    const { count } = await this.db.backfillRun.updateMany({
      where: {
        id: runId,
        OR: [{ leaseOwner: this.owner }, { leaseUntil: null }, { leaseUntil: { lt: now } }],
      },
      data: { leaseOwner: this.owner, leaseUntil: new Date(now.getTime() + this.leaseMs) },
    });
    return count === 1;
  }

  /** Resolves when every run this process is driving has settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
    await this.releasing;
  }

  /** Stops driving runs; once the steps in flight settle, hands their leases back so a new process resumes at once. */
  stop(): void {
    this.stopped = true;
    if (this.leaseWatch) clearInterval(this.leaseWatch);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.releasing ??= (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
      await this.db.backfillRun
        .updateMany({ where: { leaseOwner: this.owner }, data: { leaseOwner: null, leaseUntil: null } })
        .catch((error: unknown) => logger.warn("backfill lease release failed", { error: String(error) }));
    })();
  }

  /** Advance a run now (coalesced: one advance per run at a time). */
  kick(runId: string): void {
    if (this.stopped || this.inFlight.has(runId)) return;
    const timer = this.timers.get(runId);
    if (timer) clearTimeout(timer);
    this.timers.delete(runId);
    // Renew the lease while a long step (an import of millions of lines) runs.
    const renew = setInterval(() => void this.claim(runId).catch(() => {}), this.leaseMs / 3);
    const work = this.claim(runId)
      .then((mine) => (mine ? this.advance(runId) : undefined))
      .catch(async (error: unknown) => {
        logger.error("backfill failed", { runId, error: String(error) });
        await this.db.backfillRun
          .update({
            where: { id: runId },
            data: { state: "failed", error: String(error).slice(0, 500), finishedAt: new Date() },
          })
          .catch(() => {});
      })
      .finally(() => {
        clearInterval(renew);
        this.inFlight.delete(runId);
      });
    this.inFlight.set(runId, work);
  }

  /** Refusals (LIMIT_REACHED, OPERATION_IN_PROGRESS) in a row, per run: they space out the next try. */
  private readonly busy = new Map<string, number>();

  private later(runId: string, polls = 1): void {
    if (this.stopped) return;
    this.timers.set(
      runId,
      setTimeout(() => this.kick(runId), (this.options.pollIntervalMs ?? 10_000) * polls),
    );
  }

  /** Submit a new bulk operation for the same run (idempotent upserts make re-reading harmless). */
  private async resubmit(run: BackfillRun, why: string, data: { dataAccess?: DataAccess; error?: string | null } = {}) {
    logger.warn("backfill submits its bulk query again", { runId: run.id, why, attempts: run.attempts });
    await this.db.backfillRun.update({
      where: { id: run.id },
      data: {
        state: "queued",
        bulkOperationId: null,
        resultUrl: null,
        rowsDone: 0,
        ordersDone: 0,
        objectCount: null,
        error: data.error ?? null,
        ...(data.dataAccess ? { dataAccess: data.dataAccess } : {}),
      },
    });
    this.later(run.id); // not kick(): this run's advance is still in flight
  }

  private async advance(runId: string): Promise<void> {
    const run = await this.db.backfillRun.findUnique({ where: { id: runId }, include: { store: true } });
    if (!run || !ACTIVE_STATES.includes(run.state as (typeof ACTIVE_STATES)[number])) return;
    if (run.store.status !== "installed") {
      await this.finish(runId, "cancelled", "store is not installed");
      return;
    }
    const graphql = await this.options.adminFor(run.store.domain);
    if (run.state === "queued") return this.submit(run, graphql);
    if (run.state === "running") return this.poll(run, graphql);
    return this.importFile(run);
  }

  private async submit(run: BackfillRun, graphql: AdminGraphql): Promise<void> {
    type Payload = {
      bulkOperationRunQuery: {
        bulkOperation: { id: string } | null;
        userErrors: Array<{ message: string; code?: string }>;
      };
    };
    const access = (run.dataAccess as DataAccess | null) ?? "full";
    const result = await graphql<Payload>(RUN_BULK_QUERY, { query: backfillOrdersQuery(run.since, access) });
    const payload = result.data?.bulkOperationRunQuery;
    const userErrors = payload?.userErrors ?? [];
    if (payload?.bulkOperation) {
      await this.db.backfillRun.update({
        where: { id: run.id },
        data: {
          state: "running",
          bulkOperationId: payload.bulkOperation.id,
          attempts: { increment: 1 },
          dataAccess: access,
        },
      });
      this.busy.delete(run.id);
      this.later(run.id);
      return;
    }
    const busy = userErrors.find((e) => e.code === "OPERATION_IN_PROGRESS" || e.code === "LIMIT_REACHED");
    if (busy) {
      // Shopify says "try again later": nothing failed. Each refusal doubles the pause (up to 64 polls).
      const refusals = (this.busy.get(run.id) ?? 0) + 1;
      this.busy.set(run.id, refusals);
      logger.info("Shopify is not taking a bulk query now; will retry", { runId: run.id, code: busy.code });
      this.later(run.id, 2 ** Math.min(6, refusals - 1));
      return;
    }
    const reason = [...result.errors.map((e) => e.message), ...userErrors.map((e) => e.message)].join("; ");
    await this.finish(run.id, "failed", `Shopify refused the bulk query: ${reason || "no reason given"}`);
  }

  private async poll(run: BackfillRun, graphql: AdminGraphql): Promise<void> {
    type Op = {
      bulkOperation: {
        status: string;
        errorCode: string | null;
        objectCount: string;
        url: string | null;
        partialDataUrl: string | null;
      } | null;
    };
    const result = await graphql<Op>(BULK_OPERATION_STATUS, { id: run.bulkOperationId });
    const op = result.data?.bulkOperation;
    if (!op) {
      if (result.errors.length)
        this.later(run.id); // transient (throttled, network): ask again later
      else await this.finish(run.id, "failed", "the bulk operation no longer exists");
      return;
    }
    switch (op.status) {
      case "CREATED":
      case "RUNNING":
      case "CANCELING": // on its way to CANCELED; not a failure
        this.later(run.id);
        return;
      case "COMPLETED": {
        const objectCount = Number(op.objectCount) || 0;
        if (!op.url) {
          await this.finish(run.id, "completed", null, { objectCount });
          return;
        }
        await this.db.backfillRun.update({
          where: { id: run.id },
          data: { state: "importing", resultUrl: op.url, objectCount },
        });
        const next = await this.db.backfillRun.findUniqueOrThrow({ where: { id: run.id } });
        return this.importFile(next);
      }
      case "FAILED":
        return this.failed(run, op.errorCode, op.partialDataUrl);
      case "CANCELED":
        if (run.attempts < MAX_ATTEMPTS) return this.resubmit(run, "canceled on Shopify's side");
        return this.finish(run.id, "cancelled", `bulk operation canceled ${run.attempts} times`);
      default:
        await this.finish(
          run.id,
          "failed",
          `bulk operation ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ""}`,
        );
    }
  }

  private async failed(run: BackfillRun, errorCode: string | null, partialDataUrl: string | null): Promise<void> {
    if (errorCode === "ACCESS_DENIED") {
      // Protected customer data not approved: read less and say so (StoreSyncState.dataAccess feeds the admin).
      const levels = DATA_ACCESS_LEVELS;
      const next = levels[levels.indexOf((run.dataAccess as DataAccess | null) ?? "full") + 1];
      if (next) {
        await this.db.storeSyncState.upsert({
          where: { storeId: run.storeId },
          create: { storeId: run.storeId, dataAccess: next },
          update: { dataAccess: next },
        });
        return this.resubmit(run, `access denied; retrying with ${next}`, { dataAccess: next });
      }
      return this.finish(run.id, "failed", "Shopify denied access to orders (ACCESS_DENIED): check the app's scopes");
    }
    const code = errorCode ?? "unknown error";
    if (partialDataUrl) {
      // Keep what Shopify produced before failing; submit again for the rest afterwards (see importFile).
      await this.db.backfillRun.update({
        where: { id: run.id },
        data: { state: "importing", resultUrl: partialDataUrl, error: `${PARTIAL} (${code})` },
      });
      return this.importFile(await this.db.backfillRun.findUniqueOrThrow({ where: { id: run.id } }));
    }
    if (run.attempts < MAX_ATTEMPTS) return this.resubmit(run, `failed (${code})`);
    await this.finish(run.id, "failed", `bulk operation failed (${code}) ${run.attempts} times`);
  }

  private async importFile(run: BackfillRun): Promise<void> {
    if (!run.resultUrl) throw new Error("importing without a result URL");
    const response = await (this.options.fetchFile ?? fetch)(run.resultUrl);
    if (!response.ok || !response.body) {
      // Result URLs expire after a week: start over (upserts are idempotent).
      logger.warn("bulk result file unavailable; resubmitting", { runId: run.id, status: response.status });
      await this.db.backfillRun.update({
        where: { id: run.id },
        data: { state: "queued", bulkOperationId: null, resultUrl: null, rowsDone: 0, ordersDone: 0 },
      });
      this.later(run.id);
      return;
    }
    const lines = createInterface({
      input: Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
      crlfDelay: Infinity,
    });
    const assembler = new BulkOrderAssembler();
    const batchSize = this.options.batchSize ?? 250;
    let lineNo = -1;
    let checkpoint = run.rowsDone; // first line not yet applied
    let ordersDone = run.ordersDone;
    let malformed = run.malformedLines; // malformed lines before the checkpoint (persisted)
    let malformedInOrder = 0; // malformed lines since the current order began (not yet behind a checkpoint)
    const sample: number[] = run.malformedSample ? (JSON.parse(run.malformedSample) as number[]) : [];
    let batch: StoreOrder[] = [];
    let nextOrderLine = checkpoint;

    const commit = async (through: number) => {
      const orders = batch;
      batch = [];
      await this.db.$transaction(
        async (tx) => {
          await writeOrdersTx(tx, run.storeId, orders);
          await tx.backfillRun.update({
            where: { id: run.id },
            data: {
              rowsDone: through,
              ordersDone: ordersDone + orders.length,
              malformedLines: malformed,
              malformedSample: sample.length ? JSON.stringify(sample) : null,
            },
          });
        },
        { timeout: 60_000 },
      );
      ordersDone += orders.length;
      checkpoint = through;
      if (this.stopped) throw new StoppedError();
    };

    const noteMalformed = (n: number) => {
      malformedInOrder++;
      if (sample.length < MALFORMED_SAMPLE) sample.push(n + 1); // 1-based for people
    };

    try {
      for await (const text of lines) {
        lineNo++;
        if (lineNo < checkpoint || text.trim() === "") continue;
        let value: unknown;
        try {
          value = parseStorableJson(text);
        } catch {
          noteMalformed(lineNo);
          continue;
        }
        const result = assembler.push(value, lineNo);
        if (result.kind === "malformed") {
          noteMalformed(lineNo);
          continue;
        }
        if (!(value as Record<string, unknown>).__parentId) {
          // A new order starts here: malformed lines seen so far now lie before the next checkpoint.
          malformed += malformedInOrder;
          malformedInOrder = 0;
        }
        if (result.completed) {
          batch.push(result.completed.order);
          // The order just started at lineNo; everything before it is complete.
          nextOrderLine = lineNo;
          if (batch.length >= batchSize) await commit(nextOrderLine);
        }
      }
      const last = assembler.end();
      if (last && "order" in last) batch.push(last.order);
      else if (last) noteMalformed(lineNo);
      malformed += malformedInOrder;
      malformedInOrder = 0;
      await commit(lineNo + 1);
    } catch (error) {
      if (error instanceof StoppedError) return;
      throw error;
    }
    if (run.error?.startsWith(PARTIAL)) {
      const latest = await this.db.backfillRun.findUniqueOrThrow({ where: { id: run.id } });
      if (latest.attempts < MAX_ATTEMPTS) return this.resubmit(latest, "partial data imported; reading the rest");
      return this.finish(run.id, "failed", `${run.error}: imported what there was, ${latest.attempts} attempts`);
    }
    if (run.trigger !== "reconcile") await this.readLeads(run);
    await this.finish(run.id, "completed", null);
  }

  /**
   * After a full import: the subscribed customers without orders (read-leads.server.ts). A failure is logged, not
   * fatal: the orders are in, and the reconciliation reads those customers as soon as they change.
   */
  private async readLeads(run: BackfillRun): Promise<void> {
    try {
      const store = await this.db.store.findUniqueOrThrow({ where: { id: run.storeId } });
      const access = (run.dataAccess as DataAccess | null) ?? "full";
      const read = await readSubscribedNonBuyers(this.db, store, await this.options.adminFor(store.domain), access);
      logger.info("subscribed customers without orders read", { runId: run.id, customers: read });
    } catch (error) {
      logger.warn("subscribed customers without orders not read", {
        runId: run.id,
        error: String(error).slice(0, 300),
      });
    }
  }

  private async finish(
    runId: string,
    state: "completed" | "failed" | "cancelled",
    error: string | null,
    extra: { objectCount?: number } = {},
  ) {
    const run = await this.db.backfillRun.update({
      where: { id: runId },
      data: { state, error, finishedAt: new Date(), ...extra },
    });
    logger.info("backfill finished", { runId, state, orders: run.ordersDone, malformed: run.malformedLines });
    if (state === "completed") {
      // What this import could read is what the shop allows now (approval may have come since the last one).
      const dataAccess = run.dataAccess ?? "full";
      await this.db.storeSyncState.upsert({
        where: { storeId: run.storeId },
        create: { storeId: run.storeId, dataAccess },
        update: { dataAccess },
      });
      this.options.onCompleted?.(run);
    }
  }
}

class StoppedError extends Error {}

/**
 * Bulk query operations: CREATED -> RUNNING -> COMPLETED (or FAILED/CANCELED), run asynchronously in ticks so
 * tests can observe RUNNING, writing the JSONL result to a temp dir that the server serves at /files/{name}.jsonl
 * (no auth, like Shopify's signed storage URLs), then sending bulk_operations/finish.
 * Faults can be injected per shop for the next operation: malformed lines, a FAILED operation, an expired URL.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { SimulatedShop } from "../store";
import { gid } from "../ids";
import { prepareBulkQuery, renderRootNode, rootNodes, BulkQueryError, type PreparedBulkQuery } from "./bulk-query";
import type { ResolverContext } from "./resolvers";
import { adminSchema } from "./schema";
import { firstDeniedField } from "./access";

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";
export type BulkErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

export interface BulkOperationRecord {
  id: number;
  shopDomain: string;
  type: "QUERY" | "MUTATION";
  status: BulkStatus;
  errorCode: BulkErrorCode | null;
  query: string;
  groupObjects: boolean;
  createdAt: Date;
  completedAt: Date | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  /** Result file name (without .jsonl), once written. */
  fileName: string | null;
}

export type BulkFault =
  /** Every `every`-th line of the result is truncated (invalid JSON). */
  | { kind: "malformed-lines"; every: number }
  /** The operation fails with `errorCode` after `afterRootObjects` root objects; partial data is kept when asked. */
  | { kind: "fail"; errorCode: BulkErrorCode; afterRootObjects?: number; partialData?: boolean }
  /** The result URL answers 403 (expired signature, as Google Cloud Storage does) or 404. */
  | { kind: "expired-url"; status?: 403 | 404 }
  /**
   * bulkOperationRunQuery is refused with userError code LIMIT_REACHED ("Bulk operations limit reached. Please try
   * again later.", BulkOperationUserErrorCode); no operation is created. Consumed by that one call.
   */
  | { kind: "limit-reached" }
  /**
   * The operation is canceled on Shopify's side (e.g. by another caller of bulkOperationCancel) after
   * `afterRootObjects` root objects: it stays CANCELING for `cancelingMs`, then CANCELED, with no result file.
   */
  | { kind: "canceled"; afterRootObjects?: number; cancelingMs?: number };

export interface BulkOptions {
  /** Delay before CREATED becomes RUNNING (default 20 ms). */
  startDelayMs?: number;
  /** Root objects rendered per tick (default 5000). */
  rowsPerTick?: number;
  /** Pause between ticks (default 0: yield to the event loop only). */
  tickMs?: number;
  /** Concurrent bulk queries per shop (2026-01 and later: 5; older versions: 1). */
  maxConcurrentQueries?: number;
  /** Concurrent bulk mutations per shop (2026-01 and later: 5; older versions: 1). See bulk-mutation.ts. */
  maxConcurrentMutations?: number;
  /** Delay before a bulk mutation starts running (default 20 ms; Shopify queues operations for seconds). */
  mutationStartDelayMs?: number;
  /** Lines of a bulk mutation processed per second (default: as fast as possible). */
  mutationLinesPerSecond?: number;
  /** With groupObjects: false, children of a window of this many roots are written after those roots. */
  ungroupedWindow?: number;
}

interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

interface Running {
  record: BulkOperationRecord;
  prepared: PreparedBulkQuery;
  shop: SimulatedShop;
  fault: BulkFault | undefined;
  cancelRequested: boolean;
  /** The query reads something the app may not (scopes, protected customer data): it fails with ACCESS_DENIED. */
  accessDenied: boolean;
}

const ACTIVE: BulkStatus[] = ["CREATED", "RUNNING", "CANCELING"];

/** An operation as Shopify creates it: CREATED, nothing read or written yet. */
export function newBulkOperation(
  shop: SimulatedShop,
  type: BulkOperationRecord["type"],
  query: string,
  groupObjects: boolean,
): Omit<BulkOperationRecord, "id"> {
  return {
    shopDomain: shop.domain,
    type,
    status: "CREATED",
    errorCode: null,
    query,
    groupObjects,
    createdAt: shop.clock.now(),
    completedAt: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: null,
    url: null,
    partialDataUrl: null,
    fileName: null,
  };
}

export class BulkOperations {
  private readonly ops = new Map<string, Map<number, BulkOperationRecord>>();
  private readonly faults = new Map<string, BulkFault[]>();
  private readonly files = new Map<string, { path: string; expiredStatus: number | null }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Where result files are written (the bulk mutation runner writes there too). */
  readonly dir: string;
  private readonly waiters = new Map<number, (() => void)[]>();
  readonly options: Required<BulkOptions>;
  private nextId = 4_410_000_000;

  constructor(
    private readonly baseUrl: () => string,
    options: BulkOptions = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "shopify-sim-bulk-"));
    this.options = {
      startDelayMs: options.startDelayMs ?? 20,
      rowsPerTick: options.rowsPerTick ?? 5000,
      tickMs: options.tickMs ?? 0,
      maxConcurrentQueries: options.maxConcurrentQueries ?? 5,
      maxConcurrentMutations: options.maxConcurrentMutations ?? 5,
      mutationStartDelayMs: options.mutationStartDelayMs ?? 20,
      mutationLinesPerSecond: options.mutationLinesPerSecond ?? Number.POSITIVE_INFINITY,
      ungroupedWindow: options.ungroupedWindow ?? 20,
    };
  }

  configure(options: BulkOptions): void {
    Object.assign(this.options, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  }

  /** The next bulk operation of this shop gets this fault (faults queue up in order). */
  injectFault(shopDomain: string, fault: BulkFault): void {
    const list = this.faults.get(shopDomain) ?? [];
    list.push(fault);
    this.faults.set(shopDomain, list);
  }

  get(shopDomain: string, id: number): BulkOperationRecord | undefined {
    return this.ops.get(shopDomain)?.get(id);
  }

  list(shopDomain: string): BulkOperationRecord[] {
    return [...(this.ops.get(shopDomain)?.values() ?? [])];
  }

  /** Resolves when the operation reaches a final status. */
  waitFor(shopDomain: string, id: number): Promise<BulkOperationRecord> {
    const op = this.get(shopDomain, id);
    if (!op) return Promise.reject(new Error(`no bulk operation ${id} in ${shopDomain}`));
    if (!ACTIVE.includes(op.status)) return Promise.resolve(op);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(() => resolve(op));
      this.waiters.set(id, list);
    });
  }

  /** Marks an operation's result as expired (status EXPIRED, URL answers 403) — Shopify does this after 7 days. */
  expire(shopDomain: string, id: number): void {
    const op = this.get(shopDomain, id);
    if (!op) return;
    op.status = "EXPIRED";
    if (op.fileName) {
      const f = this.files.get(op.fileName);
      if (f) f.expiredStatus = 403;
    }
  }

  run(
    shop: SimulatedShop,
    query: string,
    groupObjects: boolean,
  ): { bulkOperation: BulkOperationRecord | null; userErrors: UserError[] } {
    const active = this.active(shop.domain, "QUERY");
    if (active.length >= this.options.maxConcurrentQueries) {
      const ids = active.map((o) => gid("BulkOperation", o.id)).join(", ");
      return {
        bulkOperation: null,
        userErrors: [
          {
            field: null,
            message: `A bulk query operation for this app and shop is already in progress: ${ids}.`,
            code: "OPERATION_IN_PROGRESS",
          },
        ],
      };
    }
    const queued = this.faults.get(shop.domain);
    if (queued?.[0]?.kind === "limit-reached") {
      queued.shift();
      return {
        bulkOperation: null,
        userErrors: [
          { field: null, message: "Bulk operations limit reached. Please try again later.", code: "LIMIT_REACHED" },
        ],
      };
    }
    let prepared: PreparedBulkQuery;
    try {
      prepared = prepareBulkQuery(adminSchema(), query);
    } catch (e) {
      if (e instanceof BulkQueryError)
        return { bulkOperation: null, userErrors: [{ field: ["query"], message: e.message, code: "INVALID" }] };
      throw e;
    }
    const record = this.register({ id: ++this.nextId, ...newBulkOperation(shop, "QUERY", query, groupObjects) });
    const fault = this.faults.get(shop.domain)?.shift();
    const accessDenied = firstDeniedField(adminSchema(), prepared.document, shop.auth) !== null;
    const running: Running = { record, prepared, shop, fault, cancelRequested: false, accessDenied };
    this.later(this.options.startDelayMs, () => this.start(running));
    this.running.set(record.id, running);
    return { bulkOperation: record, userErrors: [] };
  }

  private readonly running = new Map<number, Running>();

  /** Operations of this type that are still CREATED, RUNNING or CANCELING. */
  active(shopDomain: string, type: BulkOperationRecord["type"]): BulkOperationRecord[] {
    return this.list(shopDomain).filter((o) => o.type === type && ACTIVE.includes(o.status));
  }

  /**
   * Registers an operation run elsewhere (bulk mutations) so bulkOperation(id), cancel and waitFor see it, and
   * counts it in the shop's mutationActivity.
   */
  track(record: Omit<BulkOperationRecord, "id">): BulkOperationRecord {
    if (record.type === "MUTATION") this.mutationStarted(record.shopDomain);
    return this.register({ ...record, id: ++this.nextId });
  }

  /**
   * A shop's bulk mutations since the last reset, for tests and benchmarks: how many ran, the most at once, and
   * the wall time during which at least one was queued or running (Shopify's side of a bulk push).
   */
  mutationActivity(shopDomain: string): { operations: number; mostActive: number; busyMs: number } {
    const load = this.mutationLoad.get(shopDomain);
    if (!load) return { operations: 0, mostActive: 0, busyMs: 0 };
    const open = load.active > 0 ? performance.now() - load.busySince : 0;
    return { operations: load.operations, mostActive: load.mostActive, busyMs: load.busyMs + open };
  }

  resetMutationActivity(shopDomain: string): void {
    const active = this.mutationLoad.get(shopDomain)?.active ?? 0;
    this.mutationLoad.set(shopDomain, {
      active,
      operations: 0,
      mostActive: active,
      busyMs: 0,
      busySince: performance.now(),
    });
  }

  private readonly mutationLoad = new Map<
    string,
    { active: number; operations: number; mostActive: number; busyMs: number; busySince: number }
  >();

  private mutationStarted(shopDomain: string): void {
    const load = this.mutationLoad.get(shopDomain) ?? {
      active: 0,
      operations: 0,
      mostActive: 0,
      busyMs: 0,
      busySince: 0,
    };
    if (load.active++ === 0) load.busySince = performance.now();
    load.operations++;
    load.mostActive = Math.max(load.mostActive, load.active);
    this.mutationLoad.set(shopDomain, load);
  }

  private mutationEnded(shopDomain: string): void {
    const load = this.mutationLoad.get(shopDomain);
    if (!load || load.active === 0) return;
    if (--load.active === 0) load.busyMs += performance.now() - load.busySince;
  }

  private register(record: BulkOperationRecord): BulkOperationRecord {
    const byShop = this.ops.get(record.shopDomain) ?? new Map<number, BulkOperationRecord>();
    byShop.set(record.id, record);
    this.ops.set(record.shopDomain, byShop);
    return record;
  }

  /** Serves a result file at /files/{name}.jsonl and returns its URL. */
  publishFile(name: string, path: string, expiredStatus: number | null = null): string {
    this.files.set(name, { path, expiredStatus });
    return `${this.baseUrl()}/files/${name}.jsonl`;
  }

  /** Final status: completedAt, bulk_operations/finish, waiters. */
  settle(op: BulkOperationRecord, shop: SimulatedShop, status: BulkStatus): void {
    if (op.type === "MUTATION") this.mutationEnded(op.shopDomain);
    op.status = status;
    if (status === "COMPLETED") op.completedAt = shop.clock.now();
    shop.emitBulkFinish({
      id: op.id,
      status: status as "COMPLETED",
      errorCode: op.errorCode,
      createdAt: op.createdAt,
      completedAt: op.completedAt ?? shop.clock.now(),
      type: op.type,
    });
    for (const w of this.waiters.get(op.id) ?? []) w();
    this.waiters.delete(op.id);
  }

  /** Runs `fn` after `ms`, cancelled by close(). */
  schedule(ms: number, fn: () => void): void {
    this.later(ms, fn);
  }

  cancel(shop: SimulatedShop, id: number): { bulkOperation: BulkOperationRecord | null; userErrors: UserError[] } {
    const op = this.get(shop.domain, id);
    if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    if (!ACTIVE.includes(op.status))
      return {
        bulkOperation: op,
        userErrors: [
          { field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` },
        ],
      };
    op.status = "CANCELING";
    const r = this.running.get(id);
    if (r) r.cancelRequested = true;
    return { bulkOperation: op, userErrors: [] };
  }

  /** File lookup for GET /files/{name}.jsonl. */
  file(name: string): { status: 200; path: string } | { status: number; body: string } {
    const f = this.files.get(name);
    if (!f)
      return {
        status: 404,
        body: "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
      };
    if (f.expiredStatus === 403)
      return {
        status: 403,
        body: "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>",
      };
    if (f.expiredStatus !== null)
      return {
        status: f.expiredStatus,
        body: "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code></Error>",
      };
    return { status: 200, path: f.path };
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private finish(r: Running, status: BulkStatus): void {
    this.running.delete(r.record.id);
    this.settle(r.record, r.shop, status);
  }

  private start(r: Running): void {
    const op = r.record;
    if (r.cancelRequested) return this.finish(r, "CANCELED");
    op.status = "RUNNING";
    if (r.accessDenied) {
      op.errorCode = "ACCESS_DENIED";
      return this.finish(r, "FAILED");
    }
    const ctx: ResolverContext = { shop: r.shop, bulk: this, unbounded: true, searchWarnings: [] };
    let nodes: unknown[];
    try {
      nodes = rootNodes(r.prepared, ctx);
    } catch {
      op.errorCode = "INTERNAL_SERVER_ERROR";
      return this.finish(r, "FAILED");
    }
    const name = `bulk-${op.id}-${randomBytes(8).toString("hex")}`;
    const path = join(this.dir, `${name}.jsonl`);
    writeFileSync(path, "");
    let index = 0;
    let lineNo = 0;
    const pendingChildren: string[] = [];
    const fault = r.fault;
    const write = (lines: string[]) => {
      if (lines.length === 0) return;
      const out = lines.map((l) => {
        lineNo++;
        return fault?.kind === "malformed-lines" && lineNo % fault.every === 0
          ? l.slice(0, Math.max(1, Math.floor(l.length / 2)))
          : l;
      });
      appendFileSync(path, `${out.join("\n")}\n`);
      op.objectCount += out.length;
    };
    const publish = (field: "url" | "partialDataUrl") => {
      op.fileName = name;
      op.fileSize = statSync(path).size;
      this.files.set(name, { path, expiredStatus: fault?.kind === "expired-url" ? (fault.status ?? 403) : null });
      op[field] = `${this.baseUrl()}/files/${name}.jsonl`;
    };
    const cancelAt = fault?.kind === "canceled" ? (fault.afterRootObjects ?? 0) : Number.POSITIVE_INFINITY;
    const tick = () => {
      if (r.cancelRequested) return this.finish(r, "CANCELED");
      if (index >= cancelAt && fault?.kind === "canceled") {
        // Cancelation takes a while on Shopify's side: CANCELING is observable before CANCELED.
        op.status = "CANCELING";
        return this.later(fault.cancelingMs ?? 200, () => this.finish(r, "CANCELED"));
      }
      const failAt = fault?.kind === "fail" ? (fault.afterRootObjects ?? 0) : Number.POSITIVE_INFINITY;
      const lines: string[] = [];
      const end = Math.min(nodes.length, index + this.options.rowsPerTick);
      try {
        for (; index < end; index++) {
          if (index >= failAt || index >= cancelAt) break;
          const rendered = renderRootNode(r.prepared, nodes[index], ctx);
          lines.push(JSON.stringify(rendered.line));
          const kids = rendered.children.map((c) => JSON.stringify(c));
          if (op.groupObjects) lines.push(...kids);
          else pendingChildren.push(...kids);
          op.rootObjectCount++;
          // Ungrouped: children of a window of roots come after those roots, not right below their parent.
          if (!op.groupObjects && op.rootObjectCount % this.options.ungroupedWindow === 0)
            lines.push(...pendingChildren.splice(0));
        }
      } catch {
        write(lines);
        op.errorCode = "INTERNAL_SERVER_ERROR";
        return this.finish(r, "FAILED");
      }
      if (index >= failAt && fault?.kind === "fail") {
        write(lines);
        op.errorCode = fault.errorCode;
        if (fault.partialData && op.objectCount > 0) publish("partialDataUrl");
        return this.finish(r, "FAILED");
      }
      if (index >= cancelAt) {
        write(lines);
        return this.later(this.options.tickMs, tick);
      }
      if (index >= nodes.length) lines.push(...pendingChildren.splice(0));
      write(lines);
      if (index < nodes.length) return this.later(this.options.tickMs, tick);
      // Shopify returns no URL when the query matched nothing.
      if (op.objectCount > 0) publish("url");
      return this.finish(r, "COMPLETED");
    };
    this.later(this.options.tickMs, tick);
  }
}

/**
 * Bulk mutations (shopify.dev bulkOperationRunMutation and the bulk import guide): the mutation runs once per line
 * of the uploaded JSONL of variables, without touching the rate-limit bucket, and the result is a JSONL file with
 * one line per input line: `{"data":{...},"__lineNumber":n}` (n from 0), plus `"errors"` when that line failed at
 * the GraphQL level. Lines are processed in ticks at `mutationLinesPerSecond` after `mutationStartDelayMs`, so the
 * threshold measurement can model Shopify's queueing and throughput (docs/decisions/042).
 *
 * Checked up front, as Shopify does: the staged file exists for this shop (NO_SUCH_FILE), every line is a JSON object
 * (INVALID_STAGED_UPLOAD_FILE), the mutation parses, validates and has exactly one top-level field that is not itself
 * a bulk operation (INVALID_MUTATION), and the shop runs fewer than `maxConcurrentMutations` (OPERATION_IN_PROGRESS).
 */
import { appendFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { executeSync, Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { gid } from "../ids";
import type { SimulatedShop } from "../store";
import { newBulkOperation, type BulkErrorCode, type BulkOperationRecord, type BulkOperations } from "./bulk";
import { fieldResolver } from "./executor";
import type { ResolverContext } from "./resolvers";
import { adminSchema } from "./schema";
import type { StagedUploads } from "./staged-uploads";

export interface BulkMutationUserError {
  field: string[] | null;
  message: string;
  code: string;
}

export type BulkMutationFault =
  /** The operation fails with `errorCode` after `afterLines` lines; what was written is kept as partial data. */
  | { kind: "fail"; errorCode: BulkErrorCode; afterLines: number }
  /** Result lines are written in reverse order (Shopify does not promise input order). */
  | { kind: "out-of-order" };

const NOT_ALLOWED = new Set(["bulkOperationRunMutation", "bulkOperationRunQuery", "stagedUploadsCreate"]);
/** Lines per tick when the rate is unlimited. */
const FAST_BATCH = 1000;
/**
 * An unlimited-rate tick also stops after this much work: Shopify applies bulk mutations on its own machines, and
 * a simulator that holds its event loop for a thousand lines delays the webhooks it sends meanwhile (bench:soak
 * then measures the simulator, not the app).
 */
const FAST_TICK_BUDGET_MS = 10;
const TICK_MS = 50;

export class BulkMutations {
  private readonly faults = new Map<string, BulkMutationFault[]>();

  constructor(
    private readonly bulk: BulkOperations,
    private readonly uploads: StagedUploads,
  ) {}

  injectFault(shopDomain: string, fault: BulkMutationFault): void {
    const list = this.faults.get(shopDomain) ?? [];
    list.push(fault);
    this.faults.set(shopDomain, list);
  }

  run(
    shop: SimulatedShop,
    mutation: string,
    stagedUploadPath: string,
  ): { bulkOperation: BulkOperationRecord | null; userErrors: BulkMutationUserError[] } {
    const refuse = (code: string, message: string, field: string[] | null = null) => ({
      bulkOperation: null,
      userErrors: [{ field, message, code }],
    });
    const active = this.bulk.active(shop.domain, "MUTATION");
    if (active.length >= this.bulk.options.maxConcurrentMutations)
      return refuse(
        "OPERATION_IN_PROGRESS",
        `A bulk mutation operation for this app and shop is already in progress: ${active.map((o) => gid("BulkOperation", o.id)).join(", ")}.`,
      );
    let document: DocumentNode;
    try {
      document = parse(mutation);
    } catch (e) {
      return refuse("INVALID_MUTATION", `Failed to parse the mutation - ${(e as Error).message}`, ["mutation"]);
    }
    const errors = validate(adminSchema(), document);
    if (errors.length > 0) return refuse("INVALID_MUTATION", `Invalid mutation: ${errors[0]!.message}`, ["mutation"]);
    const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const op = ops[0];
    const roots = op?.selectionSet.selections.filter((s) => s.kind === Kind.FIELD) ?? [];
    if (ops.length !== 1 || op?.operation !== "mutation" || roots.length !== 1)
      return refuse(
        "INVALID_MUTATION",
        "The bulk mutation must be one mutation operation with exactly one top-level field.",
        ["mutation"],
      );
    const root = roots[0]!.kind === Kind.FIELD ? roots[0]!.name.value : "";
    if (NOT_ALLOWED.has(root))
      return refuse("INVALID_MUTATION", `${root} cannot be run as a bulk mutation.`, ["mutation"]);
    const upload = this.uploads.lookup(shop.domain, stagedUploadPath);
    if (!upload)
      return refuse("NO_SUCH_FILE", `The JSONL file could not be found: ${stagedUploadPath}`, ["stagedUploadPath"]);
    const lines: Record<string, unknown>[] = [];
    for (const text of readFileSync(upload.path, "utf8").split("\n")) {
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = null;
      }
      if (!value || typeof value !== "object" || Array.isArray(value))
        return refuse("INVALID_STAGED_UPLOAD_FILE", "Unexpected file structure - expected JSONL", ["stagedUploadPath"]);
      lines.push(value as Record<string, unknown>);
    }
    const record = this.bulk.track(newBulkOperation(shop, "MUTATION", mutation, false));
    const fault = this.faults.get(shop.domain)?.shift();
    this.bulk.schedule(this.bulk.options.mutationStartDelayMs, () =>
      this.execute(shop, record, document, lines, fault),
    );
    return { bulkOperation: record, userErrors: [] };
  }

  private execute(
    shop: SimulatedShop,
    op: BulkOperationRecord,
    document: DocumentNode,
    lines: Record<string, unknown>[],
    fault: BulkMutationFault | undefined,
  ): void {
    if (op.status === "CANCELING") return this.bulk.settle(op, shop, "CANCELED");
    op.status = "RUNNING";
    const name = `bulk-${op.id}-${randomBytes(8).toString("hex")}`;
    const path = join(this.bulk.dir, `${name}.jsonl`);
    writeFileSync(path, "");
    const rate = this.bulk.options.mutationLinesPerSecond;
    const perTick = Number.isFinite(rate) ? Math.max(1, Math.round((rate * TICK_MS) / 1000)) : FAST_BATCH;
    const tickMs = Number.isFinite(rate) ? Math.round((perTick / rate) * 1000) : 0;
    const failAt = fault?.kind === "fail" ? fault.afterLines : Number.POSITIVE_INFINITY;
    const reversed: string[] = [];
    let index = 0;
    const publish = (field: "url" | "partialDataUrl") => {
      op.fileName = name;
      op.fileSize = statSync(path).size;
      op[field] = this.bulk.publishFile(name, path);
    };
    const tick = () => {
      if (op.status === "CANCELING") return this.bulk.settle(op, shop, "CANCELED");
      const out: string[] = [];
      const end = Math.min(lines.length, index + perTick, failAt);
      const first = index;
      const budgetEnd = Number.isFinite(rate) ? Number.POSITIVE_INFINITY : performance.now() + FAST_TICK_BUDGET_MS;
      for (; index < end && (index === first || performance.now() < budgetEnd); index++) {
        const ctx: ResolverContext = { shop, bulk: this.bulk, unbounded: false, searchWarnings: [] };
        const result = executeSync({
          schema: adminSchema(),
          document,
          variableValues: lines[index],
          contextValue: ctx,
          fieldResolver,
        });
        const line: Record<string, unknown> = {};
        if (result.errors?.length) line.errors = result.errors.map((e) => e.toJSON());
        line.data = result.data ?? null;
        line.__lineNumber = index;
        out.push(JSON.stringify(line));
        op.objectCount++;
        op.rootObjectCount++;
      }
      if (fault?.kind === "out-of-order") reversed.unshift(...out.reverse());
      else if (out.length > 0) appendFileSync(path, `${out.join("\n")}\n`);
      if (index >= failAt && fault?.kind === "fail") {
        op.errorCode = fault.errorCode;
        if (op.objectCount > 0) publish("partialDataUrl");
        return this.bulk.settle(op, shop, "FAILED");
      }
      if (index < lines.length) return this.bulk.schedule(tickMs, tick);
      if (reversed.length > 0) appendFileSync(path, `${reversed.join("\n")}\n`);
      if (op.objectCount > 0) publish("url");
      return this.bulk.settle(op, shop, "COMPLETED");
    };
    this.bulk.schedule(0, tick);
  }
}

/**
 * The bulk path for large diffs (shopify.dev bulk import guide): stagedUploadsCreate (BULK_MUTATION_VARIABLES)
 * -> multipart POST of each JSONL to its target (the form parameters, then the file) -> bulkOperationRunMutation
 * with the `key` parameter as stagedUploadPath -> wait (poll bulkOperation, or the bulk_operations/finish webhook
 * through `waitForFinish`) -> stream the result JSONL and map `__lineNumber` back to customers.
 * A few API calls per chunk, whatever its size; the bulk work does not draw on the rate-limit bucket.
 */
import type { AdminGraphql } from "../admin-graphql.server";
import { parseResultLine, responseLines } from "./bulk-results";
import { YIELD_EVERY, yieldToRequests } from "../../../jobs/yield-to-requests";
import { BULK_DOCUMENTS, buildBulkVariables, type BulkVariablesFile } from "./bulk-variables";
import type { CostPacer } from "./cost-pacer";
import { multipartBody, streamOf } from "./multipart-body";
import { BULK_MUTATION_RUN, BULK_MUTATION_STATUS, STAGED_UPLOADS_CREATE } from "./documents";
import { MUTATION_COST } from "./direct-writer";
import { defaultSleep, pacedRequest, ShopifyWriteError, type RetryPolicy } from "./paced-request";
import { combineOutcomes, type ShopifyUserError, type WriteOutcome } from "./user-errors";
import type { Slots } from "./slots";
import type { ChangeResult, CustomerLabelChange } from "./types";

/** Requested cost of the status query (one object). */
const STATUS_QUERY_COST = 1;

export interface BulkWriteOptions extends RetryPolicy {
  pacer: CostPacer;
  metafieldNamespace: string;
  /** Used for the staged upload and the result download (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** First and largest pause between status polls (default 250 ms growing 1.5x to 5 s). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /**
   * Resolves when Shopify's bulk_operations/finish webhook for this operation gid arrives. When given, the writer
   * waits on it instead of polling (and still polls every `pollMaxMs` in case the webhook is lost).
   */
  waitForFinish?: (operationGid: string) => Promise<void>;
  /** Give up waiting for an operation after this long (default 6 h). */
  maxWaitMs?: number;
  /** Changes per bulk round; results are reported after each round (default 100 000). */
  chunkSize?: number;
  /**
   * Rounds running on Shopify at once, shared by every apply() of one writer. A round's file is built and uploaded
   * before it takes a slot, so it starts the moment another round finishes.
   */
  slots?: Slots;
  signal?: AbortSignal;
}

interface StagedTarget {
  url: string;
  parameters: { name: string; value: string }[];
}

interface BulkOperationState {
  id: string;
  status: string;
  errorCode: string | null;
  url: string | null;
  partialDataUrl: string | null;
}

const FINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

export async function* writeBulk(
  changes: readonly CustomerLabelChange[],
  graphql: AdminGraphql,
  options: BulkWriteOptions,
): AsyncGenerator<ChangeResult> {
  const chunkSize = options.chunkSize ?? 100_000;
  for (let start = 0; start < changes.length; start += chunkSize) {
    if (options.signal?.aborted) return;
    yield* writeBulkRound(changes.slice(start, start + chunkSize), graphql, options);
  }
}

async function* writeBulkRound(
  changes: readonly CustomerLabelChange[],
  graphql: AdminGraphql,
  options: BulkWriteOptions,
): AsyncGenerator<ChangeResult> {
  const files = await buildBulkVariables(changes, options.metafieldNamespace);
  const outcomes: WriteOutcome[][] = changes.map(() => []);
  const expected = changes.map(() => 0);
  for (const f of files) for (const c of f.changeOfLine) expected[c]!++;
  const failures: string[] = [];

  if (files.length > 0) {
    const targets = await stageUploads(files, graphql, options);
    await Promise.all(files.map((f, i) => upload(targets[i]!, f, options)));
    const finals: BulkOperationState[] = [];
    const release = await options.slots?.acquire();
    try {
      const started: BulkOperationState[] = [];
      for (const [i, file] of files.entries())
        started.push(await startOperation(file, stagedUploadPath(targets[i]!), started, graphql, options));
      for (const op of started) finals.push(await waitUntilFinal(op.id, graphql, options));
    } finally {
      release?.();
    }
    for (const [i, final] of finals.entries()) {
      const file = files[i]!;
      const resultUrl = final.url ?? final.partialDataUrl;
      if (final.status !== "COMPLETED")
        failures.push(`bulk ${file.kind} ${final.id} ${final.status}${final.errorCode ? ` (${final.errorCode})` : ""}`);
      if (resultUrl) await readResults(resultUrl, file, outcomes, options);
    }
  }

  const unconfirmed: string[] = [];
  for (const [i, change] of changes.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToRequests();
    const got = outcomes[i]!;
    const notFound = got.find((o) => o.status === "not_found");
    if (got.length < expected[i]! && !notFound) {
      unconfirmed.push(change.customerExternalId);
      continue;
    }
    yield { customerExternalId: change.customerExternalId, ...combineOutcomes(notFound ? [notFound] : got) };
  }
  if (unconfirmed.length > 0)
    // Left for the caller to retry: tagsAdd/tagsRemove/metafieldsSet are idempotent, so re-sending is safe.
    throw new ShopifyWriteError(
      `${unconfirmed.length} changes not confirmed (${failures.join("; ") || "missing result lines"})`,
    );
}

function stagedUploadPath(target: StagedTarget): string {
  const key = target.parameters.find((p) => p.name === "key")?.value;
  if (!key) throw new ShopifyWriteError("staged upload target has no 'key' parameter");
  return key;
}

async function stageUploads(
  files: BulkVariablesFile[],
  graphql: AdminGraphql,
  options: BulkWriteOptions,
): Promise<StagedTarget[]> {
  type Payload = {
    stagedUploadsCreate: { stagedTargets: StagedTarget[] | null; userErrors: ShopifyUserError[] } | null;
  };
  const input = files.map((f) => ({
    resource: "BULK_MUTATION_VARIABLES",
    filename: `ciclo-${f.kind}.jsonl`,
    mimeType: "text/jsonl",
    httpMethod: "POST",
  }));
  const result = await pacedRequest<Payload>(
    graphql,
    options.pacer,
    STAGED_UPLOADS_CREATE,
    { input },
    MUTATION_COST,
    options,
  );
  const payload = result.data?.stagedUploadsCreate;
  if (!payload?.stagedTargets || payload.userErrors.length > 0 || payload.stagedTargets.length !== files.length)
    throw new ShopifyWriteError(`stagedUploadsCreate failed: ${describeErrors(result.errors, payload?.userErrors)}`);
  return payload.stagedTargets;
}

/**
 * multipart/form-data POST: every target parameter as a field, then the file (storage services want it last).
 * The body streams the file's encoded slices with the length stated, rather than one ~8 MB buffer built (and
 * copied again by the HTTP client) in synchronous steps on the request thread.
 */
async function upload(target: StagedTarget, file: BulkVariablesFile, options: BulkWriteOptions): Promise<void> {
  const { contentType, parts, length } = multipartBody(target.parameters, {
    filename: `ciclo-${file.kind}.jsonl`,
    type: "text/jsonl",
    bytes: file.jsonl,
  });
  const response = await (options.fetch ?? fetch)(target.url, {
    method: "POST",
    headers: { "content-type": contentType, "content-length": String(length) },
    body: streamOf(parts),
    duplex: "half",
  } as RequestInit);
  if (!response.ok)
    throw new ShopifyWriteError(`staged upload failed: HTTP ${response.status} ${await response.text()}`);
}

async function startOperation(
  file: BulkVariablesFile,
  path: string,
  ours: BulkOperationState[],
  graphql: AdminGraphql,
  options: BulkWriteOptions,
): Promise<BulkOperationState> {
  type Payload = {
    bulkOperationRunMutation: {
      bulkOperation: { id: string; status: string } | null;
      userErrors: ShopifyUserError[];
    } | null;
  };
  const deadline = Date.now() + (options.maxWaitMs ?? 6 * 3600_000);
  let pause = options.pollInitialMs ?? 250;
  for (;;) {
    const variables = {
      mutation: BULK_DOCUMENTS[file.kind],
      stagedUploadPath: path,
      clientIdentifier: `ciclo-tags-${file.kind}-${Date.now()}`,
    };
    const result = await pacedRequest<Payload>(
      graphql,
      options.pacer,
      BULK_MUTATION_RUN,
      variables,
      MUTATION_COST,
      options,
    );
    const payload = result.data?.bulkOperationRunMutation;
    if (payload?.bulkOperation)
      return {
        id: payload.bulkOperation.id,
        status: payload.bulkOperation.status,
        errorCode: null,
        url: null,
        partialDataUrl: null,
      };
    const busy = payload?.userErrors.some((e) => e.code === "OPERATION_IN_PROGRESS");
    if (!busy || Date.now() > deadline)
      throw new ShopifyWriteError(
        `bulkOperationRunMutation failed: ${describeErrors(result.errors, payload?.userErrors)}`,
      );
    // Older API versions run one bulk mutation per shop: wait for ours, or for someone else's to end.
    const running = ours.find((o) => !FINAL.has(o.status));
    if (running) Object.assign(running, await waitUntilFinal(running.id, graphql, options));
    else {
      await (options.sleep ?? defaultSleep)(pause);
      pause = Math.min(pause * 2, options.pollMaxMs ?? 5000);
    }
  }
}

async function waitUntilFinal(
  id: string,
  graphql: AdminGraphql,
  options: BulkWriteOptions,
): Promise<BulkOperationState> {
  type Payload = { bulkOperation: BulkOperationState | null };
  const sleep = options.sleep ?? defaultSleep;
  const maxPause = options.pollMaxMs ?? 5000;
  let pause = options.pollInitialMs ?? 250;
  const deadline = Date.now() + (options.maxWaitMs ?? 6 * 3600_000);
  let finished: Promise<void> | null = options.waitForFinish ? options.waitForFinish(id) : null;
  for (;;) {
    const result = await pacedRequest<Payload>(
      graphql,
      options.pacer,
      BULK_MUTATION_STATUS,
      { id },
      STATUS_QUERY_COST,
      options,
    );
    const op = result.data?.bulkOperation;
    if (!op) throw new ShopifyWriteError(`bulk operation ${id} not found: ${describeErrors(result.errors)}`);
    if (FINAL.has(op.status)) return op;
    if (Date.now() > deadline)
      throw new ShopifyWriteError(`bulk operation ${id} still ${op.status} after the wait limit`);
    if (finished) {
      // The webhook tells us when to look again; the timeout covers a lost webhook.
      const webhook = finished.then(() => "finished" as const);
      const outcome = await Promise.race([webhook, sleep(maxPause).then(() => "timeout" as const)]);
      if (outcome === "finished") finished = null;
    } else {
      await sleep(pause);
      pause = Math.min(Math.ceil(pause * 1.5), maxPause);
    }
  }
}

async function readResults(
  url: string,
  file: BulkVariablesFile,
  outcomes: WriteOutcome[][],
  options: BulkWriteOptions,
): Promise<void> {
  const response = await (options.fetch ?? fetch)(url);
  if (!response.ok) throw new ShopifyWriteError(`bulk result download failed: HTTP ${response.status}`);
  let lines = 0;
  for await (const text of responseLines(response)) {
    // A downloaded result arrives in large chunks, and a line needs no I/O: without turns, tens of thousands of
    // lines would be parsed in one stretch of the request thread.
    if (++lines % YIELD_EVERY === 0) await yieldToRequests();
    const parsed = parseResultLine(text, file.kind);
    const change = parsed ? file.changeOfLine[parsed.lineNumber] : undefined;
    if (parsed && change !== undefined) outcomes[change]!.push(parsed.outcome);
  }
}

function describeErrors(errors: { message: string }[], userErrors?: ShopifyUserError[] | null): string {
  return (
    [...errors.map((e) => e.message), ...(userErrors ?? []).map((e) => `${e.code ?? ""} ${e.message}`.trim())].join(
      "; ",
    ) || "no details"
  );
}

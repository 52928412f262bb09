/**
 * One Admin GraphQL call through the CostPacer: waits for the points, retries THROTTLED (the pacer has learnt the
 * real bucket from the answer, so the retry waits the right time) and transport failures a bounded number of
 * times, then gives up with a ShopifyWriteError. Other GraphQL errors and userErrors go back to the caller.
 */
import type { AdminGraphql, GraphqlResult } from "../admin-graphql.server";
import type { CostPacer } from "./cost-pacer";

export class ShopifyWriteError extends Error {}

export interface RetryPolicy {
  /** THROTTLED answers tolerated per call (default 8). */
  maxThrottledRetries?: number;
  /** Retries after an HTTP/network failure (default 3, backoff 0.5 s, 1 s, 2 s). */
  maxTransportRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** 4xx other than 429 (e.g. 401 after uninstall) will not get better by retrying. */
function isClientError(error: unknown): boolean {
  const e = error as { status?: unknown; response?: { code?: unknown } } | null;
  const status = typeof e?.status === "number" ? e.status : typeof e?.response?.code === "number" ? e.response.code : 0;
  return status >= 400 && status < 500 && status !== 429;
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function pacedRequest<T>(
  graphql: AdminGraphql,
  pacer: CostPacer,
  document: string,
  variables: Record<string, unknown>,
  cost: number,
  policy: RetryPolicy = {},
): Promise<GraphqlResult<T>> {
  const sleep = policy.sleep ?? defaultSleep;
  let throttled = 0;
  let transport = 0;
  for (;;) {
    await pacer.acquire(cost);
    let result: GraphqlResult<T>;
    try {
      result = await graphql<T>(document, variables);
    } catch (error) {
      pacer.settle(cost, null);
      if (isClientError(error) || ++transport > (policy.maxTransportRetries ?? 3)) throw error;
      await sleep(250 * 2 ** transport);
      continue;
    }
    pacer.settle(cost, result);
    if (!result.errors.some((e) => e.extensions?.code === "THROTTLED")) return result;
    if (++throttled > (policy.maxThrottledRetries ?? 8))
      throw new ShopifyWriteError(`still THROTTLED after ${throttled - 1} retries`);
  }
}

/**
 * A small seam over the Admin GraphQL client for background work (backfill, tag pushes): returns
 * `{ data, errors, extensions }` instead of throwing on GraphQL errors, so callers can read THROTTLED and
 * the cost extension, and retries throttled calls at the pace Shopify's leaky bucket allows.
 */
import { GraphqlQueryError } from "@shopify/shopify-api";

export interface GraphqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface GraphqlResult<T = Record<string, unknown>> {
  data: T | null;
  errors: GraphqlError[];
  extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

export type AdminGraphql = <T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
) => Promise<GraphqlResult<T>>;

interface RemixAdminContext {
  graphql: (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;
}

/** Adapts shopify-app-remix's `admin.graphql` (which throws on GraphQL errors) to AdminGraphql. */
export function fromRemixAdmin(admin: RemixAdminContext): AdminGraphql {
  return async <T>(query: string, variables?: Record<string, unknown>) => {
    try {
      const response = await admin.graphql(query, { variables });
      const body = (await response.json()) as { data?: T; extensions?: GraphqlResult<T>["extensions"] };
      return { data: body.data ?? null, errors: [], extensions: body.extensions };
    } catch (error) {
      if (error instanceof GraphqlQueryError) {
        const body = error.body as
          | { data?: T; errors?: { graphQLErrors?: GraphqlError[] }; extensions?: GraphqlResult<T>["extensions"] }
          | undefined;
        return {
          data: body?.data ?? null,
          errors: body?.errors?.graphQLErrors ?? [{ message: error.message }],
          extensions: body?.extensions,
        };
      }
      throw error;
    }
  };
}

export function isThrottled(result: GraphqlResult<unknown>): boolean {
  return result.errors.some((e) => e.extensions?.code === "THROTTLED");
}

/** Milliseconds until the bucket holds `cost` points again, from the cost extension (with a floor). */
export function throttleWaitMs(result: GraphqlResult<unknown>): number {
  const cost = result.extensions?.cost;
  const status = cost?.throttleStatus;
  if (!status || status.restoreRate <= 0) return 1000;
  const needed = (cost?.requestedQueryCost ?? 50) - status.currentlyAvailable;
  return Math.max(100, Math.ceil((needed / status.restoreRate) * 1000));
}

/** Retries THROTTLED responses after the time the bucket needs; other errors are returned to the caller. */
export function withThrottleRetry(graphql: AdminGraphql, maxAttempts = 8, sleep = defaultSleep): AdminGraphql {
  return async <T>(query: string, variables?: Record<string, unknown>) => {
    for (let attempt = 1; ; attempt++) {
      const result = await graphql<T>(query, variables);
      if (!isThrottled(result) || attempt >= maxAttempts) return result;
      await sleep(throttleWaitMs(result));
    }
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

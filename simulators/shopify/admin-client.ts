/**
 * An AdminGraphql over plain fetch to the simulator, for tests and benchmarks (the app uses shopify-app-remix's
 * client through the same type). GraphQL errors come back as data; HTTP errors (401 after uninstall, 5xx) throw.
 */
import type { AdminGraphql, GraphqlResult } from "../../app/platforms/shopify/admin-graphql.server";

export class AdminHttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`Admin API HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

export function simulatorAdminGraphql(graphqlUrl: string, accessToken: string): AdminGraphql {
  return async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> => {
    const response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": accessToken },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    if (!response.ok) throw new AdminHttpError(response.status, text);
    const body = JSON.parse(text) as {
      data?: T | null;
      errors?: GraphqlResult<T>["errors"];
      extensions?: GraphqlResult<T>["extensions"];
    };
    return { data: body.data ?? null, errors: body.errors ?? [], extensions: body.extensions };
  };
}

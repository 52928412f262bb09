/** The real Admin GraphQL 2026-07 schema shipped in @shopify/dev-mcp (gzipped introspection), loaded once. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";

const RELATIVE = `node_modules/@shopify/dev-mcp/dist/data/admin_${ADMIN_API_VERSION}.json.gz`;

let cached: GraphQLSchema | null = null;

function schemaPath(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  for (const base of [resolve(here, "../../.."), process.cwd()]) {
    const p = resolve(base, RELATIVE);
    if (existsSync(p)) return p;
  }
  throw new Error(`Admin schema not found (${RELATIVE}); is @shopify/dev-mcp installed?`);
}

export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(schemaPath())).toString("utf8")) as {
      data?: IntrospectionQuery;
    } & IntrospectionQuery;
    cached = buildClientSchema(json.data ?? json);
  }
  return cached;
}

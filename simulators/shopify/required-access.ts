/**
 * Which access scopes a GraphQL document needs, read from the `requiredAccess` notes that Shopify's own
 * introspection files (shipped in @shopify/dev-mcp) carry on types and fields, e.g.
 * "`read_orders` access scope, `read_marketplace_orders` access scope or `read_quick_sale` access scope."
 * Each note is a list of alternatives: any one of them grants access. Shared by the extension tests (Customer
 * Account API) and the Shopify simulator (Admin API).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  getNamedType,
  isObjectType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";

interface RawField {
  name: string;
  requiredAccess?: string | null;
  protectedSubject?: string | null;
  protectedContent?: string | null;
}
interface RawType {
  name: string;
  requiredAccess?: string | null;
  fields?: RawField[] | null;
}

export interface AccessNotes {
  schema: GraphQLSchema;
  /** Type name -> scopes, any of which grants the type. */
  types: Map<string, string[]>;
  /** "Type.field" -> scopes, any of which grants the field. */
  fields: Map<string, string[]>;
  /** "Type.field" -> protected customer data it exposes, e.g. { subject: "customer", content: "email" }. */
  protectedFields: Map<string, { subject: string; content: string }>;
}

/** The backticked scope names of a requiredAccess note; the text after "Also:" is about staff permissions. */
export function scopesOf(note: string | null | undefined): string[] {
  if (!note) return [];
  const main = note.split("Also:")[0]!;
  return [...main.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
}

const cache = new Map<string, AccessNotes>();

/** Loads `dist/data/{api}_{version}.json.gz` from @shopify/dev-mcp (e.g. "admin", "customer"). */
export function accessNotes(api: "admin" | "customer", version = "2026-07"): AccessNotes {
  const key = `${api}_${version}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const file = resolve(process.cwd(), "node_modules/@shopify/dev-mcp/dist/data", `${key}.json.gz`);
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as {
    data?: IntrospectionQuery & { __schema: { types: RawType[] } };
  } & IntrospectionQuery & { __schema: { types: RawType[] } };
  const introspection = json.data ?? json;
  const notes: AccessNotes = {
    schema: buildClientSchema(introspection),
    types: new Map(),
    fields: new Map(),
    protectedFields: new Map(),
  };
  for (const type of introspection.__schema.types) {
    const typeScopes = scopesOf(type.requiredAccess);
    if (typeScopes.length) notes.types.set(type.name, typeScopes);
    for (const field of type.fields ?? []) {
      const fieldScopes = scopesOf(field.requiredAccess);
      if (fieldScopes.length) notes.fields.set(`${type.name}.${field.name}`, fieldScopes);
      if (field.protectedSubject && field.protectedContent)
        notes.protectedFields.set(`${type.name}.${field.name}`, {
          subject: field.protectedSubject,
          content: field.protectedContent,
        });
    }
  }
  cache.set(key, notes);
  return notes;
}

/**
 * The type-level requirements of every object type a document selects from: one list of alternatives per type.
 * (Field-level notes in the Customer Account API name the customer's authentication state, which the app does not
 * request; type-level notes name the scopes an app asks for in shopify.app.toml.)
 */
export function typeScopesNeeded(notes: AccessNotes, document: string): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  const typeInfo = new TypeInfo(notes.schema);
  visit(
    parse(document),
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        const named = type ? getNamedType(type) : null;
        if (named && isObjectType(named) && notes.types.has(named.name))
          needed.set(named.name, notes.types.get(named.name)!);
      },
    }),
  );
  return needed;
}

/** Shopify: a write scope implies the read scope of the same resource. */
export function grants(granted: Iterable<string>, anyOf: readonly string[]): boolean {
  const set = new Set(granted);
  return anyOf.some(
    (scope) => set.has(scope) || (scope.includes("read_") && set.has(scope.replace("read_", "write_"))),
  );
}

/** The scopes shopify.app.toml asks for (`[access_scopes] scopes = "a,b"`). */
export function appTomlScopes(tomlText = readFileSync(resolve(process.cwd(), "shopify.app.toml"), "utf8")): string[] {
  const section = tomlText.split(/^\[access_scopes\]\s*$/m)[1] ?? "";
  const value = /^\s*scopes\s*=\s*"([^"]*)"/m.exec(section)?.[1] ?? "";
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Shopify's answer to a document that selects something the app has no scope for (GraphQL errors, HTTP 200). */
export function accessDeniedErrors(needed: Map<string, string[]>, granted: readonly string[]) {
  const errors: { message: string; extensions: { code: string; requiredAccess: string } }[] = [];
  for (const [type, anyOf] of needed) {
    if (grants(granted, anyOf)) continue;
    const requiredAccess = anyOf.map((s) => `\`${s}\` access scope`).join(" or ");
    errors.push({
      message: `Access denied for ${type}. Required access: ${requiredAccess}.`,
      extensions: { code: "ACCESS_DENIED", requiredAccess },
    });
  }
  return errors;
}

/**
 * Every GraphQL document the app sends — found by scanning app/ for `#graphql` strings, so a new one cannot be
 * forgotten — must validate against the real Admin API 2026-07 schema shipped in @shopify/dev-mcp.
 * The backfill's bulk query (sent as a string variable) is validated too, with Shopify's bulk-query rules.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Kind, parse, validate, visit, type DocumentNode } from "graphql";
import { describe, expect, it } from "vitest";
import { backfillOrdersQuery } from "../../../app/platforms/shopify/graphql";
import { adminSchema } from "../../../simulators/shopify/graphql/schema";

const APP = new URL("../../../app/", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

function graphqlDocuments(): Array<{ file: string; name: string; text: string }> {
  const docs: Array<{ file: string; name: string; text: string }> = [];
  for (const file of sourceFiles(APP)) {
    for (const match of readFileSync(file, "utf8").matchAll(/`#graphql\n([\s\S]*?)`/g)) {
      // The bulk query template holds a placeholder filled at run time; validate it as sent.
      const text = match[1]!.replace("__FILTER__", "updated_at:>='2026-01-01T00:00:00.000Z'");
      const name = /(?:query|mutation)\s+(\w+)/.exec(text)?.[1] ?? "(anonymous)";
      docs.push({ file: file.slice(APP.length), name, text });
    }
  }
  return docs;
}

function connectionFields(doc: DocumentNode): { name: string; depth: number }[] {
  const found: { name: string; depth: number }[] = [];
  const stack: string[] = [];
  visit(doc, {
    Field: {
      enter(node) {
        stack.push(node.name.value);
        if (node.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "edges")) {
          found.push({ name: stack.join("."), depth: found.filter((f) => stack.join(".").startsWith(f.name)).length });
        }
      },
      leave() {
        stack.pop();
      },
    },
  });
  return found;
}

describe("GraphQL documents against the Admin API 2026-07 schema", () => {
  const schema = adminSchema();
  const docs = graphqlDocuments();

  it("finds the app's documents", () => {
    expect(docs.map((d) => d.name)).toEqual(
      expect.arrayContaining(["CicloBackfillOrders", "CicloRunBulkQuery", "CicloBulkOperationStatus", "CicloShopInfo"]),
    );
  });

  it.each(docs.map((d) => [d.name, d] as const))("%s is valid", (_name, doc) => {
    const errors = validate(schema, parse(doc.text)).map((e) => e.message);
    expect(errors, `${doc.file}: ${doc.name}`).toEqual([]);
  });

  it.each([
    ["full history", null],
    ["since a date", new Date("2026-05-01T00:00:00Z")],
  ])("the bulk backfill query (%s) is valid and follows Shopify's bulk rules", (_label, since) => {
    const text = backfillOrdersQuery(since);
    const doc = parse(text);
    expect(validate(schema, doc).map((e) => e.message)).toEqual([]);
    const connections = connectionFields(doc);
    // One root connection, at most 5 connections in all, nested at most two levels deep.
    expect(connections[0]?.name).toBe("orders");
    expect(connections.filter((c) => c.depth === 0)).toHaveLength(1);
    expect(connections.length).toBeLessThanOrEqual(5);
    expect(Math.max(...connections.map((c) => c.depth))).toBeLessThanOrEqual(2);
    if (since) expect(text).toContain(`updated_at:>='${since.toISOString()}'`);
  });

  it("a document with an unknown field fails validation (the check has teeth)", () => {
    const errors = validate(schema, parse("query { shop { name notAField } }"));
    expect(errors.length).toBeGreaterThan(0);
  });
});

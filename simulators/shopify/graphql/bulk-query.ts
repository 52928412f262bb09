/**
 * Bulk query validation and JSONL rendering (shopify.dev/docs/api/usage/bulk-operations/queries):
 * one top-level connection, at most 5 connections, nesting depth at most 2, and every node that has a nested
 * connection must select `id`. Each node of the top connection is one JSONL line with its scalars and inline
 * objects/lists; nodes of nested connections are separate lines carrying `"__parentId"` = the parent's gid,
 * written after their parent.
 */
import {
  getNamedType,
  GraphQLError,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { isConnectionType } from "./cost";
import { resolverFor, unsupported, type ResolverContext } from "./resolvers";

export class BulkQueryError extends Error {}

export interface PreparedBulkQuery {
  document: DocumentNode;
  rootField: FieldNode;
  rootType: GraphQLObjectType;
  fragments: Record<string, FragmentDefinitionNode>;
}

type JsonLine = Record<string, unknown>;

function* flatFields(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  typeName?: string,
): Generator<FieldNode> {
  if (!set) return;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) yield s;
    else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (!s.typeCondition || !typeName || s.typeCondition.name.value === typeName)
        yield* flatFields(s.selectionSet, fragments, typeName);
    } else {
      const f = fragments[s.name.value];
      if (f && (!typeName || f.typeCondition.name.value === typeName))
        yield* flatFields(f.selectionSet, fragments, typeName);
    }
  }
}

/** The node selection sets of a connection field (`edges { node {...} }` and/or `nodes {...}`). */
function nodeSelections(connField: FieldNode, fragments: Record<string, FragmentDefinitionNode>): SelectionSetNode[] {
  const sets: SelectionSetNode[] = [];
  for (const f of flatFields(connField.selectionSet, fragments)) {
    if (f.name.value === "nodes" && f.selectionSet) sets.push(f.selectionSet);
    if (f.name.value === "edges")
      for (const e of flatFields(f.selectionSet, fragments))
        if (e.name.value === "node" && e.selectionSet) sets.push(e.selectionSet);
  }
  return sets;
}

function mergeSets(sets: SelectionSetNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections: sets.flatMap((s) => s.selections) };
}

function connectionNodeType(type: GraphQLObjectType): GraphQLObjectType {
  const edge = getNamedType(type.getFields().edges!.type) as GraphQLObjectType;
  return getNamedType(edge.getFields().node!.type) as GraphQLObjectType;
}

export function prepareBulkQuery(schema: GraphQLSchema, query: string): PreparedBulkQuery {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    throw new BulkQueryError(`Invalid bulk query: ${(e as GraphQLError).message}`);
  }
  const errors = validate(schema, document);
  if (errors.length > 0) throw new BulkQueryError(`Invalid bulk query: ${errors[0]!.message}`);
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const op = operations[0];
  if (operations.length !== 1 || !op || op.kind !== Kind.OPERATION_DEFINITION)
    throw new BulkQueryError("Invalid bulk query: expected exactly one operation");
  if (op.operation !== "query")
    throw new BulkQueryError(
      "Invalid bulk query: bulkOperationRunQuery only accepts queries; use bulkOperationRunMutation for mutations",
    );
  const roots = [...flatFields(op.selectionSet, fragments)].filter((f) => f.name.value !== "__typename");
  if (roots.length !== 1)
    throw new BulkQueryError("Invalid bulk query: bulk queries must select exactly one top-level field");
  const rootField = roots[0] as FieldNode;
  const rootDef = schema.getQueryType()!.getFields()[rootField.name.value]!;
  const rootType = getNamedType(rootDef.type);
  if (!isConnectionType(rootType))
    throw new BulkQueryError("Invalid bulk query: Bulk queries must contain at least one connection.");

  // Connection count, nesting depth and `id` on parents of nested connections.
  let connections = 0;
  const missingId: string[] = [];
  const walk = (set: SelectionSetNode | undefined, type: GraphQLObjectType, depth: number) => {
    const fieldsHere = [...flatFields(set, fragments, type.name)];
    const nested: string[] = [];
    for (const f of fieldsHere) {
      const def = type.getFields()[f.name.value];
      if (!def) continue;
      const t = getNamedType(def.type);
      if (isConnectionType(t)) {
        connections++;
        nested.push(f.name.value);
        if (depth + 1 > 2)
          throw new BulkQueryError(
            "Invalid bulk query: Bulk queries cannot contain connections with a nesting depth greater than 2.",
          );
        const nodeType = connectionNodeType(t as GraphQLObjectType);
        walk(mergeSets(nodeSelections(f, fragments)), nodeType, depth + 1);
      } else if (isObjectType(t)) {
        walk(f.selectionSet, t, depth);
      }
    }
    if (depth > 0 && nested.length > 0 && !fieldsHere.some((f) => f.name.value === "id" && !f.alias))
      missingId.push(...nested);
  };
  connections = 1;
  walk(mergeSets(nodeSelections(rootField, fragments)), connectionNodeType(rootType as GraphQLObjectType), 1);
  if (connections > 5)
    throw new BulkQueryError("Invalid bulk query: Bulk queries cannot contain more than 5 connections.");
  if (missingId.length > 0)
    throw new BulkQueryError(
      `Invalid bulk query: The parent 'node' field for a nested connection must select the 'id' field without an alias. Connection fields without 'id': ${missingId.join(", ")}.`,
    );
  if (!resolverFor(schema.getQueryType()!.name, rootField.name.value))
    throw new BulkQueryError(
      `Invalid bulk query: the local Shopify simulator does not support bulk queries over '${rootField.name.value}'`,
    );
  return { document, rootField, rootType: rootType as GraphQLObjectType, fragments };
}

function args(field: FieldNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of field.arguments ?? []) out[a.name.value] = valueFromASTUntyped(a.value);
  return out;
}

/** A rendered node plus the nested connection lines that belong after it. */
export interface RenderedNode {
  line: JsonLine;
  children: JsonLine[];
}

interface RenderEnv {
  ctx: ResolverContext;
  fragments: Record<string, FragmentDefinitionNode>;
}

function resolve(typeName: string, field: FieldNode, source: unknown, env: RenderEnv): unknown {
  const r = resolverFor(typeName, field.name.value);
  if (!r) throw unsupported(typeName, field.name.value);
  return r(source, args(field), env.ctx);
}

function renderValue(
  type: GraphQLOutputType,
  field: FieldNode,
  value: unknown,
  env: RenderEnv,
  parentId: string | null,
  children: JsonLine[],
): unknown {
  if (value === null || value === undefined) return null;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner))
    return (value as unknown[]).map((v) => renderValue(inner.ofType, field, v, env, parentId, children));
  if (isLeafType(inner)) return value;
  return renderObject(field.selectionSet, inner as GraphQLObjectType, value, env, parentId, children);
}

/**
 * Renders one object's selection. Nested connections are not inlined: their nodes go to `children` with
 * `__parentId` (the closest enclosing node's id), followed by their own children.
 */
function renderObject(
  set: SelectionSetNode | undefined,
  type: GraphQLObjectType,
  source: unknown,
  env: RenderEnv,
  parentId: string | null,
  children: JsonLine[],
): JsonLine {
  const out: JsonLine = {};
  const fieldsHere = [...flatFields(set, env.fragments, type.name)];
  const ownId = fieldsHere.some((f) => f.name.value === "id")
    ? (resolverFor(type.name, "id")?.(source, {}, env.ctx) as string | undefined)
    : undefined;
  for (const field of fieldsHere) {
    const key = field.alias?.value ?? field.name.value;
    if (field.name.value === "__typename") {
      out[key] = type.name;
      continue;
    }
    const def = type.getFields()[field.name.value]!;
    const named = getNamedType(def.type);
    const value = resolve(type.name, field, source, env);
    if (isConnectionType(named)) {
      const nodeType = connectionNodeType(named as GraphQLObjectType);
      const selection = mergeSets(nodeSelections(field, env.fragments));
      const conn = value as { items: unknown[] };
      for (const item of conn.items) {
        const grand: JsonLine[] = [];
        const line = renderObject(selection, nodeType, item, env, ownId ?? parentId, grand);
        line.__parentId = ownId ?? parentId;
        children.push(line, ...grand);
      }
      continue;
    }
    out[key] = renderValue(def.type, field, value, env, ownId ?? parentId, children);
  }
  return out;
}

/** Resolves the root connection (all matching nodes, in the requested sort order). */
export function rootNodes(prepared: PreparedBulkQuery, ctx: ResolverContext): unknown[] {
  const env: RenderEnv = { ctx, fragments: prepared.fragments };
  const conn = resolve(ctx.shop ? "QueryRoot" : "QueryRoot", prepared.rootField, null, env) as { items: unknown[] };
  return conn.items;
}

export function renderRootNode(prepared: PreparedBulkQuery, node: unknown, ctx: ResolverContext): RenderedNode {
  const env: RenderEnv = { ctx, fragments: prepared.fragments };
  const children: JsonLine[] = [];
  const nodeType = connectionNodeType(prepared.rootType);
  const line = renderObject(
    mergeSets(nodeSelections(prepared.rootField, prepared.fragments)),
    nodeType,
    node,
    env,
    null,
    children,
  );
  return { line, children };
}

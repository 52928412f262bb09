/**
 * Calculated query cost, as shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits describes it:
 * scalars and enums 0, objects 1, connections 2 + (first|last) x the cost of one node, mutations 10.
 * The requested cost is computed from the document before execution; the actual cost from the data returned
 * (connections that return fewer nodes cost less, a null object's children cost nothing).
 */
import {
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export const MUTATION_COST = 10;
export const MAX_SINGLE_QUERY_COST = 1000;

export function isConnectionType(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith("Connection") && "edges" in type.getFields();
}

interface CostContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

function pageSize(field: FieldNode, variables: Record<string, unknown>): number | null {
  for (const name of ["first", "last"]) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    const v = argValue(arg?.value, variables);
    if (typeof v === "number") return v;
  }
  return null;
}

/** Fields selected directly (inline fragments and fragment spreads flattened). */
function* fields(set: SelectionSetNode | undefined, ctx: CostContext): Generator<FieldNode> {
  if (!set) return;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) yield s;
    else if (s.kind === Kind.INLINE_FRAGMENT) yield* fields(s.selectionSet, ctx);
    else {
      const frag = ctx.fragments[s.name.value];
      if (frag) yield* fields(frag.selectionSet, ctx);
    }
  }
}

function fieldDef(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || "getFields" in parent ? (parent as GraphQLObjectType).getFields()[name] : undefined;
}

/** Cost of a selection set on `parent`; with `data`, the actual cost of what was returned. */
function selectionCost(
  set: SelectionSetNode | undefined,
  parent: GraphQLNamedType,
  ctx: CostContext,
  data?: unknown,
  actual = false,
): number {
  let total = 0;
  for (const field of fields(set, ctx)) {
    if (field.name.value === "__typename") continue;
    const def = fieldDef(parent, field.name.value);
    if (!def) continue;
    const type = getNamedType(def.type);
    if (isLeafType(type)) continue;
    const key = field.alias?.value ?? field.name.value;
    const value = actual && data && typeof data === "object" ? (data as Record<string, unknown>)[key] : undefined;
    total += fieldCost(field, type, ctx, value, actual);
  }
  return total;
}

function fieldCost(
  field: FieldNode,
  type: GraphQLNamedType,
  ctx: CostContext,
  value: unknown,
  actual: boolean,
): number {
  if (isConnectionType(type)) {
    const conn = type as GraphQLObjectType;
    const edgeType = getNamedType(conn.getFields().edges!.type) as GraphQLObjectType;
    const nodeType = getNamedType(edgeType.getFields().node!.type);
    const nodeSelections: { set: SelectionSetNode | undefined; pick: (v: Record<string, unknown>) => unknown[] }[] = [];
    for (const f of fields(field.selectionSet, ctx)) {
      const key = f.alias?.value ?? f.name.value;
      if (f.name.value === "nodes")
        nodeSelections.push({ set: f.selectionSet, pick: (v) => (v[key] as unknown[]) ?? [] });
      if (f.name.value === "edges")
        for (const e of fields(f.selectionSet, ctx))
          if (e.name.value === "node") {
            const nodeKey = e.alias?.value ?? "node";
            nodeSelections.push({
              set: e.selectionSet,
              pick: (v) => ((v[key] as Record<string, unknown>[]) ?? []).map((edge) => edge?.[nodeKey]),
            });
          }
    }
    let cost = 2;
    if (actual) {
      if (value && typeof value === "object")
        for (const sel of nodeSelections)
          for (const node of sel.pick(value as Record<string, unknown>))
            cost += 1 + selectionCost(sel.set, nodeType, ctx, node, true);
    } else {
      const n = pageSize(field, ctx.variables) ?? 0;
      const perNode = nodeSelections.reduce(
        (s, sel) => Math.max(s, 1 + selectionCost(sel.set, nodeType, ctx)),
        nodeSelections.length ? 0 : 1,
      );
      cost += n * perNode;
    }
    return cost;
  }
  // Plain object (or list of objects): 1, plus children; an actual null costs just the 1.
  if (actual) {
    if (value === null || value === undefined) return 1;
    if (Array.isArray(value))
      return value.reduce((s: number, v) => s + 1 + selectionCost(field.selectionSet, type, ctx, v, true), 0) || 1;
    return 1 + selectionCost(field.selectionSet, type, ctx, value, true);
  }
  return 1 + selectionCost(field.selectionSet, type, ctx);
}

export interface QueryCost {
  requested: number;
  actual: (data: unknown) => number;
}

export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryCost {
  const ctx: CostContext = { schema, fragments, variables };
  if (operation.operation === "mutation") {
    const count = [...fields(operation.selectionSet, ctx)].filter((f) => f.name.value !== "__typename").length;
    return { requested: MUTATION_COST * count, actual: () => MUTATION_COST * count };
  }
  const root = schema.getQueryType()!;
  return {
    requested: selectionCost(operation.selectionSet, root, ctx),
    actual: (data) => selectionCost(operation.selectionSet, root, ctx, data, true),
  };
}

/** Connection fields selected without first/last (Shopify requires one of them outside bulk queries). */
export function unpaginatedConnections(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): FieldNode[] {
  const ctx: CostContext = { schema, fragments, variables };
  const found: FieldNode[] = [];
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLNamedType) => {
    for (const f of fields(set, ctx)) {
      const def = fieldDef(parent, f.name.value);
      if (!def) continue;
      const type = getNamedType(def.type);
      if (isConnectionType(type) && pageSize(f, variables) === null) found.push(f);
      if (!isLeafType(type)) walk(f.selectionSet, type);
    }
  };
  const root = operation.operation === "mutation" ? schema.getMutationType()! : schema.getQueryType()!;
  walk(operation.selectionSet, root);
  return found;
}

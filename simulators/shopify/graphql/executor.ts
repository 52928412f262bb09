/**
 * Executes one Admin GraphQL request the way Shopify answers it: parse and validate against the real 2026-07
 * schema, compute the requested cost, enforce the single-query limit and the leaky bucket, execute with the
 * resolver map, refund the difference to the actual cost, and attach `extensions.cost` to every answer.
 * GraphQL-level failures (syntax, validation, THROTTLED) are HTTP 200 with an `errors` array, as on Shopify.
 */
import {
  execute,
  getNamedType,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type OperationDefinitionNode,
} from "graphql";
import { accessError } from "./access";
import { MAX_SINGLE_QUERY_COST, queryCost, unpaginatedConnections } from "./cost";
import { ConnectionArgumentError } from "./connection";
import { resolverFor, unsupported, type ResolverContext } from "./resolvers";
import { adminSchema } from "./schema";
import type { LeakyBucket } from "./throttle";

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

interface ShopifyError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface GraphqlResponse {
  data?: unknown;
  errors?: ShopifyError[];
  extensions?: Record<string, unknown>;
}

/** graphql-js validation messages rephrased the way Shopify's (graphql-ruby) server words them. */
function shopifyValidationError(e: GraphQLError): ShopifyError {
  const base = { locations: e.locations ? [...e.locations] : undefined };
  let m = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(e.message);
  if (m)
    return {
      ...base,
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      path: undefined,
      extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] },
    };
  m = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/.exec(e.message);
  if (m)
    return {
      ...base,
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] },
    };
  m = /^Field "(\w+)" argument "(\w+)" of type "([^"]+)" is required/.exec(e.message);
  if (m)
    return {
      ...base,
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] },
    };
  m = /^Unknown type "(\w+)"/.exec(e.message);
  if (m)
    return {
      ...base,
      message: `No such type ${m[1]}, so it can't be a fragment condition`,
      extensions: { code: "undefinedType", typeName: m[1] },
    };
  m = /^Variable "\$(\w+)" of required type "([^"]+)" was not provided/.exec(e.message);
  if (m)
    return {
      ...base,
      message: `Variable $${m[1]} of type ${m[2]} was provided invalid value`,
      extensions: { code: "variableMismatch", value: null },
    };
  return { ...base, message: e.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
}

/**
 * Resolves every field through the resolver map (also used by the bulk mutation runner), after the shop's access
 * check: scopes and protected customer data (access.ts).
 */
export const fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, ctx, info) => {
  const denied = accessError(ctx.shop.auth, info.parentType.name, info.fieldName, getNamedType(info.returnType));
  if (denied) throw denied;
  const r = resolverFor(info.parentType.name, info.fieldName);
  if (!r) throw unsupported(info.parentType.name, info.fieldName);
  try {
    return r(source, args, ctx);
  } catch (e) {
    if (e instanceof ConnectionArgumentError)
      throw new GraphQLError(e.message, { extensions: { code: "BAD_REQUEST" } });
    throw e;
  }
};

export interface ExecuteInput {
  ctx: Omit<ResolverContext, "searchWarnings" | "unbounded">;
  bucket: LeakyBucket;
  body: GraphqlRequestBody;
  /** Told the top-level field names of a valid operation (for per-shop call statistics). */
  observeRootFields?: (names: string[]) => void;
}

export async function executeAdminGraphql({
  ctx,
  bucket,
  body,
  observeRootFields,
}: ExecuteInput): Promise<GraphqlResponse> {
  const schema = adminSchema();
  if (typeof body.query !== "string" || body.query.trim() === "")
    return { errors: [{ message: "No query string was present" }] };
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (e) {
    const err = e as GraphQLError;
    return { errors: [{ message: err.message, locations: err.locations ? [...err.locations] : undefined }] };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0) return { errors: validationErrors.map(shopifyValidationError) };

  const variables =
    body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : {};
  const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation)
    return {
      errors: [{ message: operationName ? `No operation named "${operationName}"` : "An operation name is required" }],
    };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  observeRootFields?.(operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])));

  const unpaginated = unpaginatedConnections(schema, operation, fragments, variables);
  if (unpaginated.length > 0)
    return {
      errors: unpaginated.map((f) => ({
        message: "you must provide one of first or last",
        locations: f.loc ? [{ line: f.loc.startToken.line, column: f.loc.startToken.column }] : undefined,
        path: [f.name.value],
      })),
    };

  const cost = queryCost(schema, operation, fragments, variables);
  if (cost.requested > MAX_SINGLE_QUERY_COST)
    return {
      errors: [
        {
          message: `Query cost is ${cost.requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: cost.requested, maxCost: MAX_SINGLE_QUERY_COST },
        },
      ],
    };
  if (!bucket.tryTake(cost.requested))
    return {
      errors: [
        {
          message: "Throttled",
          extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
        },
      ],
      extensions: {
        cost: { requestedQueryCost: cost.requested, actualQueryCost: null, throttleStatus: bucket.status() },
      },
    };

  const context: ResolverContext = { ...ctx, unbounded: false, searchWarnings: [] };
  const result = await execute({
    schema,
    document,
    variableValues: variables,
    operationName,
    contextValue: context,
    fieldResolver,
  });
  const actual = Math.min(cost.requested, cost.actual(result.data ?? null));
  bucket.refund(cost.requested - actual);
  const response: GraphqlResponse = {};
  if (result.errors && result.errors.length > 0) response.errors = result.errors.map((e) => e.toJSON() as ShopifyError);
  response.data = result.data ?? null;
  response.extensions = {
    cost: { requestedQueryCost: cost.requested, actualQueryCost: actual, throttleStatus: bucket.status() },
  };
  if (context.searchWarnings.length > 0)
    response.extensions.search = context.searchWarnings.map((w) => ({
      path: [w.path],
      query: w.query,
      warnings: w.warnings,
    }));
  return response;
}

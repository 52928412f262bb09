/**
 * Access control as Shopify applies it to the Admin API, driven by the real 2026-07 introspection's own notes
 * (`requiredAccess` on types and fields, `protectedSubject`/`protectedContent` on customer data fields):
 *
 * - Scopes (https://shopify.dev/docs/api/usage/access-scopes): a field whose note, or whose object type's note,
 *   names scopes the merchant did not grant is denied; a write scope implies its read scope. The error is
 *   Shopify's (changelog "New error messages for GraphQL operations without necessary access scopes"):
 *   `Access denied for <field> field. Required access: <note>` with `extensions.code: ACCESS_DENIED`,
 *   `documentation` and `requiredAccess`, the field itself null.
 * - Protected customer data (https://shopify.dev/docs/apps/launch/protected-customer-data): without approval the
 *   customer object is denied (level 1); without level 2, its name, email, phone and address fields are.
 * - Orders older than 60 days are invisible without `read_all_orders` (Order object note: "Only the last 60
 *   days' worth of orders from a store are accessible from the Order object by default").
 * - Mutations whose notes say "the same access level needed to mutate the owner" (metafieldsSet) or have no note
 *   (tagsAdd/tagsRemove) need the owner's write scope: write_customers for customers, the only owner modelled.
 */
import {
  getNamedType,
  GraphQLError,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { accessNotes, grants } from "../required-access";
import type { ShopAuth } from "../oauth";
import { isConnectionType } from "./cost";

export const ORDER_WINDOW_WITHOUT_READ_ALL_ORDERS_MS = 60 * 86_400_000;
const DOCUMENTATION = "https://shopify.dev/api/usage/access-scopes";
const OWNER_WRITE: Record<string, string[]> = {
  "Mutation.tagsAdd": ["write_customers"],
  "Mutation.tagsRemove": ["write_customers"],
  "Mutation.metafieldsSet": ["write_customers"],
};

function nodeType(type: GraphQLNamedType): GraphQLNamedType {
  if (!isConnectionType(type)) return type;
  const edge = getNamedType((type as GraphQLObjectType).getFields().edges!.type) as GraphQLObjectType;
  return getNamedType(edge.getFields().node!.type);
}

/** The scope alternatives a field needs: its own note, else its (node) type's. Empty = none. */
export function requiredScopes(parentType: string, fieldName: string, returnType: GraphQLNamedType): string[] {
  const notes = accessNotes("admin");
  const key = `${parentType}.${fieldName}`;
  const own = OWNER_WRITE[key] ?? notes.fields.get(key);
  if (own) return own;
  const target = nodeType(returnType);
  return isObjectType(target) ? (notes.types.get(target.name) ?? []) : [];
}

/** Null when allowed; otherwise the GraphQL error Shopify answers with. */
export function accessError(
  auth: ShopAuth,
  parentType: string,
  fieldName: string,
  returnType: GraphQLNamedType,
): GraphQLError | null {
  const scopes = requiredScopes(parentType, fieldName, returnType);
  if (scopes.length > 0 && !grants(auth.grantedScopes, scopes)) {
    const requiredAccess =
      scopes.length === 1
        ? `\`${scopes[0]}\` access scope.`
        : `Any of ${scopes.map((s) => `\`${s}\``).join(", ")} access scopes.`;
    return new GraphQLError(`Access denied for ${fieldName} field. Required access: ${requiredAccess}`, {
      extensions: { code: "ACCESS_DENIED", documentation: DOCUMENTATION, requiredAccess },
    });
  }
  const level = auth.protectedCustomerData;
  if (level === "level2") return null;
  const target = nodeType(returnType);
  const customerObject = isObjectType(target) && target.name === "Customer";
  const protectedField = accessNotes("admin").protectedFields.get(`${parentType}.${fieldName}`);
  if ((level === "none" && (customerObject || protectedField)) || (level === "level1" && protectedField)) {
    const what = protectedField ? `the customer's ${protectedField.content}` : "the Customer object";
    return new GraphQLError(
      `This app is not approved to access ${what} (protected customer data). See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.`,
      {
        extensions: {
          code: "ACCESS_DENIED",
          documentation: "https://shopify.dev/docs/apps/launch/protected-customer-data",
        },
      },
    );
  }
  return null;
}

/** Orders the app may see: all with read_all_orders, else those created in the last 60 days. */
export function orderVisible(auth: ShopAuth, createdAt: Date, now: Date): boolean {
  return auth.has("read_all_orders") || createdAt.getTime() >= now.getTime() - ORDER_WINDOW_WITHOUT_READ_ALL_ORDERS_MS;
}

/**
 * The first field of a document the shop's app may not read, or null. A bulk query with one fails as a whole with
 * `errorCode: ACCESS_DENIED` (BulkOperationErrorCode: "returned access denied due to missing access scopes").
 */
export function firstDeniedField(schema: GraphQLSchema, document: DocumentNode, auth: ShopAuth): GraphQLError | null {
  let denied: GraphQLError | null = null;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (denied) return;
        const parent = typeInfo.getParentType();
        const type = typeInfo.getType();
        if (!parent || !type) return;
        denied = accessError(auth, parent.name, node.name.value, getNamedType(type));
      },
    }),
  );
  return denied;
}

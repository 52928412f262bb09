/**
 * What the survey needs to know about an order and its customer, in one query: the order's state (for NPS
 * readiness), who the customer is, their segment / stage / CLV from the latest recompute (stored with each
 * answer as "at answer time"), and whether this is their first counted order (for the first-order question set).
 */
import type { Db } from "../db.server";
import type { OrderDeliveryState } from "../domain/surveys/delivery";
import type { SurveyCustomerContext } from "../domain/surveys/question-sets";
import { LIFECYCLE_STAGES, type LifecycleStage } from "../domain/lifecycle";
import { RFM_SEGMENTS, type RfmSegment } from "../domain/segments";
import type { OrderOwnership } from "./order-binding";

export interface SurveyOrderContext {
  /** null when Ciclo does not know the order yet (thank-you pages can beat the order webhook). */
  order: OrderDeliveryState | null;
  /** Who the order belongs to, as the order itself says (for binding an answer to the caller). */
  ownership: OrderOwnership;
  customerId: string | null;
  customerExternalId: string | null;
  customer: SurveyCustomerContext;
  /** As stored in CustomerScore (slugs), for SurveyResponse.segmentAtAnswer / stageAtAnswer. */
  segmentSlug: string | null;
  stageSlug: string | null;
  /** Historic (net spend to date) CLV in minor units: always present once scored, unlike the prediction. */
  clvMinor: bigint | null;
}

export interface ContextRow {
  known: unknown;
  processedAt: unknown;
  cancelled: unknown;
  fulfillmentStatus: string | null;
  customerId: string | null;
  customerExternalId: string | null;
  segment: string | null;
  stage: string | null;
  clvMinor: unknown;
  earlierOrders: unknown;
  scoredOrders: unknown;
}

/** "Needs attention" -> "needs-attention", as the recompute stores them. */
const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
const SEGMENT_BY_SLUG = new Map<string, RfmSegment>(RFM_SEGMENTS.map((name) => [slug(name), name]));
const STAGE_BY_SLUG = new Map<string, LifecycleStage>(LIFECYCLE_STAGES.map((name) => [slug(name), name]));

const truthy = (value: unknown) => value === true || value === 1 || value === 1n || value === "1" || value === "t";
const toBigInt = (value: unknown): bigint | null =>
  value === null || value === undefined ? null : BigInt(value as bigint | number | string);
const toNumber = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
/** Prisma's SQLite timestamp text, a PostgreSQL Date, or epoch milliseconds (number or bigint). */
const toDate = (value: unknown): Date | null => {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(typeof value === "bigint" ? Number(value) : (value as string));
  return Number.isNaN(date.getTime()) ? null : date;
};

/** The context query for better-sqlite3 (named parameters); the Prisma query below is the same SQL. */
export const CONTEXT_SQL_SQLITE = `
  SELECT o."id" AS "known", o."processedAt" AS "processedAt",
         o."cancelled" AS "cancelled", o."fulfillmentStatus" AS "fulfillmentStatus",
         c."id" AS "customerId", COALESCE(c."externalId", o."customerExternalId") AS "customerExternalId",
         s."segment" AS "segment", s."stage" AS "stage", s."historicClvMinor" AS "clvMinor", s."orders" AS "scoredOrders",
         (SELECT COUNT(*) FROM "Order" p
           WHERE p."storeId" = @storeId AND p."customerId" = c."id" AND p."countsForValue" = 1
             AND p."externalId" <> @orderId AND (o."id" IS NULL OR p."processedAt" < o."processedAt")) AS "earlierOrders"
    FROM (SELECT 1 AS "one") AS "anchor"
    LEFT JOIN "Order" o ON o."storeId" = @storeId AND o."externalId" = @orderId AND o."deletedAt" IS NULL
    LEFT JOIN "Customer" c ON c."storeId" = @storeId AND c."deletedAt" IS NULL
         AND (c."id" = o."customerId" OR (o."id" IS NULL AND c."externalId" = @tokenCustomer))
    LEFT JOIN "CustomerScore" s ON s."storeId" = @storeId AND s."customerId" = c."id"
   LIMIT 1`;

/**
 * `customerExternalIdFromToken`: the logged-in customer of a session token (`sub`), used when the order is not
 * known yet. The order's own customer wins when both are known.
 */
export async function loadSurveyOrderContext(
  db: Db,
  storeId: string,
  orderId: string,
  customerExternalIdFromToken: string | null,
): Promise<SurveyOrderContext> {
  // One round trip: the order (if known), else the token's customer; their score; earlier counted orders.
  const rows = await db.$queryRaw<ContextRow[]>`
    SELECT o."id" AS "known", o."processedAt" AS "processedAt",
           o."cancelled" AS "cancelled", o."fulfillmentStatus" AS "fulfillmentStatus",
           c."id" AS "customerId", COALESCE(c."externalId", o."customerExternalId") AS "customerExternalId",
           s."segment" AS "segment", s."stage" AS "stage", s."historicClvMinor" AS "clvMinor", s."orders" AS "scoredOrders",
           (SELECT COUNT(*) FROM "Order" p
             WHERE p."storeId" = ${storeId} AND p."customerId" = c."id" AND p."countsForValue" = ${true}
               AND p."externalId" <> ${orderId} AND (o."id" IS NULL OR p."processedAt" < o."processedAt")) AS "earlierOrders"
      FROM (SELECT 1 AS "one") AS "anchor"
      LEFT JOIN "Order" o ON o."storeId" = ${storeId} AND o."externalId" = ${orderId} AND o."deletedAt" IS NULL
      LEFT JOIN "Customer" c ON c."storeId" = ${storeId} AND c."deletedAt" IS NULL
           AND (c."id" = o."customerId" OR (o."id" IS NULL AND c."externalId" = ${customerExternalIdFromToken ?? ""}))
      LEFT JOIN "CustomerScore" s ON s."storeId" = ${storeId} AND s."customerId" = c."id"
     LIMIT 1`;
  return toSurveyOrderContext(rows[0], customerExternalIdFromToken);
}

export function toSurveyOrderContext(
  row: ContextRow | undefined,
  customerExternalIdFromToken: string | null,
): SurveyOrderContext {
  const known = row?.known !== null && row?.known !== undefined;
  const segmentSlug = row?.segment ?? null;
  const stageSlug = row?.stage ?? null;
  const customerId = row?.customerId ?? null;
  return {
    order: known
      ? { cancelled: truthy(row!.cancelled), fulfillmentStatus: row!.fulfillmentStatus ?? null, fulfillments: [] }
      : null,
    ownership: {
      known,
      // For a known order the joined customer can only be the order's own (see the join above).
      customerExternalId: known ? (row!.customerExternalId ?? null) : null,
      processedAt: known ? toDate(row!.processedAt) : null,
    },
    customerId,
    customerExternalId: row?.customerExternalId ?? (known ? null : customerExternalIdFromToken),
    customer: {
      segment: segmentSlug ? (SEGMENT_BY_SLUG.get(segmentSlug) ?? null) : null,
      stage: stageSlug ? (STAGE_BY_SLUG.get(stageSlug) ?? null) : null,
      // Unknown guests are not assumed new: they get the default set rather than the long first-order one.
      // An order not synced yet is not in the last recompute either, so every order the score counted is earlier.
      isFirstOrder:
        customerId !== null && toNumber(row?.earlierOrders) === 0 && (known || toNumber(row?.scoredOrders) === 0),
    },
    segmentSlug,
    stageSlug,
    clvMinor: toBigInt(row?.clvMinor),
  };
}

/**
 * One page of a segment's members, sorted and filtered in the database: the segment's rows of CustomerScore (RFM
 * groups, lifecycle stages: segmentations stored in the score row; PostgreSQL through the (storeId, segment) or
 * (storeId, stage) index, SQLite through the store's primary-key range, decision 177), or for any other segmentation
 * the (storeId, segmentationId, segmentKey) index of CustomerSegment, then a top-N sort (no index is ordered by CLV:
 * docs/decisions/091). Offset pagination; the id breaks ties so pages never overlap or skip. Page size is fixed and the offset is capped, so no request
 * walks an unbounded number of rows, and each page is computed once per recompute (memo).
 */
import { Prisma } from "@prisma/client";
import type { Db } from "../db.server";
import { memberPageMemo } from "./memo.server";
import { MEMBER_SORTS, PAGE_SIZE, type MemberQuery } from "./member-query";
import { toMinorString, toNumber } from "../db/sql-values";
import { queryFragments } from "../db/dialect.server";
import { scoreRowColumns, type ScoreRowColumns } from "../db/score-row-segmentations.server";

export interface MemberRow {
  customerId: string;
  externalId: string;
  name: string;
  email: string | null;
  stage: string;
  orders: number;
  lastOrderAt: string | null;
  spendMinor: string;
  historicClvMinor: string;
  predictedClvMinor: string | null;
  pAlive: number | null;
}

export interface MemberPage {
  rows: MemberRow[];
  hasNext: boolean;
}

interface RawMember {
  customerId: string;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  stage: string;
  orders: unknown;
  lastOrderAt: Date | string | null;
  monetaryMinor: unknown;
  historicClvMinor: unknown;
  predictedClvMinor: unknown;
  pAlive: unknown;
}

/** ORDER BY with missing values last in both directions (same meaning on SQLite and PostgreSQL). */
function orderBy(query: MemberQuery): Prisma.Sql {
  const column = MEMBER_SORTS[query.sort].column;
  const direction = query.direction === "asc" ? "ASC" : "DESC";
  const tieBreak = query.direction === "asc" ? "ASC" : "DESC";
  return Prisma.raw(`${column} IS NULL, ${column} ${direction}, s."customerId" ${tieBreak}`);
}

/**
 * Member pages change only when a recompute rewrites the scores, so each (segment, query) page is computed
 * once per run: without a (storeId, segment, sort column) index, sorting a 180,000-customer segment costs
 * ~150 ms on SQLite (docs/decisions/061-admin-read-path.md).
 */
export function segmentMembers(
  db: Db,
  storeId: string,
  segmentSlug: string,
  query: MemberQuery,
  runVersion: string,
  segmentationId: string | null = null,
): Promise<MemberPage> {
  const key = `${storeId}:${segmentationId ?? ""}:${segmentSlug}:${query.sort}:${query.direction}:${query.stage ?? ""}:${query.page}`;
  return memberPageMemo.get(key, runVersion, () =>
    segmentationId === null
      ? readMembers(db, storeId, segmentSlug, query)
      : readSegmentationMembers(db, storeId, segmentationId, segmentSlug, query),
  );
}

/** The RFM group's members from the score table's rows (the Segment page). */
export function readMembers(db: Db, storeId: string, segmentSlug: string, query: MemberQuery): Promise<MemberPage> {
  return readScoreRowMembers(db, storeId, "segment", segmentSlug, query);
}

/** The members of a segment kept in a score column. */
function readScoreRowMembers(
  db: Db,
  storeId: string,
  column: ScoreRowColumns["key"],
  key: string,
  query: MemberQuery,
): Promise<MemberPage> {
  return readPage(
    db,
    Prisma.sql`FROM "CustomerScore" s WHERE s."storeId" = ${storeId} AND s.${Prisma.raw(`"${column}"`)} = ${key}`,
    query,
  );
}

/**
 * The members of `segmentKey` in any segmentation: straight from the score rows when the segmentation is stored
 * there, else its customers through the (storeId, segmentationId, segmentKey) index of CustomerSegment, each joined
 * to its score row by (storeId, customerId).
 */
export function readSegmentationMembers(
  db: Db,
  storeId: string,
  segmentationId: string,
  segmentKey: string,
  query: MemberQuery,
): Promise<MemberPage> {
  const columns = scoreRowColumns(segmentationId);
  if (columns) return readScoreRowMembers(db, storeId, columns.key, segmentKey, query);
  return readPage(
    db,
    Prisma.sql`FROM "CustomerSegment" g
      JOIN "CustomerScore" s ON s."storeId" = g."storeId" AND s."customerId" = g."customerId"
      WHERE g."storeId" = ${storeId} AND g."segmentationId" = ${segmentationId} AND g."segmentKey" = ${segmentKey}`,
    query,
  );
}

/** `members`: the FROM and WHERE clauses that pick the score rows (alias s) of one store's segment. */
async function readPage(db: Db, members: Prisma.Sql, query: MemberQuery): Promise<MemberPage> {
  const stageFilter = query.stage ? Prisma.sql`AND s."stage" = ${query.stage}` : Prisma.empty;
  const offset = (query.page - 1) * PAGE_SIZE;
  // One extra row tells whether there is a next page without counting the segment.
  const rows = await queryFragments<RawMember[]>(
    db,
    Prisma.sql`
    SELECT s."customerId" AS "customerId", c."externalId" AS "externalId", c."firstName" AS "firstName",
      c."lastName" AS "lastName", c."email" AS "email", s."stage" AS "stage", s."orders" AS "orders",
      s."lastOrderAt" AS "lastOrderAt", s."monetaryMinor" AS "monetaryMinor",
      s."historicClvMinor" AS "historicClvMinor", s."predictedClvMinor" AS "predictedClvMinor", s."pAlive" AS "pAlive"
    FROM (
      SELECT s."storeId", s."customerId", s."stage", s."orders", s."lastOrderAt", s."monetaryMinor",
        s."historicClvMinor", s."predictedClvMinor", s."pAlive"
      ${members} ${stageFilter}
      ORDER BY ${orderBy(query)}
      LIMIT ${PAGE_SIZE + 1} OFFSET ${offset}
    ) s
    LEFT JOIN "Customer" c ON c."id" = s."customerId" AND c."storeId" = s."storeId"
    ORDER BY ${orderBy(query)}`,
  );
  const page = rows.slice(0, PAGE_SIZE).map((row) => ({
    customerId: row.customerId,
    externalId: row.externalId ?? "",
    name: [row.firstName, row.lastName].filter(Boolean).join(" ") || row.email || "(no name)",
    email: row.email,
    stage: row.stage,
    orders: toNumber(row.orders),
    lastOrderAt: row.lastOrderAt === null ? null : new Date(row.lastOrderAt).toISOString(),
    spendMinor: toMinorString(row.monetaryMinor),
    historicClvMinor: toMinorString(row.historicClvMinor),
    predictedClvMinor: row.predictedClvMinor === null ? null : toMinorString(row.predictedClvMinor),
    pAlive: row.pAlive === null ? null : toNumber(row.pAlive),
  }));
  return { rows: page, hasNext: rows.length > PAGE_SIZE };
}

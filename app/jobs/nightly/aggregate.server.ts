/**
 * Per-customer aggregates for the nightly recompute, computed in the database (SQL grouping), one page of
 * customers at a time, straight into typed arrays — never every order row as a JS object.
 * Which orders count is the domain's rule (app/domain/orders.ts), stored as Order.countsForValue plus
 * "not fully refunded". Days are the store's calendar days.
 */
import type { Db } from "../../db.server";
import { bindNamed, isTrue, sqliteOffset, storeDayExpression, type Dialect } from "../../db/sql.server";

export type { Dialect } from "../../db/sql.server";

export interface CustomerTable {
  size: number;
  ids: string[];
  externalIds: string[];
  /** Counted orders (RFM frequency); 0 = no counted orders (Prospect). */
  orders: Float64Array;
  purchaseDays: Float64Array;
  firstDay: Float64Array;
  lastDay: Float64Array;
  totalSpend: Float64Array;
  repeatSpendMean: Float64Array;
  repeatSpendDays: Float64Array;
  previousSegment: (string | null)[];
  previousStage: (string | null)[];
}

interface Row {
  id: string;
  externalId: string;
  orders: number | bigint | null;
  purchaseDays: number | bigint | null;
  firstDay: number | bigint | null;
  lastDay: number | bigint | null;
  total: number | bigint | string | null;
  firstSpend: number | bigint | string | null;
  repeatSpendDays: number | bigint | null;
  prevSegment: string | null;
  prevStage: string | null;
}

function pageSql(dialect: Dialect): string {
  // Parameters: $store, $after (customer id), $limit, $reference (processedAt cut-off), $offset or $tz.
  const counted = isTrue(dialect, `o."countsForValue"`);
  const sql = `
    WITH page AS (
      SELECT c."id", c."externalId" FROM "Customer" c
      WHERE c."storeId" = $store AND c."deletedAt" IS NULL AND c."id" > $after
      ORDER BY c."id" LIMIT $limit
    ),
    days AS (
      SELECT o."customerId" AS cid, ${storeDayExpression(dialect, `o."processedAt"`)} AS day, SUM(o."netMinor") AS spend, COUNT(*) AS n
      FROM "Order" o
      WHERE o."storeId" = $store AND o."customerId" IN (SELECT "id" FROM page)
        AND o."deletedAt" IS NULL AND ${counted} AND (o."netMinor" > 0 OR o."grossMinor" = 0)
        AND o."processedAt" <= $reference
      GROUP BY o."customerId", day
    ),
    ranked AS (
      SELECT cid, day, spend, n,
        FIRST_VALUE(spend) OVER (PARTITION BY cid ORDER BY day) AS first_spend,
        MIN(day) OVER (PARTITION BY cid) AS first_day
      FROM days
    ),
    per AS (
      SELECT cid, SUM(n) AS orders, COUNT(*) AS purchase_days, MIN(day) AS first_day, MAX(day) AS last_day,
        SUM(spend) AS total, MAX(first_spend) AS first_spend,
        SUM(CASE WHEN day > first_day AND spend > 0 THEN 1 ELSE 0 END) AS repeat_spend_days
      FROM ranked GROUP BY cid
    )
    SELECT page."id" AS "id", page."externalId" AS "externalId", per.orders AS "orders",
      per.purchase_days AS "purchaseDays", per.first_day AS "firstDay", per.last_day AS "lastDay",
      per.total AS "total", per.first_spend AS "firstSpend", per.repeat_spend_days AS "repeatSpendDays",
      s."segment" AS "prevSegment", s."stage" AS "prevStage"
    FROM page
    LEFT JOIN per ON per.cid = page."id"
    LEFT JOIN "CustomerScore" s ON s."storeId" = $store AND s."customerId" = page."id"
    ORDER BY page."id"`;
  return sql;
}

const num = (v: number | bigint | string | null) => (v === null ? 0 : Number(v));

export interface AggregateOptions {
  dialect: Dialect;
  storeId: string;
  timeZone: string;
  /** Orders processed after this instant are left out (the reference date of the run). */
  reference: Date;
  /** UTC offset for SQLite, which has no time-zone database (PostgreSQL uses the zone itself). */
  utcOffsetMinutes: number;
  pageSize?: number;
}

export async function aggregateCustomers(db: Db, options: AggregateOptions): Promise<CustomerTable> {
  const pageSize = options.pageSize ?? 50_000;
  const ids: string[] = [];
  const externalIds: string[] = [];
  const cols = {
    orders: [] as number[],
    purchaseDays: [] as number[],
    firstDay: [] as number[],
    lastDay: [] as number[],
    totalSpend: [] as number[],
    repeatSpendMean: [] as number[],
    repeatSpendDays: [] as number[],
  };
  const previousSegment: (string | null)[] = [];
  const previousStage: (string | null)[] = [];
  const sql = pageSql(options.dialect);
  const offset = sqliteOffset(options.utcOffsetMinutes);
  let after = "";
  for (;;) {
    const [text, values] = bindNamed(sql, options.dialect, {
      store: options.storeId,
      after,
      limit: pageSize,
      reference: options.reference,
      offset,
      tz: options.timeZone,
    });
    const rows = await db.$queryRawUnsafe<Row[]>(text, ...values);
    for (const r of rows) {
      ids.push(r.id);
      externalIds.push(r.externalId);
      const days = num(r.purchaseDays);
      const total = num(r.total);
      cols.orders.push(num(r.orders));
      cols.purchaseDays.push(days);
      cols.firstDay.push(num(r.firstDay));
      cols.lastDay.push(num(r.lastDay));
      cols.totalSpend.push(total);
      cols.repeatSpendMean.push(days > 1 ? (total - num(r.firstSpend)) / (days - 1) : 0);
      cols.repeatSpendDays.push(num(r.repeatSpendDays));
      previousSegment.push(r.prevSegment);
      previousStage.push(r.prevStage);
    }
    if (rows.length < pageSize) break;
    after = rows[rows.length - 1]!.id;
  }
  return {
    size: ids.length,
    ids,
    externalIds,
    orders: Float64Array.from(cols.orders),
    purchaseDays: Float64Array.from(cols.purchaseDays),
    firstDay: Float64Array.from(cols.firstDay),
    lastDay: Float64Array.from(cols.lastDay),
    totalSpend: Float64Array.from(cols.totalSpend),
    repeatSpendMean: Float64Array.from(cols.repeatSpendMean),
    repeatSpendDays: Float64Array.from(cols.repeatSpendDays),
    previousSegment,
    previousStage,
  };
}

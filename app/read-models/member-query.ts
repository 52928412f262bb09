/** The Segment members table's query (sort, direction, page, stage filter), shared by page and server. */
import { isStageSlug } from "../domain/names";

export const MEMBER_SORTS = {
  "predicted-clv": { column: `s."predictedClvMinor"`, label: "Predicted value (next 12 months)" },
  "historic-clv": { column: `s."historicClvMinor"`, label: "Historic value" },
  spend: { column: `s."monetaryMinor"`, label: "Total spend" },
  orders: { column: `s."orders"`, label: "Orders" },
  "last-order": { column: `s."lastOrderAt"`, label: "Last order" },
  "p-alive": { column: `s."pAlive"`, label: "Chance still a customer" },
} as const;

export type MemberSort = keyof typeof MEMBER_SORTS;
export const PAGE_SIZE = 50;
/** Beyond this, use the CSV export: nobody pages through 500 pages of a table. */
export const MAX_PAGE = 500;

export interface MemberQuery {
  sort: MemberSort;
  direction: "asc" | "desc";
  page: number;
  stage: string | null;
}

export function parseMemberQuery(params: URLSearchParams): MemberQuery {
  const sort = params.get("sort");
  const direction = params.get("direction");
  const page = Number(params.get("page") ?? "1");
  const stage = params.get("stage");
  return {
    sort: sort && sort in MEMBER_SORTS ? (sort as MemberSort) : "predicted-clv",
    direction: direction === "asc" ? "asc" : "desc",
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
    stage: stage && isStageSlug(stage) ? stage : null,
  };
}

-- Nothing on PostgreSQL: it keeps the score table's (storeId, segment) and (storeId, stage) indexes, which its
-- planner uses for segment member pages. SQLite drops them in its migration of the same name
-- (docs/decisions/177-sqlite-score-rows-without-segment-indexes.md).
SELECT 1;

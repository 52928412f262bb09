-- SQLite only: the score table keeps no (storeId, segment) or (storeId, stage) index. SQLite's planner reads a
-- segment's member page through the primary key (the store's rows, then a top-N sort) whether the index exists or
-- not, so the indexes served only the per-segment counts (memoised once per run); keeping them up to date cost
-- 1.5 s of the nightly write at a million customers (docs/decisions/177-sqlite-score-rows-without-segment-indexes.md).
-- PostgreSQL keeps both: its planner uses them.
DROP INDEX IF EXISTS "CustomerScore_storeId_segment_idx";
DROP INDEX IF EXISTS "CustomerScore_storeId_stage_idx";

-- The tag outbox holds pages of up to 1,000 customers' changes instead of a row each
-- (docs/decisions/176-tag-outbox-pages.md). Items still waiting become pending pages, refused ones settled pages
-- that keep their reasons (the Sync page lists them); applied items are history (CustomerLabels holds what they
-- confirmed) and go. Metafields stay the JSON text they were (compared as text with the confirmed labels). Item i of
-- a page is answered by character i of its outcomes: both are ordered by item id. The long texts are the last
-- columns: SQLite reads a row's columns in order, through the overflow pages of any text before the one it wants.
CREATE TABLE "TagOutboxPage" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "runId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "size" INTEGER NOT NULL,
    "outcomes" TEXT NOT NULL,
    "applied" INTEGER NOT NULL DEFAULT 0,
    "notFound" INTEGER NOT NULL DEFAULT 0,
    "userErrors" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),
    "problems" TEXT,
    "items" TEXT NOT NULL,

    CONSTRAINT "TagOutboxPage_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TagOutboxPage_storeId_state_id_idx" ON "TagOutboxPage"("storeId", "state", "id");

INSERT INTO "TagOutboxPage" ("id", "storeId", "runId", "state", "size", "items", "outcomes", "notFound",
  "userErrors", "problems", "createdAt", "settledAt")
SELECT min("id"), "storeId", max("runId"), CASE WHEN "refused" THEN 'settled' ELSE 'pending' END, count(*)::int,
  json_agg(json_build_array("customerId", "customerExternalId", "add"::json, "remove"::json, "metafields")
    ORDER BY "id")::text,
  string_agg("outcome", '' ORDER BY "id"), count(*) FILTER (WHERE "state" = 'not_found')::int,
  count(*) FILTER (WHERE "state" = 'user_error')::int,
  CASE WHEN "refused" THEN json_agg(json_build_object('customerExternalId', "customerExternalId", 'state', "state",
    'error', "error") ORDER BY "id")::text END,
  min("createdAt"), max("appliedAt")
FROM (
  SELECT *, "state" <> 'pending' AS "refused",
    CASE "state" WHEN 'pending' THEN '.' WHEN 'not_found' THEN 'n' ELSE 'u' END AS "outcome",
    (row_number() OVER (PARTITION BY "storeId", "state" <> 'pending' ORDER BY "id") - 1) / 1000 AS "page"
  FROM "TagOutboxItem" WHERE "state" IN ('pending', 'not_found', 'user_error')
) i
GROUP BY "storeId", "refused", "page";

DROP TABLE "TagOutboxItem";

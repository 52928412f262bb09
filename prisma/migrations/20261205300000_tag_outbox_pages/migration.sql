-- The tag outbox holds pages of up to 1,000 customers' changes instead of a row each
-- (docs/decisions/176-tag-outbox-pages.md). Items still waiting become pending pages, refused ones settled pages
-- that keep their reasons (the Sync page lists them); applied items are history (CustomerLabels holds what they
-- confirmed) and go. Metafields stay the JSON text they were (compared as text with the confirmed labels). Item i of
-- a page is answered by character i of its outcomes: both are aggregated in one pass. The long texts are the last
-- columns: SQLite reads a row's columns in order, through the overflow pages of any text before the one it wants.
CREATE TABLE "TagOutboxPage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "runId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "size" INTEGER NOT NULL,
    "outcomes" TEXT NOT NULL,
    "applied" INTEGER NOT NULL DEFAULT 0,
    "notFound" INTEGER NOT NULL DEFAULT 0,
    "userErrors" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" DATETIME,
    "problems" TEXT,
    "items" TEXT NOT NULL
);
CREATE INDEX "TagOutboxPage_storeId_state_id_idx" ON "TagOutboxPage"("storeId", "state", "id");

INSERT INTO "TagOutboxPage" ("id", "storeId", "runId", "state", "size", "items", "outcomes", "notFound",
  "userErrors", "problems", "createdAt", "settledAt")
SELECT min("id"), "storeId", max("runId"), CASE WHEN "refused" THEN 'settled' ELSE 'pending' END, count(*),
  json_group_array(json_array("customerId", "customerExternalId", json("add"), json("remove"), "metafields")),
  group_concat("outcome", ''), sum("state" = 'not_found'), sum("state" = 'user_error'),
  CASE WHEN "refused" THEN json_group_array(json_object('customerExternalId', "customerExternalId", 'state', "state",
    'error', "error")) END,
  min("createdAt"), max("appliedAt")
FROM (
  SELECT *, "state" <> 'pending' AS "refused",
    CASE "state" WHEN 'pending' THEN '.' WHEN 'not_found' THEN 'n' ELSE 'u' END AS "outcome",
    (row_number() OVER (PARTITION BY "storeId", "state" <> 'pending' ORDER BY "id") - 1) / 1000 AS "page"
  FROM "TagOutboxItem" WHERE "state" IN ('pending', 'not_found', 'user_error')
)
GROUP BY "storeId", "refused", "page";

DROP TABLE "TagOutboxItem";

-- The tables the nightly writes a row per customer into keep storeId without a foreign key to Store: the key was
-- checked for every row written (a third of each write on PostgreSQL). Deleting a store deletes their rows itself
-- (docs/decisions/168-nightly-tables-without-foreign-keys.md). SQLite drops a constraint by rebuilding the table.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CustomerScore" (
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "orders" INTEGER NOT NULL,
    "purchaseDays" INTEGER NOT NULL,
    "firstOrderAt" DATETIME,
    "lastOrderAt" DATETIME,
    "recencyDays" INTEGER,
    "monetaryMinor" BIGINT NOT NULL,
    "rScore" INTEGER NOT NULL,
    "fScore" INTEGER NOT NULL,
    "mScore" INTEGER NOT NULL,
    "segment" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "historicClvMinor" BIGINT NOT NULL,
    "predictedClvMinor" BIGINT,
    "pAlive" REAL,
    "expected30" REAL,
    "expected90" REAL,
    "expected365" REAL,
    "expectedAovMinor" BIGINT,
    "nextOrderAt" DATETIME,
    "clvPercentile" REAL,
    "previousSegment" TEXT,
    "segmentSince" DATETIME,
    "previousStage" TEXT,
    "stageSince" DATETIME,

    PRIMARY KEY ("storeId", "customerId")
) WITHOUT ROWID;
INSERT INTO "new_CustomerScore" SELECT "storeId", "customerId", "computedAt", "orders", "purchaseDays", "firstOrderAt",
  "lastOrderAt", "recencyDays", "monetaryMinor", "rScore", "fScore", "mScore", "segment", "stage", "historicClvMinor",
  "predictedClvMinor", "pAlive", "expected30", "expected90", "expected365", "expectedAovMinor", "nextOrderAt",
  "clvPercentile", "previousSegment", "segmentSince", "previousStage", "stageSince" FROM "CustomerScore";
DROP TABLE "CustomerScore";
ALTER TABLE "new_CustomerScore" RENAME TO "CustomerScore";
CREATE INDEX "CustomerScore_storeId_segment_idx" ON "CustomerScore"("storeId", "segment");
CREATE INDEX "CustomerScore_storeId_stage_idx" ON "CustomerScore"("storeId", "stage");

CREATE TABLE "new_CustomerInsight" (
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "channel" TEXT,
    "campaign" TEXT,
    "journeyStage" TEXT,
    "nextProductId" TEXT,
    "nextProduct" TEXT,
    "nextBecause" TEXT,

    PRIMARY KEY ("storeId", "customerId")
) WITHOUT ROWID;
INSERT INTO "new_CustomerInsight" SELECT "storeId", "customerId", "computedAt", "channel", "campaign", "journeyStage",
  "nextProductId", "nextProduct", "nextBecause" FROM "CustomerInsight";
DROP TABLE "CustomerInsight";
ALTER TABLE "new_CustomerInsight" RENAME TO "CustomerInsight";

CREATE TABLE "new_TagOutboxItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "runId" TEXT,
    "customerId" TEXT NOT NULL,
    "customerExternalId" TEXT NOT NULL,
    "add" TEXT NOT NULL,
    "remove" TEXT NOT NULL,
    "metafields" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" DATETIME
);
INSERT INTO "new_TagOutboxItem" SELECT "id", "storeId", "runId", "customerId", "customerExternalId", "add", "remove",
  "metafields", "state", "attempts", "error", "createdAt", "appliedAt" FROM "TagOutboxItem";
DROP TABLE "TagOutboxItem";
ALTER TABLE "new_TagOutboxItem" RENAME TO "TagOutboxItem";
CREATE INDEX "TagOutboxItem_storeId_state_id_idx" ON "TagOutboxItem"("storeId", "state", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

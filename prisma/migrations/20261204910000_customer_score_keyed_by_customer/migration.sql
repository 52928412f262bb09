-- CustomerScore is keyed by (store, customer) and loses its generated id: the nightly writes (or rewrites) one row
-- per customer every night, and with the id every row went into the table's B-tree, the id's index and the unique
-- index on (store, customer). WITHOUT ROWID keeps the rows in the key's own B-tree
-- (docs/decisions/162-score-rows-keyed-by-customer.md).
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

    PRIMARY KEY ("storeId", "customerId"),
    CONSTRAINT "CustomerScore_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
INSERT INTO "new_CustomerScore" ("storeId", "customerId", "computedAt", "orders", "purchaseDays", "firstOrderAt", "lastOrderAt", "recencyDays", "monetaryMinor", "rScore", "fScore", "mScore", "segment", "stage", "historicClvMinor", "predictedClvMinor", "pAlive", "expected30", "expected90", "expected365", "expectedAovMinor", "nextOrderAt", "clvPercentile")
SELECT "storeId", "customerId", "computedAt", "orders", "purchaseDays", "firstOrderAt", "lastOrderAt", "recencyDays", "monetaryMinor", "rScore", "fScore", "mScore", "segment", "stage", "historicClvMinor", "predictedClvMinor", "pAlive", "expected30", "expected90", "expected365", "expectedAovMinor", "nextOrderAt", "clvPercentile" FROM "CustomerScore";
DROP TABLE "CustomerScore";
ALTER TABLE "new_CustomerScore" RENAME TO "CustomerScore";
CREATE INDEX "CustomerScore_storeId_segment_idx" ON "CustomerScore"("storeId", "segment");
CREATE INDEX "CustomerScore_storeId_stage_idx" ON "CustomerScore"("storeId", "stage");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

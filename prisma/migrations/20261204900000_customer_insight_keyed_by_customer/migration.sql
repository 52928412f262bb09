-- CustomerInsight is keyed by (store, customer) and loses its generated id: the nightly writes one row per
-- customer, and with the id every row went into two B-trees (the table's and the unique index). WITHOUT ROWID
-- stores the rows in the key's own B-tree, so a write touches one. Measured on 1,000,000 rows written in key order:
-- id + unique index 6.4 s, composite key 5.2 s, composite key WITHOUT ROWID 4.7 s
-- (docs/decisions/159-insight-rows-keyed-by-customer.md).
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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

    PRIMARY KEY ("storeId", "customerId"),
    CONSTRAINT "CustomerInsight_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
INSERT INTO "new_CustomerInsight" ("storeId", "customerId", "computedAt", "channel", "campaign", "journeyStage", "nextProductId", "nextProduct", "nextBecause")
SELECT "storeId", "customerId", "computedAt", "channel", "campaign", "journeyStage", "nextProductId", "nextProduct", "nextBecause" FROM "CustomerInsight";
DROP TABLE "CustomerInsight";
ALTER TABLE "new_CustomerInsight" RENAME TO "CustomerInsight";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

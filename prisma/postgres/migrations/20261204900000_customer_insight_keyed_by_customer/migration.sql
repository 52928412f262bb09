-- CustomerInsight is keyed by (store, customer) and loses its generated id: the nightly writes one row per
-- customer, and with the id every row went into two B-trees (docs/decisions/159-insight-rows-keyed-by-customer.md).
-- Same table definition as SQLite's migration of the same name (there: WITHOUT ROWID).
CREATE TABLE "new_CustomerInsight" (
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "channel" TEXT,
    "campaign" TEXT,
    "journeyStage" TEXT,
    "nextProductId" TEXT,
    "nextProduct" TEXT,
    "nextBecause" TEXT
) WITH (fillfactor = 50);
INSERT INTO "new_CustomerInsight" ("storeId", "customerId", "computedAt", "channel", "campaign", "journeyStage", "nextProductId", "nextProduct", "nextBecause")
SELECT "storeId", "customerId", "computedAt", "channel", "campaign", "journeyStage", "nextProductId", "nextProduct", "nextBecause" FROM "CustomerInsight";
DROP TABLE "CustomerInsight";
ALTER TABLE "new_CustomerInsight" RENAME TO "CustomerInsight";
ALTER TABLE "CustomerInsight" ADD CONSTRAINT "CustomerInsight_pkey" PRIMARY KEY ("storeId", "customerId");
ALTER TABLE "CustomerInsight" ADD CONSTRAINT "CustomerInsight_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

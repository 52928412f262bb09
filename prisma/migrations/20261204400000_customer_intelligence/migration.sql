-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "acceptsMarketing" BOOLEAN;
ALTER TABLE "Customer" ADD COLUMN "shopifyRfmGroup" TEXT;
ALTER TABLE "Customer" ADD COLUMN "shopifyPredictedSpendTier" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "attribution" TEXT;

-- CreateTable
CREATE TABLE "StoreInsight" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,
    CONSTRAINT "StoreInsight_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomerInsight" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "channel" TEXT,
    "campaign" TEXT,
    "journeyStage" TEXT,
    "nextProductId" TEXT,
    "nextProduct" TEXT,
    "nextBecause" TEXT,
    CONSTRAINT "CustomerInsight_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "StoreInsight_storeId_kind_key" ON "StoreInsight"("storeId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerInsight_storeId_customerId_key" ON "CustomerInsight"("storeId", "customerId");

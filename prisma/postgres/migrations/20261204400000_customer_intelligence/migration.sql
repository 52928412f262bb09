-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "acceptsMarketing" BOOLEAN,
ADD COLUMN     "shopifyRfmGroup" TEXT,
ADD COLUMN     "shopifyPredictedSpendTier" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "attribution" TEXT;

-- CreateTable
CREATE TABLE "StoreInsight" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StoreInsight_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerInsight" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "channel" TEXT,
    "campaign" TEXT,
    "journeyStage" TEXT,
    "nextProductId" TEXT,
    "nextProduct" TEXT,
    "nextBecause" TEXT,

    CONSTRAINT "CustomerInsight_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StoreInsight_storeId_kind_key" ON "StoreInsight"("storeId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerInsight_storeId_customerId_key" ON "CustomerInsight"("storeId", "customerId");

-- AddForeignKey
ALTER TABLE "StoreInsight" ADD CONSTRAINT "StoreInsight_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerInsight" ADD CONSTRAINT "CustomerInsight_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

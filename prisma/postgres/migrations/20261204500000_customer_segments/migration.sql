-- CreateTable
CREATE TABLE "CustomerSegment" (
    "storeId" TEXT NOT NULL,
    "segmentationId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "segmentKey" TEXT NOT NULL,
    "previousKey" TEXT,
    "since" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerSegment_pkey" PRIMARY KEY ("storeId","segmentationId","customerId")
);

-- CreateIndex
CREATE INDEX "CustomerSegment_storeId_segmentationId_segmentKey_idx" ON "CustomerSegment"("storeId", "segmentationId", "segmentKey");

-- AddForeignKey
ALTER TABLE "CustomerSegment" ADD CONSTRAINT "CustomerSegment_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from the current scores, so stores show their segmentations before the next nightly run (the date the
-- customer entered the segment is not known: the scores' time stands in for it).
INSERT INTO "CustomerSegment" ("storeId", "segmentationId", "customerId", "segmentKey", "previousKey", "since", "computedAt")
SELECT "storeId", 'rfm', "customerId", "segment", NULL, "computedAt", "computedAt" FROM "CustomerScore";
INSERT INTO "CustomerSegment" ("storeId", "segmentationId", "customerId", "segmentKey", "previousKey", "since", "computedAt")
SELECT "storeId", 'lifecycle', "customerId", "stage", NULL, "computedAt", "computedAt" FROM "CustomerScore";

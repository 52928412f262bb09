-- DropIndex
DROP INDEX "CustomerScore_storeId_segment_idx";

-- CreateIndex
CREATE INDEX "CustomerScore_storeId_segment_predictedClvMinor_idx" ON "CustomerScore"("storeId", "segment", "predictedClvMinor");


-- The nightly rewrite of every score must not touch CLV-ordered index pages at random; the overview's CLV
-- histogram and top customers now come from the run itself.
-- DropIndex
DROP INDEX "CustomerScore_storeId_segment_predictedClvMinor_idx";

-- DropIndex
DROP INDEX "CustomerScore_storeId_predictedClvMinor_idx";

-- CreateIndex
CREATE INDEX "CustomerScore_storeId_segment_idx" ON "CustomerScore"("storeId", "segment");

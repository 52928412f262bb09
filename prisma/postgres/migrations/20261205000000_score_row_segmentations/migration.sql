-- RFM groups and lifecycle stages are stored in the score row they are columns of (segment, stage), not as two
-- CustomerSegment rows per customer: the previous key and the date the customer entered the current one become
-- score columns (docs/decisions/164-score-row-segmentations.md).
ALTER TABLE "CustomerScore" ADD COLUMN "previousSegment" TEXT,
ADD COLUMN "segmentSince" TIMESTAMP(3),
ADD COLUMN "previousStage" TEXT,
ADD COLUMN "stageSince" TIMESTAMP(3);

-- Fill them from the CustomerSegment rows of the two segmentations (one pass over the score rows, a key lookup per
-- value); a score row without a matching row takes its own computedAt as since, as a first nightly write does.
UPDATE "CustomerScore" SET
  "previousSegment" = (SELECT g."previousKey" FROM "CustomerSegment" g
    WHERE g."storeId" = "CustomerScore"."storeId" AND g."segmentationId" = 'rfm'
      AND g."customerId" = "CustomerScore"."customerId" AND g."segmentKey" = "CustomerScore"."segment"),
  "segmentSince" = COALESCE((SELECT g."since" FROM "CustomerSegment" g
    WHERE g."storeId" = "CustomerScore"."storeId" AND g."segmentationId" = 'rfm'
      AND g."customerId" = "CustomerScore"."customerId" AND g."segmentKey" = "CustomerScore"."segment"),
    "computedAt"),
  "previousStage" = (SELECT g."previousKey" FROM "CustomerSegment" g
    WHERE g."storeId" = "CustomerScore"."storeId" AND g."segmentationId" = 'lifecycle'
      AND g."customerId" = "CustomerScore"."customerId" AND g."segmentKey" = "CustomerScore"."stage"),
  "stageSince" = COALESCE((SELECT g."since" FROM "CustomerSegment" g
    WHERE g."storeId" = "CustomerScore"."storeId" AND g."segmentationId" = 'lifecycle'
      AND g."customerId" = "CustomerScore"."customerId" AND g."segmentKey" = "CustomerScore"."stage"),
    "computedAt");

-- The score row now holds them: the nightly job no longer writes these rows.
DELETE FROM "CustomerSegment" WHERE "segmentationId" IN ('rfm', 'lifecycle');

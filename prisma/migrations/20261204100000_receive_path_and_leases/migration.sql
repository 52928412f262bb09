-- AlterTable
ALTER TABLE "Store" ADD COLUMN "historyCompleteAt" DATETIME;

-- AlterTable
ALTER TABLE "WebhookReceipt" ADD COLUMN "nextAttemptAt" DATETIME;

-- AlterTable
ALTER TABLE "BackfillRun" ADD COLUMN "leaseOwner" TEXT;
ALTER TABLE "BackfillRun" ADD COLUMN "leaseUntil" DATETIME;

-- AlterTable
ALTER TABLE "RecomputeRun" ADD COLUMN "heartbeatAt" DATETIME;


-- Stores that already finished a full history import keep their segments: that import's end is their history.
UPDATE "Store" SET "historyCompleteAt" = (
  SELECT MAX(b."finishedAt") FROM "BackfillRun" b
  WHERE b."storeId" = "Store"."id" AND b."state" = 'completed' AND b."since" IS NULL
);

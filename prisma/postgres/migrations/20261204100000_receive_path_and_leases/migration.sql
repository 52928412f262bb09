-- AlterTable
ALTER TABLE "Store" ADD COLUMN "historyCompleteAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookReceipt" ADD COLUMN "nextAttemptAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "BackfillRun" ADD COLUMN "leaseOwner" TEXT,
ADD COLUMN "leaseUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "RecomputeRun" ADD COLUMN "heartbeatAt" TIMESTAMP(3);

-- Stores that already finished a full history import keep their segments: that import's end is their history.
UPDATE "Store" SET "historyCompleteAt" = (
  SELECT MAX(b."finishedAt") FROM "BackfillRun" b
  WHERE b."storeId" = "Store"."id" AND b."state" = 'completed' AND b."since" IS NULL
);

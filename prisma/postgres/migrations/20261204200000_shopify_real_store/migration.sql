-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "reportedRefundedMinor" BIGINT;

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "amountRank" INTEGER NOT NULL DEFAULT 2;

-- AlterTable
ALTER TABLE "BackfillRun" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dataAccess" TEXT;

-- CreateTable
CREATE TABLE "StoreSyncState" (
    "storeId" TEXT NOT NULL,
    "reconciledThrough" TIMESTAMP(3),
    "lastReconcileAt" TIMESTAMP(3),
    "lastReconcileCalls" INTEGER NOT NULL DEFAULT 0,
    "lastReconcilePoints" INTEGER NOT NULL DEFAULT 0,
    "lastReconcileFixed" INTEGER NOT NULL DEFAULT 0,
    "lastReconcileError" TEXT,
    "dataAccess" TEXT,
    "ordersWindowDays" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StoreSyncState_pkey" PRIMARY KEY ("storeId")
);

-- AddForeignKey
ALTER TABLE "StoreSyncState" ADD CONSTRAINT "StoreSyncState_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "RedactedOrder" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "idHash" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RedactedOrder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RedactedOrder_storeId_idHash_key" ON "RedactedOrder"("storeId", "idHash");

-- CreateIndex
CREATE INDEX "RedactedCustomer_storeId_redactedAt_idx" ON "RedactedCustomer"("storeId", "redactedAt");

-- AddForeignKey
ALTER TABLE "RedactedOrder" ADD CONSTRAINT "RedactedOrder_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "RedactedOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storeId" TEXT NOT NULL,
    "idHash" TEXT NOT NULL,
    "redactedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RedactedOrder_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "RedactedOrder_storeId_idHash_key" ON "RedactedOrder"("storeId", "idHash");

-- CreateIndex
CREATE INDEX "RedactedCustomer_storeId_redactedAt_idx" ON "RedactedCustomer"("storeId", "redactedAt");


-- DropIndex
DROP INDEX "TagOutboxItem_storeId_state_idx";

-- CreateIndex
CREATE INDEX "TagOutboxItem_storeId_state_id_idx" ON "TagOutboxItem"("storeId", "state", "id");

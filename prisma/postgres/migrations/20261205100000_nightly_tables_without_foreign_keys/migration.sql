-- The tables the nightly writes a row per customer into keep storeId without a foreign key to Store: the key was
-- checked for every row written (a third of each write). Deleting a store deletes their rows itself
-- (docs/decisions/168-nightly-tables-without-foreign-keys.md).
ALTER TABLE "CustomerScore" DROP CONSTRAINT "CustomerScore_storeId_fkey";
ALTER TABLE "CustomerInsight" DROP CONSTRAINT "CustomerInsight_storeId_fkey";
ALTER TABLE "TagOutboxItem" DROP CONSTRAINT "TagOutboxItem_storeId_fkey";

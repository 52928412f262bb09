-- CustomerScore is keyed by (store, customer) and loses its generated id: every row was in the id's index and the
-- unique index on (store, customer) (docs/decisions/162-score-rows-keyed-by-customer.md). The unique index becomes
-- the primary key; the table keeps its fillfactor (nightly rewrites stay on their page).
ALTER TABLE "CustomerScore" DROP CONSTRAINT "CustomerScore_pkey";
ALTER TABLE "CustomerScore" DROP COLUMN "id";
ALTER TABLE "CustomerScore" ADD CONSTRAINT "CustomerScore_pkey" PRIMARY KEY USING INDEX "CustomerScore_storeId_customerId_key";

-- Each order carries its lines' product ids, so the nightly reads an order's products without a join
-- (docs/decisions/175-order-product-ids-on-the-order.md). Orders stored before are filled from their lines, in
-- the lines' id order.
ALTER TABLE "Order" ADD COLUMN "productIds" TEXT;
UPDATE "Order" o SET "productIds" = l."ids"
FROM (
  SELECT "orderId", json_agg("productId" ORDER BY "id")::text AS "ids"
  FROM "OrderLine" WHERE "productId" IS NOT NULL GROUP BY "orderId"
) l
WHERE l."orderId" = o."id";

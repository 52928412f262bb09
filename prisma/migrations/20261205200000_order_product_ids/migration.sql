-- Each order carries its lines' product ids, so the nightly reads an order's products without a join
-- (docs/decisions/175-order-product-ids-on-the-order.md). Orders stored before are filled from their lines, in
-- the lines' id order.
ALTER TABLE "Order" ADD COLUMN "productIds" TEXT;
UPDATE "Order" SET "productIds" = (
  SELECT json_group_array(p."productId") FROM (
    SELECT l."productId" FROM "OrderLine" l
    WHERE l."orderId" = "Order"."id" AND l."productId" IS NOT NULL ORDER BY l."id"
  ) p
) WHERE EXISTS (SELECT 1 FROM "OrderLine" l WHERE l."orderId" = "Order"."id" AND l."productId" IS NOT NULL);

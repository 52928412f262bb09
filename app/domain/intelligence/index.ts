/**
 * Customer intelligence: the merchant's own questions, answered from the same counted orders, segments and
 * CLV fits as the rest of the analytics core. Pure functions over typed columns, no I/O; the nightly job and
 * the admin pages call them (integration follows the app restructure). Decisions 130–136.
 *
 * - Which channels bring valuable customers, and what may a customer cost?
 *     channels.ts, url-params.ts (acquisition channel of the first counted order, 130),
 *     channel-value.ts, acquisition-cost.ts (value per channel/campaign, maximum acquisition cost, 131),
 *     spend-sheet.ts, campaign-cost.ts (the merchant's spend per channel and campaign against value, 152, 157)
 * - What is bought together, and what should each customer be offered next?
 *     baskets.ts, co-purchase.ts, product-segments.ts, next-product.ts (132)
 * - Who comes back, what is my churn, what is one more point of repeat rate worth?
 *     purchase-history.ts, cohorts.ts, churn.ts, what-if.ts (133)
 * - The nine-stage journey (Lead, Occasional, Ghost on top of the seven lifecycle stages): journey.ts (134)
 * - Who are my top customers? top-customers.ts
 * - Why does Shopify put this customer in another group? shopify-agreement.ts (135)
 */
export * from "./acquisition-cost";
export * from "./baskets";
export * from "./campaign-cost";
export * from "./channel-value";
export * from "./channels";
export * from "./churn";
export * from "./co-purchase";
export * from "./cohorts";
export * from "./journey";
export * from "./next-product";
export * from "./product-segments";
export * from "./purchase-history";
export * from "./shopify-agreement";
export * from "./top-customers";
export * from "./url-params";
export * from "./what-if";

/** Shopify side of segment tag write-back (no database code): see tag-writer.ts. */
export { ShopifyTagWriter, DEFAULT_BULK_THRESHOLD, DEFAULT_METAFIELD_NAMESPACE, shopWriteBudget } from "./tag-writer";
export type { TagWriterOptions, ApplyOptions, ShopWriteBudget } from "./tag-writer";
export type { CustomerLabelChange, ChangeResult, ChangeStatus, CustomerMetafieldValue, WritePath } from "./types";
export { CostPacer, minimumSeconds } from "./cost-pacer";
export { DEFAULT_TAG_PREFIX, refusalReason } from "./namespace-guard";
export { ShopifyWriteError } from "./paced-request";
export { MUTATION_COST } from "./direct-writer";
export { readCustomerTags } from "./read-customer-tags";
export { cicloMetafieldsJson, toMetafieldValues, toWriterChange, CICLO_METAFIELD_TYPES } from "./ciclo-metafields";

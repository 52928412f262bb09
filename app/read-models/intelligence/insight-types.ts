/**
 * What the nightly's intelligence phases store (StoreInsight rows, one JSON document per kind) and the pages
 * read. Shared by app/jobs/nightly/intelligence.server.ts (writer) and the read models beside this file.
 */
export const INSIGHT_KINDS = ["channels", "retention", "products", "journey", "shopify-groups"] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

/** The merchant's own inputs for the maximum acquisition cost (written by the Channels page). */
export const ACQUISITION_SETTINGS_KIND = "acquisition-settings";

/** Horizons the nightly prepares the maximum acquisition cost for (days). */
export const INSIGHT_HORIZONS = [90, 180, 365, 730] as const;
/** Periods the merchant can enter acquisition spend for (days ending on the run's reference day). */
export const SPEND_PERIODS = [30, 90, 365] as const;

/** The most customers the Top customers page and its CSV list. */
export const TOP_CUSTOMERS_MAX = 10_000;

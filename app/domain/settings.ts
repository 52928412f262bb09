/**
 * Settings values and defaults. The form's schema and messages are in settings-form.ts, apart so the Settings
 * page's browser bundle does not carry the schema library. Thresholds are stored as JSON in
 * StoreSettings.thresholds and read by the nightly job (RFM bins, lifecycle cut-offs; see
 * docs/decisions/063-admin-settings-and-data.md).
 */
import type { TagFamily } from "./tag-families";

export { TAG_FAMILIES, parseTagFamilies, type TagFamily } from "./tag-families";

export const TAG_FAMILY_LABELS: Record<TagFamily, string> = {
  rfm: "RFM segment (e.g. rfm-champions)",
  stage: "Lifecycle stage (e.g. stage-at-risk)",
  clv: "Top customers by predicted value (e.g. clv-top-10)",
  nps: "NPS answer (nps-promoter, nps-passive, nps-detractor)",
  jtbd: "Why they bought (e.g. jtbd-gift)",
  next: "Next product to suggest (e.g. next-trail-mug; the same suggestion is also a ciclo.next_product metafield)",
};

export interface Thresholds {
  /** Score levels for recency, frequency and spend. */
  rfmBins: number;
  /** Gaps without an order (in the customer's usual rhythm) before "At risk". */
  atRiskGaps: number;
  /** Gaps without an order before "Lost". */
  lostGaps: number;
  /** Chance of still being a customer below which a repeat customer is "At risk". */
  atRiskPAlive: number;
  /** ... and below which they are "Lost". */
  lostPAlive: number;
  /** Share of customers counted as Heroes by orders and spend. */
  heroShare: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  rfmBins: 5,
  atRiskGaps: 2,
  lostGaps: 4,
  atRiskPAlive: 0.5,
  lostPAlive: 0.2,
  heroShare: 0.2,
};

export interface SettingsValues {
  tagPrefix: string;
  tagFamilies: TagFamily[];
  pushMetafields: boolean;
  scheduleHour: number;
  surveyCooldownDays: number;
  thresholds: Thresholds;
}

export const DEFAULT_SETTINGS: SettingsValues = {
  tagPrefix: "ciclo:",
  tagFamilies: ["rfm", "stage", "clv"],
  pushMetafields: false,
  scheduleHour: 3,
  surveyCooldownDays: 60,
  thresholds: DEFAULT_THRESHOLDS,
};

export type SettingsErrors = Partial<Record<keyof SettingsValues | `thresholds.${keyof Thresholds}`, string>>;

export type SettingsValidation = { ok: true; values: SettingsValues } | { ok: false; errors: SettingsErrors };

/** Stored thresholds JSON -> complete thresholds (unknown or invalid fields fall back to the defaults). */
export function parseThresholds(json: string | null): Thresholds {
  if (!json) return DEFAULT_THRESHOLDS;
  try {
    const raw = JSON.parse(json) as Record<string, unknown>;
    const pick = (key: keyof Thresholds) =>
      typeof raw[key] === "number" && Number.isFinite(raw[key]) ? (raw[key] as number) : DEFAULT_THRESHOLDS[key];
    return {
      rfmBins: pick("rfmBins"),
      atRiskGaps: pick("atRiskGaps"),
      lostGaps: pick("lostGaps"),
      atRiskPAlive: pick("atRiskPAlive"),
      lostPAlive: pick("lostPAlive"),
      heroShare: pick("heroShare"),
    };
  } catch {
    return DEFAULT_THRESHOLDS;
  }
}

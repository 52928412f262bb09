/**
 * The Settings form: parsing and validation with one clear message per field. Pure, so the page can show
 * the same messages the server enforces. Thresholds are stored as JSON in StoreSettings.thresholds and read by
 * the nightly job (RFM bins, lifecycle cut-offs; see docs/decisions/063-admin-settings-and-data.md).
 */
import { TAG_FAMILIES, type TagFamily } from "./tag-families";

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

// Shopify tags are up to 255 characters, without commas; a short prefix ending in ":" "-" or "_" keeps the
// tag readable and makes "ours" unambiguous.
const TAG_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{0,18}[:_-]$/;

function integer(text: string | null, min: number, max: number): number | null {
  if (text === null || !/^-?\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

function decimal(text: string | null, min: number, max: number): number | null {
  if (text === null || !/^-?\d+(\.\d+)?$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

/** Reads the Settings form (FormData or URLSearchParams). */
export function validateSettingsForm(form: {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}): SettingsValidation {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : null;
  };
  const errors: SettingsErrors = {};

  const tagPrefix = (text("tagPrefix") ?? "").trim();
  if (!TAG_PREFIX.test(tagPrefix)) {
    errors.tagPrefix =
      'Use 2-20 letters, digits, "-" or "_", ending with ":", "-" or "_" (for example "ciclo:"). No spaces or commas.';
  }

  const families = form.getAll("tagFamilies").filter((v): v is string => typeof v === "string");
  const unknown = families.filter((f) => !(TAG_FAMILIES as readonly string[]).includes(f));
  if (unknown.length > 0) errors.tagFamilies = `Unknown tag family: ${unknown.join(", ")}.`;

  const scheduleHour = integer(text("scheduleHour"), 0, 23);
  if (scheduleHour === null) errors.scheduleHour = "Choose an hour from 0 to 23.";

  const surveyCooldownDays = integer(text("surveyCooldownDays"), 1, 365);
  if (surveyCooldownDays === null) errors.surveyCooldownDays = "Enter a whole number of days from 1 to 365.";

  const rfmBins = integer(text("rfmBins"), 3, 10);
  if (rfmBins === null) errors["thresholds.rfmBins"] = "Enter a whole number from 3 to 10.";
  const atRiskGaps = decimal(text("atRiskGaps"), 1, 10);
  if (atRiskGaps === null) errors["thresholds.atRiskGaps"] = "Enter a number from 1 to 10.";
  const lostGaps = decimal(text("lostGaps"), 1, 20);
  if (lostGaps === null) errors["thresholds.lostGaps"] = "Enter a number from 1 to 20.";
  else if (atRiskGaps !== null && lostGaps <= atRiskGaps)
    errors["thresholds.lostGaps"] = "Must be more gaps than “At risk”, or nobody would ever be At risk.";
  const atRiskPAlive = decimal(text("atRiskPAlive"), 0, 1);
  if (atRiskPAlive === null) errors["thresholds.atRiskPAlive"] = "Enter a probability from 0 to 1 (e.g. 0.5).";
  const lostPAlive = decimal(text("lostPAlive"), 0, 1);
  if (lostPAlive === null) errors["thresholds.lostPAlive"] = "Enter a probability from 0 to 1 (e.g. 0.2).";
  else if (atRiskPAlive !== null && lostPAlive >= atRiskPAlive)
    errors["thresholds.lostPAlive"] = "Must be lower than the “At risk” probability.";
  const heroShare = decimal(text("heroShare"), 0.01, 0.5);
  if (heroShare === null) errors["thresholds.heroShare"] = "Enter a share from 0.01 to 0.5 (e.g. 0.2 for the top 20%).";

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    values: {
      tagPrefix,
      // Catalogue order, no duplicates.
      tagFamilies: TAG_FAMILIES.filter((f) => families.includes(f)),
      pushMetafields: text("pushMetafields") === "on" || text("pushMetafields") === "true",
      scheduleHour: scheduleHour!,
      surveyCooldownDays: surveyCooldownDays!,
      thresholds: {
        rfmBins: rfmBins!,
        atRiskGaps: atRiskGaps!,
        lostGaps: lostGaps!,
        atRiskPAlive: atRiskPAlive!,
        lostPAlive: lostPAlive!,
        heroShare: heroShare!,
      },
    },
  };
}

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

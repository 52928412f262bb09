/**
 * The Settings form: parsing and validation with one clear message per field, as one zod schema. Pure; used by
 * the server when the form is saved (apart from settings.ts so the page's browser bundle stays small).
 */
import { z } from "zod";
import { TAG_FAMILIES } from "./tag-families";
import type { SettingsErrors, SettingsValidation } from "./settings";

// Shopify tags are up to 255 characters, without commas; a short prefix ending in ":" "-" or "_" keeps the
// tag readable and makes "ours" unambiguous.
const TAG_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{0,18}[:_-]$/;

/** A form number in [min, max]: whole (`integer`) or decimal, one message for every way it can be wrong. */
function formNumber(kind: "integer" | "decimal", min: number, max: number, message: string) {
  return z
    .string()
    .trim()
    .regex(kind === "integer" ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

/**
 * The Settings form as one schema: every field's message is here, and the two cross-field rules run only when
 * both of their fields are valid on their own (so each field shows one message, the most useful one).
 */
export const SettingsFormSchema = z
  .object({
    tagPrefix: z
      .string()
      .trim()
      .regex(
        TAG_PREFIX,
        'Use 2-20 letters, digits, "-" or "_", ending with ":", "-" or "_" (for example "ciclo:"). No spaces or commas.',
      ),
    tagFamilies: z.array(z.string()).check((ctx) => {
      const unknown = ctx.value.filter((f) => !(TAG_FAMILIES as readonly string[]).includes(f));
      if (unknown.length > 0)
        ctx.issues.push({ code: "custom", input: ctx.value, message: `Unknown tag family: ${unknown.join(", ")}.` });
    }),
    pushMetafields: z.string().transform((value) => value === "on" || value === "true"),
    scheduleHour: formNumber("integer", 0, 23, "Choose an hour from 0 to 23."),
    surveyCooldownDays: formNumber("integer", 1, 365, "Enter a whole number of days from 1 to 365."),
    thresholds: z.object({
      rfmBins: formNumber("integer", 3, 10, "Enter a whole number from 3 to 10."),
      atRiskGaps: formNumber("decimal", 1, 10, "Enter a number from 1 to 10."),
      lostGaps: formNumber("decimal", 1, 20, "Enter a number from 1 to 20."),
      atRiskPAlive: formNumber("decimal", 0, 1, "Enter a probability from 0 to 1 (e.g. 0.5)."),
      lostPAlive: formNumber("decimal", 0, 1, "Enter a probability from 0 to 1 (e.g. 0.2)."),
      heroShare: formNumber("decimal", 0.01, 0.5, "Enter a share from 0.01 to 0.5 (e.g. 0.2 for the top 20%)."),
    }),
  })
  .check((ctx) => {
    const failed = new Set(ctx.issues.map((issue) => issue.path?.join(".")));
    const valid = (...paths: string[]) => paths.every((path) => !failed.has(path));
    const t = ctx.value.thresholds;
    if (valid("thresholds.atRiskGaps", "thresholds.lostGaps") && t.lostGaps <= t.atRiskGaps)
      ctx.issues.push({
        code: "custom",
        input: t.lostGaps,
        path: ["thresholds", "lostGaps"],
        message: "Must be more gaps than “At risk”, or nobody would ever be At risk.",
      });
    if (valid("thresholds.atRiskPAlive", "thresholds.lostPAlive") && t.lostPAlive >= t.atRiskPAlive)
      ctx.issues.push({
        code: "custom",
        input: t.lostPAlive,
        path: ["thresholds", "lostPAlive"],
        message: "Must be lower than the “At risk” probability.",
      });
  });

/** Reads the Settings form (FormData or URLSearchParams). */
export function validateSettingsForm(form: {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}): SettingsValidation {
  // A missing or non-text field reads as "", so it gets its field's own message rather than a type error.
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const parsed = SettingsFormSchema.safeParse({
    tagPrefix: text("tagPrefix"),
    tagFamilies: form.getAll("tagFamilies").filter((v): v is string => typeof v === "string"),
    pushMetafields: text("pushMetafields"),
    scheduleHour: text("scheduleHour"),
    surveyCooldownDays: text("surveyCooldownDays"),
    thresholds: {
      rfmBins: text("rfmBins"),
      atRiskGaps: text("atRiskGaps"),
      lostGaps: text("lostGaps"),
      atRiskPAlive: text("atRiskPAlive"),
      lostPAlive: text("lostPAlive"),
      heroShare: text("heroShare"),
    },
  });
  if (!parsed.success) {
    const errors: SettingsErrors = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.join(".") as keyof SettingsErrors;
      errors[key] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const values = parsed.data;
  // Catalogue order, no duplicates.
  return { ok: true, values: { ...values, tagFamilies: TAG_FAMILIES.filter((f) => values.tagFamilies.includes(f)) } };
}

/** Read and write a store's settings (one StoreSettings row, defaults until the merchant saves). */
import type { Db } from "../db.server";
import {
  DEFAULT_SETTINGS,
  parseTagFamilies,
  parseThresholds,
  type SettingsErrors,
  type SettingsValues,
} from "../domain/settings";
import { validateSettingsForm } from "../domain/settings-form";

export async function readSettings(db: Db, storeId: string): Promise<SettingsValues & { saved: boolean }> {
  const row = await db.storeSettings.findUnique({ where: { storeId } });
  if (!row) return { ...DEFAULT_SETTINGS, saved: false };
  return {
    tagPrefix: row.tagPrefix,
    tagFamilies: parseTagFamilies(row.tagFamilies),
    pushMetafields: row.pushMetafields,
    scheduleHour: row.scheduleHour,
    surveyCooldownDays: row.surveyCooldownDays,
    thresholds: parseThresholds(row.thresholds),
    saved: true,
  };
}

export type SaveSettingsResult = { ok: true; values: SettingsValues } | { ok: false; errors: SettingsErrors };

export async function saveSettings(db: Db, storeId: string, form: FormData): Promise<SaveSettingsResult> {
  const result = validateSettingsForm(form);
  if (!result.ok) return result;
  const { values } = result;
  const data = {
    tagPrefix: values.tagPrefix,
    tagFamilies: values.tagFamilies.join(","),
    pushMetafields: values.pushMetafields,
    scheduleHour: values.scheduleHour,
    surveyCooldownDays: values.surveyCooldownDays,
    thresholds: JSON.stringify(values.thresholds),
  };
  await db.storeSettings.upsert({ where: { storeId }, create: { storeId, ...data }, update: data });
  return { ok: true, values };
}

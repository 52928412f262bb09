/**
 * The few host services the survey needs, taken from the target's `shopify` global by each entry module, so
 * the shared survey code does not depend on which page it runs on.
 */
import type { SurveyLocale } from "../../../app/domain/surveys/api";

export interface SurveyHost {
  translate(key: string, replacements?: Record<string, string | number>): string;
  sessionToken(): Promise<string>;
  readFlag(key: string): Promise<string | null>;
  writeFlag(key: string, value: string): Promise<void>;
  locale: SurveyLocale;
}

/** The parts of the checkout and customer-account `shopify` globals the survey uses. */
export interface ShopifyHostApi {
  i18n: { translate(key: string, options?: Record<string, string | number>): unknown };
  sessionToken: { get(): Promise<string> };
  storage: { read<T = unknown>(key: string): Promise<T | null>; write(key: string, data: unknown): Promise<void> };
  localization: { extensionLanguage: { value: { isoCode: string } } };
}

export function createSurveyHost(shopify: ShopifyHostApi): SurveyHost {
  return {
    translate: (key, replacements) => String(shopify.i18n.translate(key, replacements)),
    sessionToken: () => shopify.sessionToken.get(),
    // Storage failures must never break the page: a lost flag only means the survey may show again.
    readFlag: async (key) => {
      try {
        const value = await shopify.storage.read<unknown>(key);
        return typeof value === "string" ? value : null;
      } catch {
        return null;
      }
    },
    writeFlag: async (key, value) => {
      try {
        await shopify.storage.write(key, value);
      } catch {
        // ignored on purpose (see readFlag)
      }
    },
    locale: shopify.localization.extensionLanguage.value.isoCode.toLowerCase().startsWith("it") ? "it" : "en",
  };
}

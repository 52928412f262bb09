/**
 * Words of the hosted survey page: the extension's locale files (question and answer labels, buttons) so both
 * surfaces ask the same thing in the same words, plus the few lines only the page needs.
 */
import en from "../../extensions/checkout-survey/locales/en.default.json";
import it from "../../extensions/checkout-survey/locales/it.json";
import { SURVEY_LOCALES, type SurveyLocale } from "../domain/surveys/api";

type ExtensionStrings = typeof en;

export interface HostedSurveyStrings extends ExtensionStrings {
  page: { title: string; intro: string; expired: string; invalid: string; notAsked: string; errors: string };
}

const PAGE: Record<SurveyLocale, HostedSurveyStrings["page"]> = {
  en: {
    title: "A quick question about your order",
    intro: "Every question is optional. It takes less than a minute.",
    expired: "This survey link has expired. Thank you anyway!",
    invalid: "This survey link is not valid.",
    notAsked: "There is nothing to answer here right now. Thank you!",
    errors: "Some answers could not be saved. Please check them and send again.",
  },
  it: {
    title: "Una domanda veloce sul tuo ordine",
    intro: "Tutte le domande sono facoltative. Ci vuole meno di un minuto.",
    expired: "Questo link al sondaggio è scaduto. Grazie comunque!",
    invalid: "Questo link al sondaggio non è valido.",
    notAsked: "Al momento non c'è niente a cui rispondere. Grazie!",
    errors: "Alcune risposte non sono state salvate. Controllale e invia di nuovo.",
  },
};

const EXTENSION: Record<SurveyLocale, ExtensionStrings> = { en, it: it as ExtensionStrings };

/** The first supported language in Accept-Language (by q-value), else English. */
export function localeFromAcceptLanguage(header: string | null): SurveyLocale {
  const ranked = (header ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = Number(
        params
          .find((p) => p.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? "1",
      );
      return { language: tag.split("-")[0]!, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const match = ranked.find((entry) => (SURVEY_LOCALES as readonly string[]).includes(entry.language));
  return (match?.language as SurveyLocale | undefined) ?? "en";
}

export function hostedSurveyStrings(locale: SurveyLocale): HostedSurveyStrings {
  return { ...EXTENSION[locale], page: PAGE[locale] };
}

/** "{{max}}" placeholders, as the extension fills them. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => String(values[key] ?? whole));
}

/**
 * Reading campaign tags out of the URLs an order carries (Shopify `landingSite` / `referringSite`, WooCommerce
 * `_wc_order_attribution_session_entry` / `_referrer`). Real landing sites are messy: relative paths, bare
 * query strings, `&amp;` copied from HTML, double-encoded values, unsubstituted ad-platform macros, mixed
 * case, and personal data (`?email=`, `?phone=`) appended by e-mail tools. So:
 * - only the `utm_*` keys below and the names of known click ids are read; every other parameter is ignored,
 *   which is what keeps `email=` out of any channel or campaign name;
 * - a value is decoded at most twice, lower-cased, NFKC-normalized, stripped of control characters and cut
 *   at an embedded `?` or `&` (a second query glued into a value: `newsletter?email=a@b.c`);
 * - any word containing `@` is dropped, so no e-mail address survives even inside a tag value;
 * - placeholders (`(none)`, `(not set)`, `{{campaign.name}}`, `{campaignid}`) mean "no value";
 * - click-id values are never kept, only which kinds were present.
 * Nothing here throws: malformed input yields empty parameters.
 */

export const UTM_KEYS = ["source", "medium", "campaign", "content", "term", "id"] as const;
export type UtmKey = (typeof UTM_KEYS)[number];
export type UtmParameters = Record<UtmKey, string | null>;

/** Ad-platform click ids: their presence says "an ad was clicked" even when the UTM tags were dropped. */
export const CLICK_IDS = [
  "gclid",
  "gbraid",
  "wbraid",
  "dclid",
  "msclkid",
  "fbclid",
  "ttclid",
  "twclid",
  "li_fat_id",
  "sccid",
  "epik",
] as const;
export type ClickId = (typeof CLICK_IDS)[number];

export interface LandingSiteParameters {
  utm: UtmParameters;
  /** Click-id kinds present (values are never kept). */
  clickIds: ClickId[];
}

/** Longest tag value kept; longer values are cut (campaign names are short; long ones are usually junk). */
export const MAX_VALUE_LENGTH = 100;
/** Input beyond this length is ignored, so a hostile URL costs bounded time. */
const MAX_INPUT_LENGTH = 4096;

const PLACEHOLDERS = new Set(["(none)", "(not set)", "(direct)", "(notset)", "none", "null", "undefined", "n/a", "-"]);
const CLICK_ID_SET: ReadonlySet<string> = new Set(CLICK_IDS);

export function emptyUtm(): UtmParameters {
  return { source: null, medium: null, campaign: null, content: null, term: null, id: null };
}

/** decodeURIComponent that never throws: a malformed escape leaves the text as it was. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const ESCAPE = /%[0-9a-f]{2}/i;

/**
 * A tag value as Ciclo stores and shows it, or null when nothing meaningful is left. Applied to UTM values
 * from URLs and to WooCommerce's attribution meta alike.
 */
export function cleanTagValue(raw: string | null | undefined, alreadyDecoded = false): string | null {
  if (typeof raw !== "string") return null;
  let value = raw.length > MAX_INPUT_LENGTH ? raw.slice(0, MAX_INPUT_LENGTH) : raw;
  if (!alreadyDecoded) {
    value = safeDecode(value.replace(/\+/g, " "));
    // Double-encoded (%2520): one more pass, never more.
    if (ESCAPE.test(value)) value = safeDecode(value);
  }
  value = value.normalize("NFKC").replace(/[\p{Cc}\p{Cf}]/gu, " ");
  // A second query glued into the value is not part of it ("newsletter?email=…", "x&email=…"); a lone "&"
  // inside a name ("summer & sale") stays.
  const glued = value.search(/\?|&[\p{L}\p{N}_.-]+=/u);
  if (glued >= 0) value = value.slice(0, glued);
  value = value.toLowerCase();
  if (value.includes("@")) {
    value = value
      .split(/([\s_|/,;:-]+)/)
      .filter((part) => !part.includes("@"))
      .join("")
      .replace(/^[\s_|/,;:-]+|[\s_|/,;:-]+$/g, "");
  }
  value = value.replace(/\s+/g, " ").trim();
  // Unsubstituted macros ({{campaign.name}}, {campaignid}, %%name%%) carry no campaign.
  if (/[{}]|%%/.test(value)) return null;
  if (value.length > MAX_VALUE_LENGTH) value = value.slice(0, MAX_VALUE_LENGTH).trim();
  if (value.length === 0 || PLACEHOLDERS.has(value)) return null;
  return value;
}

/** The query parts of a landing site: after the first `?` (up to `#`), then a fragment that looks like one. */
function queryParts(landingSite: string): string[] {
  let text = landingSite.trim();
  if (text.length > MAX_INPUT_LENGTH) text = text.slice(0, MAX_INPUT_LENGTH);
  text = text.replace(/&amp;/gi, "&");
  const parts: string[] = [];
  const hash = text.indexOf("#");
  const beforeHash = hash >= 0 ? text.slice(0, hash) : text;
  const fragment = hash >= 0 ? text.slice(hash + 1) : "";
  const question = beforeHash.indexOf("?");
  if (question >= 0) parts.push(beforeHash.slice(question + 1));
  else if (/^[a-z_]+=/i.test(beforeHash)) parts.push(beforeHash); // a bare query string
  // Hash routing (`/#/?utm_source=x`, `#utm_source=x`): read, with lower priority than the real query.
  if (/utm_|clid|fbclid/i.test(fragment)) {
    const q = fragment.indexOf("?");
    parts.push(q >= 0 ? fragment.slice(q + 1) : fragment);
  }
  return parts;
}

/** UTM tags and click-id kinds of a landing-site URL (absolute, relative, or a bare query string). */
export function parseLandingSite(landingSite: string | null | undefined): LandingSiteParameters {
  const utm = emptyUtm();
  const clickIds: ClickId[] = [];
  if (typeof landingSite !== "string" || landingSite.length === 0) return { utm, clickIds };
  for (const query of queryParts(landingSite)) {
    for (const pair of query.split(/[&;]/)) {
      const eq = pair.indexOf("=");
      const key = safeDecode(eq >= 0 ? pair.slice(0, eq) : pair)
        .trim()
        .toLowerCase();
      if (key.startsWith("utm_")) {
        const name = key.slice(4) as UtmKey;
        // First occurrence wins; a repeated key later in the URL is usually a tracking redirect's echo.
        if ((UTM_KEYS as readonly string[]).includes(name) && utm[name] === null && eq >= 0) {
          utm[name] = cleanTagValue(pair.slice(eq + 1));
        }
      } else if (CLICK_ID_SET.has(key) && !clickIds.includes(key as ClickId) && eq >= 0 && eq < pair.length - 1) {
        clickIds.push(key as ClickId);
      }
    }
  }
  return { utm, clickIds };
}

/**
 * Host name of a referrer, lower-case and without a leading `www.`, or null. Accepts full URLs,
 * scheme-relative (`//t.co/x`), bare hosts with or without a path (`facebook.com/groups`) and Android app
 * referrers (`android-app://com.google.android.gm`, kept as the package name). Paths and queries, which can
 * hold search terms or e-mail addresses, are never returned.
 */
export function hostOf(urlish: string | null | undefined): string | null {
  if (typeof urlish !== "string") return null;
  let text = urlish.trim().slice(0, MAX_INPUT_LENGTH);
  if (text.length === 0) return null;
  const app = /^android-app:\/\/([^/?#]+)/i.exec(text);
  if (app) return app[1]!.toLowerCase();
  if (text.startsWith("//")) text = `http:${text}`;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    if (text.startsWith("/") || text.startsWith("?")) return null; // a relative path has no host
    text = `http://${text}`;
  }
  let host: string;
  try {
    host = new URL(text).hostname.toLowerCase();
  } catch {
    return null;
  }
  host = host.replace(/\.$/, "");
  if (host.startsWith("www.")) host = host.slice(4);
  // A host needs a dot and only host characters (rejects "google" typed alone, IPv6 brackets, junk).
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host)) return null;
  return host;
}

/**
 * Acquisition channel of a customer, from their first counted order: which of a fixed list of channels
 * brought them, plus the normalized source, medium and campaign behind it. The rules are written down in
 * docs/decisions/130-acquisition-channels.md; in short, first match wins:
 *   1 Staff         the order was keyed in by the merchant (Shopify draft order or admin mobile app,
 *                   WooCommerce `admin` / `mobile_app` attribution or `created_via: admin`)
 *   2 Point of sale Shopify `sourceName: pos`, WooCommerce `created_via` containing "pos"
 *   3 Marketplace   another sales channel placed the order (marketplace names, or a numeric app id as
 *                   Shopify's `sourceName`), unless `sourceNameChannels` maps that name elsewhere
 *   4 tagged        UTM tags (landing site, or WooCommerce's utm_* meta) decide by medium, then source
 *   5 click id      an ad click id without tags (gclid → Paid search, ttclid → Paid social, …)
 *   6 referrer      the referring host: search engine, social network, webmail, ad server, other site
 *   7 WooCommerce   `source_type` typein / organic / referral without anything more specific
 *   8 Direct        an online order with none of the above
 *   9 Unknown       no source information at all (imported or very old orders)
 * The medium/source rules follow the spirit of Google Analytics 4's default channel group
 * (support.google.com/analytics/answer/9756891), case-insensitive, with Ciclo's own names.
 * A self-reported "how did you hear about us" answer is never merged into this: see compareWithSurvey.
 */
import { cleanTagValue, hostOf, parseLandingSite, type ClickId, type UtmParameters } from "./url-params";

export const CHANNELS = [
  "Direct",
  "Organic search",
  "Paid search",
  "Organic social",
  "Paid social",
  "Email",
  "SMS",
  "Affiliate",
  "Referral",
  "Display",
  "Marketplace",
  "Point of sale",
  "Staff",
  "Other",
  "Unknown",
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Plain-words description of each channel, for tooltips and the decision doc. */
export const CHANNEL_DESCRIPTIONS: Record<Channel, string> = {
  Direct: "Typed the address, used a bookmark, or came from a link we cannot see (apps, messages, QR codes).",
  "Organic search": "Clicked an unpaid search result (Google, Bing, DuckDuckGo, …).",
  "Paid search": "Clicked a search ad (tagged cpc/ppc from a search engine, or a Google/Microsoft ad click id).",
  "Organic social": "Came from a social network post, profile or message, unpaid.",
  "Paid social": "Clicked a paid social ad (tagged paid from a social network, or a TikTok/X/LinkedIn ad click id).",
  Email: "Clicked a link in an e-mail (tagged email/newsletter, or referred by a webmail).",
  SMS: "Clicked a link in a text message (tagged sms).",
  Affiliate: "Came through an affiliate or partner link (tagged affiliate).",
  Referral: "Clicked a link on another website.",
  Display: "Clicked a banner or another paid placement that is neither search nor social.",
  Marketplace: "Ordered through a marketplace or another sales-channel app.",
  "Point of sale": "Bought in person at the store's point of sale.",
  Staff: "The order was created by the merchant (draft order, admin, mobile admin app).",
  Other: "Tagged with campaign parameters Ciclo cannot place in a channel.",
  Unknown: "The order carries no source information (imported or older orders).",
};

export type AcquisitionRule =
  | "staff"
  | "point-of-sale"
  | "marketplace"
  | "source-name-mapping"
  | "utm"
  | "click-id"
  | "referrer"
  | "woocommerce-source-type"
  | "direct"
  | "unknown";

export interface Acquisition {
  channel: Channel;
  /** Normalized source ("google", "instagram", "newsletter", a referring host), or null. */
  source: string | null;
  medium: string | null;
  campaign: string | null;
  /** Which rule decided, so the admin can say why. */
  rule: AcquisitionRule;
}

/** Where an order came from, as the platforms report it. Every field is optional. */
export interface AcquisitionInput {
  /** Shopify `sourceName` ("web", "pos", "shopify_draft_order", "iphone", an app id…). */
  sourceName?: string | null;
  /** WooCommerce `created_via` ("checkout", "admin", "rest-api", "store-api", …). */
  createdVia?: string | null;
  landingSite?: string | null;
  referringSite?: string | null;
  /**
   * WooCommerce order attribution meta, keys with or without the `_wc_order_attribution_` prefix:
   * source_type (utm | organic | referral | typein | admin | mobile_app), referrer, utm_source, utm_medium,
   * utm_campaign, utm_content, utm_term, utm_id, session_entry (the landing page).
   */
  wooAttribution?: Readonly<Record<string, unknown>> | null;
}

export interface AcquisitionOptions {
  /** The store's own hosts (a referrer from these is a page reload or a checkout return, not a source). */
  ownHosts?: readonly string[];
  /** Merchant overrides for sales-channel names or app ids: { "580111": "Paid social", "amazon": "Marketplace" }. */
  sourceNameChannels?: Readonly<Record<string, Channel>>;
}

type HostKind = "search" | "social" | "email" | "ads-search" | "ads-display" | "payment";

/**
 * Known hosts, checked in order (webmail before its search engine: mail.google.com is e-mail). Each entry:
 * a pattern on the host, the source name shown, and what kind of site it is.
 */
const HOSTS: readonly [RegExp, string, HostKind][] = [
  [/^(mail\.google\.com|com\.google\.android\.gm)$/, "gmail", "email"],
  [/^(outlook\.(live|office|office365)\.com|com\.microsoft\.office\.outlook)$/, "outlook", "email"],
  [/^mail\.yahoo\.[a-z.]+$/, "yahoo mail", "email"],
  [/^(webmail|mail)\.[a-z0-9.-]+$/, "webmail", "email"],
  [/(^|\.)(klclick\d*\.com|kmail-lists\.com|klaviyomail\.com)$/, "klaviyo", "email"],
  [/(^|\.)(list-manage\.com|mailchi\.mp)$/, "mailchimp", "email"],
  [/(^|\.)(googleadservices\.com|googlesyndication\.com)$/, "google", "ads-search"],
  [/(^|\.)doubleclick\.net$/, "google", "ads-display"],
  [
    /(^|\.)(paypal\.com|stripe\.com|klarna\.com|afterpay\.com|clearpay\.co\.uk|mollie\.com|adyen\.com)$/,
    "payment",
    "payment",
  ],
  [/(^|\.)(facebook\.com|fb\.com|fb\.me|messenger\.com|com\.facebook\.katana)$/, "facebook", "social"],
  [/(^|\.)(instagram\.com|com\.instagram\.android)$/, "instagram", "social"],
  [/(^|\.)(t\.co|twitter\.com|x\.com)$/, "x", "social"],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, "linkedin", "social"],
  [/(^|\.)(pinterest\.[a-z.]+|pin\.it)$/, "pinterest", "social"],
  [/(^|\.)tiktok\.com$/, "tiktok", "social"],
  [/(^|\.)(youtube\.com|youtu\.be)$/, "youtube", "social"],
  [/(^|\.)reddit\.com$/, "reddit", "social"],
  [/(^|\.)snapchat\.com$/, "snapchat", "social"],
  [/(^|\.)threads\.(net|com)$/, "threads", "social"],
  [/(^|\.)(whatsapp\.com|wa\.me)$/, "whatsapp", "social"],
  [/(^|\.)(t\.me|telegram\.org)$/, "telegram", "social"],
  [/(^|\.)(vk\.com|tumblr\.com|quora\.com|discord\.com|bsky\.app)$/, "", "social"],
  [/(^|\.)(bing\.com|msn\.com)$/, "bing", "search"],
  [/^(search\.)?yahoo\.[a-z.]+$|(^|\.)search\.yahoo\.[a-z.]+$/, "yahoo", "search"],
  [/(^|\.)duckduckgo\.com$/, "duckduckgo", "search"],
  [/(^|\.)ecosia\.org$/, "ecosia", "search"],
  [/(^|\.)(baidu\.com|yandex\.[a-z.]+|qwant\.com|naver\.com|seznam\.cz|startpage\.com|ask\.com)$/, "", "search"],
  [/^search\.(brave\.com|aol\.com)$/, "", "search"],
  // After gmail/ads above: any other Google host (google.de, google.co.uk, com.google.android.googlequicksearchbox).
  [/^(google\.[a-z.]+|[a-z0-9.-]+\.google\.[a-z.]+|com\.google\.android\.googlequicksearchbox)$/, "google", "search"],
];

interface HostInfo {
  source: string;
  kind: HostKind | null;
}

function describeHost(host: string): HostInfo {
  for (const [pattern, name, kind] of HOSTS) {
    if (pattern.test(host)) return { source: name === "" ? host : name, kind };
  }
  return { source: host, kind: null };
}

/** utm_source spellings that mean the same site. */
const SOURCE_ALIASES: Readonly<Record<string, string>> = {
  fb: "facebook",
  meta: "facebook",
  ig: "instagram",
  insta: "instagram",
  tw: "x",
  twitter: "x",
  adwords: "google",
  "google ads": "google",
  googleads: "google",
  google_ads: "google",
  yt: "youtube",
  "tik tok": "tiktok",
  li: "linkedin",
};

/** A source as written in a tag ("Facebook", "fb", "l.facebook.com") → name and site kind. */
function describeSource(source: string | null): HostInfo | null {
  if (source === null) return null;
  const alias = SOURCE_ALIASES[source];
  const name = alias ?? source;
  const host = name.includes(".") ? hostOf(name) : null;
  if (host) return describeHost(host);
  // Bare names: match them as the host "name.com" would be.
  const bare = describeHost(`${name.replace(/\s+/g, "")}.com`);
  return bare.kind === null ? { source: name, kind: null } : bare;
}

const EMAIL_WORDS =
  /e[-_ ]?mail|newsletter|klaviyo|mailchimp|omnisend|sendinblue|brevo|mailerlite|drip|sendgrid|hubspot[-_ ]?email/;
const SMS_MEDIUM = /^(sms|text|mms|text[-_ ]?message)$/;
const SMS_SOURCE = /^(sms|attentive|postscript|smsbump|yotpo[-_ ]?sms)$/;
const AFFILIATE = /^(affiliates?|partners?|partnership)$/;
const DISPLAY = /^(display|banner|expandable|interstitial|cpm|programmatic|native)$/;
const PAID = /^(.*cp.*|ppc|paid.*|retargeting|remarketing|ads?|sem|.*[-_ ]ads?)$/;
const SOCIAL_MEDIUM = /^(social|social[-_ ]?network|social[-_ ]?media|sm|organic[-_ ]?social|social[-_ ]?organic)$/;
const SEARCH_WORDS = /search|sem|cpc|ppc/;

function fromTags(utm: UtmParameters): Acquisition | null {
  const medium = utm.medium;
  const info = describeSource(utm.source);
  const source = info?.source ?? null;
  const kind = info?.kind ?? null;
  const campaign = utm.campaign;
  if (medium === null && source === null) return null;
  const result = (channel: Channel): Acquisition => ({ channel, source, medium, campaign, rule: "utm" });
  const m = medium ?? "";
  if (EMAIL_WORDS.test(m) || m === "mail" || EMAIL_WORDS.test(source ?? "") || kind === "email") return result("Email");
  if (SMS_MEDIUM.test(m) || SMS_SOURCE.test(source ?? "")) return result("SMS");
  if (AFFILIATE.test(m)) return result("Affiliate");
  if (DISPLAY.test(m)) return result("Display");
  if (PAID.test(m)) {
    if (kind === "social" || m.includes("social")) return result("Paid social");
    if (kind === "search" || kind === "ads-search" || SEARCH_WORDS.test(m)) return result("Paid search");
    return result("Display");
  }
  // As in GA4, a social or search site as the source is enough, whatever the (unrecognized) medium says.
  if (SOCIAL_MEDIUM.test(m) || kind === "social") return result("Organic social");
  if (m === "organic" || kind === "search") return result("Organic search");
  if (m === "referral" || m === "referrer") return result("Referral");
  if (m === "direct" || m === "typein") return result("Direct");
  return result("Other");
}

const CLICK_ID_CHANNEL: Readonly<Record<ClickId, [Channel, string]>> = {
  gclid: ["Paid search", "google"],
  gbraid: ["Paid search", "google"],
  wbraid: ["Paid search", "google"],
  dclid: ["Display", "google"],
  msclkid: ["Paid search", "bing"],
  // Facebook appends fbclid to every outbound link, paid or not.
  fbclid: ["Organic social", "facebook"],
  ttclid: ["Paid social", "tiktok"],
  twclid: ["Paid social", "x"],
  li_fat_id: ["Paid social", "linkedin"],
  sccid: ["Paid social", "snapchat"],
  epik: ["Paid social", "pinterest"],
};

const STAFF_SOURCE_NAMES = new Set(["shopify_draft_order", "iphone", "android", "admin"]);
const ONLINE_SOURCE_NAMES = new Set(["web", "checkout", "store-api", "rest-api", "online_store", "online store"]);
const MARKETPLACE_NAMES =
  /^(amazon|ebay|etsy|walmart|google|facebook|instagram|tiktok|tiktok[-_ ]shop|shop|shop_app|zalando|bol|cdiscount|wish|mercadolibre|allegro)$/;

function lowerOrNull(value: unknown): string | null {
  return typeof value === "string" && value.trim().length > 0 ? value.trim().toLowerCase() : null;
}

/** WooCommerce meta as plain unprefixed keys ("source_type", "utm_source", …). */
function wooFields(meta: Readonly<Record<string, unknown>> | null | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  if (!meta || typeof meta !== "object") return fields;
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value !== "string") continue;
    const name = key.toLowerCase().replace(/^_?wc_order_attribution_/, "");
    fields.set(name, value);
  }
  return fields;
}

/** The acquisition channel of one order (pass the customer's first counted order). Never throws. */
export function classifyAcquisition(input: AcquisitionInput, options: AcquisitionOptions = {}): Acquisition {
  const none = (channel: Channel, rule: AcquisitionRule, source: string | null = null): Acquisition => ({
    channel,
    source,
    medium: null,
    campaign: null,
    rule,
  });
  const sourceName = lowerOrNull(input.sourceName);
  const createdVia = lowerOrNull(input.createdVia);
  const woo = wooFields(input.wooAttribution);
  const wooType = lowerOrNull(woo.get("source_type"));

  // 1-3: who placed the order, before any web signal (a draft order's landing site is the admin's).
  const mapped = sourceName !== null ? options.sourceNameChannels?.[sourceName] : undefined;
  if (mapped && (CHANNELS as readonly string[]).includes(mapped))
    return none(mapped, "source-name-mapping", sourceName);
  if ((sourceName !== null && STAFF_SOURCE_NAMES.has(sourceName)) || wooType === "admin" || wooType === "mobile_app")
    return none("Staff", "staff");
  if (createdVia === "admin") return none("Staff", "staff");
  if (sourceName === "pos" || (createdVia !== null && /(^|[-_ ])pos([-_ ]|$)/.test(createdVia)) || wooType === "pos")
    return none("Point of sale", "point-of-sale");
  if (sourceName !== null && (MARKETPLACE_NAMES.test(sourceName) || /^\d+$/.test(sourceName)))
    return none("Marketplace", "marketplace", /^\d+$/.test(sourceName) ? `app ${sourceName}` : sourceName);

  // 4: tags, from the landing site first, then WooCommerce's own utm_* meta (its session_entry is a landing page).
  const landing = parseLandingSite(input.landingSite ?? woo.get("session_entry") ?? null);
  const utm = { ...landing.utm };
  for (const key of ["source", "medium", "campaign", "content", "term", "id"] as const) {
    if (utm[key] === null) utm[key] = cleanTagValue(woo.get(`utm_${key}`) ?? null, true);
  }
  // WooCommerce records its own organic/referral/typein detection in utm_source/utm_medium; let source_type
  // speak for the medium when the medium itself is missing.
  if (utm.medium === null && (wooType === "organic" || wooType === "referral")) utm.medium = wooType;
  const tagged = fromTags(utm);
  if (tagged) return tagged;

  // 5: an ad click id without tags.
  if (landing.clickIds.length > 0) {
    const [channel, source] = CLICK_ID_CHANNEL[landing.clickIds[0]!];
    return { channel, source, medium: null, campaign: utm.campaign, rule: "click-id" };
  }

  // 6: the referring site.
  const own = new Set((options.ownHosts ?? []).map((h) => hostOf(h) ?? h.toLowerCase()));
  const host = hostOf(input.referringSite ?? woo.get("referrer") ?? null);
  if (host !== null && !own.has(host)) {
    const info = describeHost(host);
    if (info.kind !== "payment") {
      const channel: Channel =
        info.kind === "search"
          ? "Organic search"
          : info.kind === "social"
            ? "Organic social"
            : info.kind === "email"
              ? "Email"
              : info.kind === "ads-search"
                ? "Paid search"
                : info.kind === "ads-display"
                  ? "Display"
                  : "Referral";
      return { channel, source: info.source, medium: null, campaign: utm.campaign, rule: "referrer" };
    }
  }

  // 7: WooCommerce's own verdict without details.
  if (wooType === "typein") return none("Direct", "woocommerce-source-type");
  if (wooType === "organic") return none("Organic search", "woocommerce-source-type");
  if (wooType === "referral") return none("Referral", "woocommerce-source-type");

  // 8-9: an online order with no signal is direct; an order with no information at all is unknown.
  const online =
    (sourceName !== null && ONLINE_SOURCE_NAMES.has(sourceName)) ||
    (createdVia !== null && ONLINE_SOURCE_NAMES.has(createdVia)) ||
    (typeof input.landingSite === "string" && input.landingSite.trim().length > 0) ||
    host !== null ||
    woo.size > 0;
  return online ? none("Direct", "direct") : none("Unknown", "unknown");
}

/** Channel code (index into CHANNELS) for columnar storage. */
export function channelCode(channel: Channel): number {
  return CHANNELS.indexOf(channel);
}

/**
 * Answers of the "how did you hear about us" question (catalogue id `attribution`) and the tracked channels
 * that agree with each. Self-reports and tracking measure different things (the first touch remembered vs the
 * last click recorded), so both are shown side by side; this table only says when they agree.
 */
export const SURVEY_ANSWER_CHANNELS: Readonly<Record<string, readonly Channel[]>> = {
  instagram: ["Organic social", "Paid social"],
  facebook: ["Organic social", "Paid social"],
  tiktok: ["Organic social", "Paid social"],
  // YouTube ads are bought through Google Ads and arrive with a gclid.
  youtube: ["Organic social", "Paid social", "Paid search", "Display"],
  google: ["Organic search", "Paid search"],
  // Word of mouth arrives as a typed address or a shared link.
  friend: ["Direct", "Referral", "Organic social"],
  newsletter: ["Email"],
  press: ["Referral", "Direct"],
  other: [],
};

/** Whether a self-reported answer agrees with the tracked channel; null when there is no usable answer. */
export function surveyAgrees(channel: Channel, answer: string | null | undefined): boolean | null {
  const key = lowerOrNull(answer);
  if (key === null || !(key in SURVEY_ANSWER_CHANNELS) || key === "other") return null;
  return SURVEY_ANSWER_CHANNELS[key]!.includes(channel);
}

export interface SurveyComparisonRow {
  answer: string;
  respondents: number;
  /** Respondents per tracked channel, aligned with CHANNELS. */
  byChannel: number[];
  /** Share of respondents whose tracked channel agrees with the answer; null for "other" or no respondents. */
  agreementShare: number | null;
}

/**
 * Tracked channel × self-reported answer, one row per answer (customers without an answer are left out).
 * `channel` holds channel codes; `answer` the survey answer ids, null when not answered.
 */
export function compareWithSurvey(
  channel: ArrayLike<number>,
  answer: ArrayLike<string | null | undefined>,
): SurveyComparisonRow[] {
  const rows = new Map<string, SurveyComparisonRow & { agreeing: number }>();
  const n = Math.min(channel.length, answer.length);
  for (let i = 0; i < n; i++) {
    const key = lowerOrNull(answer[i]);
    const code = channel[i]!;
    if (key === null || !(code >= 0 && code < CHANNELS.length)) continue;
    let row = rows.get(key);
    if (!row) {
      row = { answer: key, respondents: 0, byChannel: CHANNELS.map(() => 0), agreementShare: null, agreeing: 0 };
      rows.set(key, row);
    }
    row.respondents++;
    row.byChannel[code]!++;
    if (surveyAgrees(CHANNELS[code]!, key)) row.agreeing++;
  }
  return [...rows.values()]
    .sort((a, b) => b.respondents - a.respondents || (a.answer < b.answer ? -1 : 1))
    .map(({ agreeing, ...row }) => ({
      ...row,
      agreementShare: hasExpectation(row.answer) && row.respondents > 0 ? agreeing / row.respondents : null,
    }));
}

function hasExpectation(answer: string): boolean {
  return answer in SURVEY_ANSWER_CHANNELS && answer !== "other";
}

/**
 * What the nightly's intelligence phases store (StoreInsight rows, one JSON document per kind) and the pages
 * read. Shared by app/jobs/nightly/intelligence.server.ts (writer) and the read models beside this file.
 */
export const INSIGHT_KINDS = ["channels", "retention", "products", "journey", "shopify-groups"] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

/**
 * Journey stage moves per day (kept apart from "journey", which each run replaces): `{ days: JourneyMovesDay[] }`,
 * the last JOURNEY_MOVE_DAYS days, a rerun on the same day adding to that day as SegmentTransition rows accumulate.
 */
export const JOURNEY_MOVES_KIND = "journey-moves";
export const JOURNEY_MOVE_DAYS = 35;
export interface JourneyMove {
  from: string;
  to: string;
  customers: number;
}
export interface JourneyMovesDay {
  day: string;
  moves: JourneyMove[];
}

/** Adds one run's moves to the stored days (same day: counts add up), newest last, at most JOURNEY_MOVE_DAYS. */
export function mergeJourneyMoves(stored: JourneyMovesDay[], day: string, moves: JourneyMove[]): JourneyMovesDay[] {
  const days = stored.filter((d) => d.day !== day);
  const today = new Map<string, JourneyMove>();
  for (const m of [...(stored.find((d) => d.day === day)?.moves ?? []), ...moves]) {
    const key = `${m.from}>${m.to}`;
    const held = today.get(key);
    if (held) held.customers += m.customers;
    else today.set(key, { ...m });
  }
  days.push({ day, moves: [...today.values()].sort((a, b) => b.customers - a.customers) });
  return days.sort((a, b) => a.day.localeCompare(b.day)).slice(-JOURNEY_MOVE_DAYS);
}

/** Moves on days after `afterDay` up to `uptoDay` (YYYY-MM-DD), summed per from/to, largest first. */
export function journeyMovesBetween(days: JourneyMovesDay[], afterDay: string, uptoDay: string): JourneyMove[] {
  const sum = new Map<string, JourneyMove>();
  for (const d of days) {
    if (d.day <= afterDay || d.day > uptoDay) continue;
    for (const m of d.moves) {
      const key = `${m.from}>${m.to}`;
      const held = sum.get(key);
      if (held) held.customers += m.customers;
      else sum.set(key, { ...m });
    }
  }
  return [...sum.values()].sort((a, b) => b.customers - a.customers || a.from.localeCompare(b.from));
}

/** The merchant's own inputs for the maximum acquisition cost (written by the Channels page). */
export const ACQUISITION_SETTINGS_KIND = "acquisition-settings";

/** Horizons the nightly prepares the maximum acquisition cost for (days). */
export const INSIGHT_HORIZONS = [90, 180, 365, 730] as const;
/** Periods the merchant can enter acquisition spend for (days ending on the run's reference day). */
export const SPEND_PERIODS = [30, 90, 365] as const;

/**
 * The largest spend sheet the Channels page accepts: a channel per line needs a few dozen bytes, so this is far
 * beyond any real one, and with the multipart wrapping it stays under the 256 KiB every form of Ciclo's pages may send.
 */
export const SPEND_CSV_MAX_BYTES = 200 * 1024;

/** The most customers the Top customers page and its CSV list. */
export const TOP_CUSTOMERS_MAX = 10_000;

/** The merchant's spend per campaign (written by the Channels page): `CampaignSpendSettings`. */
export const CAMPAIGN_SPEND_KIND = "campaign-spend";

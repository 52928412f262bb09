/**
 * The Ciclo tags a customer should carry, from their scores and survey answers and the merchant's settings.
 * Pure. Every tag starts with the merchant's prefix (default "ciclo:"); tags without it are never ours.
 */
import { lifecycleSegmentation, rfmSegmentation, segmentTag } from "../../domain/segmentations";
import { parseTagFamilies as familiesIn, type TagFamily } from "../../domain/tag-families";

export { TAG_FAMILIES, type TagFamily } from "../../domain/tag-families";

export interface TagSettings {
  prefix: string;
  families: ReadonlySet<TagFamily>;
}

export interface CustomerTagInput {
  segment: string; // slug
  stage: string; // slug
  /** 0..100, null without a predictive model. */
  clvPercentile: number | null;
  npsCategory?: "promoter" | "passive" | "detractor" | null;
  jtbdAnswers?: readonly string[];
  /** The title of the product to suggest next (family "next", off by default), or null. */
  nextProduct?: string | null;
}

/** `Trail Mug (350 ml)` -> `trail-mug-350-ml`: a product title as a tag word (accents dropped, at most 60). */
export function productTagWord(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 60)
    .replace(/^-+|-+$/g, "");
}

export const DEFAULT_TAG_SETTINGS: TagSettings = { prefix: "ciclo:", families: new Set(["rfm", "stage", "clv"]) };

/** The families switched on in a stored comma-separated list, as a set. */
export function parseTagFamilies(text: string): Set<TagFamily> {
  return new Set(familiesIn(text));
}

/** Highest CLV bucket the customer is in, or null. */
export function clvBucket(percentile: number | null): string | null {
  if (percentile === null || !Number.isFinite(percentile)) return null;
  if (percentile >= 99) return "clv-top-1";
  if (percentile >= 90) return "clv-top-10";
  if (percentile >= 75) return "clv-top-25";
  return null;
}

export function desiredTags(input: CustomerTagInput, settings: TagSettings): string[] {
  const tags: string[] = [];
  const { prefix, families } = settings;
  // Group and stage tags as their segmentations define them (app/domain/segmentations/).
  const rfm = families.has("rfm") ? segmentTag(rfmSegmentation, input.segment, prefix) : null;
  if (rfm) tags.push(rfm);
  const stage = families.has("stage") ? segmentTag(lifecycleSegmentation, input.stage, prefix) : null;
  if (stage) tags.push(stage);
  const bucket = families.has("clv") ? clvBucket(input.clvPercentile) : null;
  if (bucket) tags.push(prefix + bucket);
  if (families.has("nps") && input.npsCategory) tags.push(`${prefix}nps-${input.npsCategory}`);
  if (families.has("jtbd")) for (const answer of input.jtbdAnswers ?? []) tags.push(`${prefix}jtbd-${answer}`);
  const next = families.has("next") && input.nextProduct ? productTagWord(input.nextProduct) : "";
  if (next) tags.push(`${prefix}next-${next}`);
  return tags.sort();
}

/** A customer's desired tags and their stored form (the JSON text CustomerLabels keeps). */
export interface DesiredTags {
  tags: readonly string[];
  json: string;
}

/**
 * desiredTags for a whole run: a customer without survey answers shares the list with every customer alike in what
 * the merchant's tag families use (segment, stage, CLV bucket, and the suggested product only when "next" is on: a
 * million customers have a few dozen lists, or a few thousand with "next"), so each list is built, sorted and
 * serialised once. The lists are shared: callers must not change them.
 */
export function desiredTagsOfRun(settings: TagSettings): (input: CustomerTagInput) => DesiredTags {
  const { families } = settings;
  const build = (input: CustomerTagInput): DesiredTags => {
    const tags = desiredTags(input, settings);
    return { tags, json: JSON.stringify(tags) };
  };
  // By segment, then stage, then CLV bucket, then product: lookups by the run's own strings, whose hashes V8 keeps,
  // instead of a key text built per customer. A part no family uses is left out ("").
  const lists = new Map<string, Map<string, Map<string, Map<string, DesiredTags>>>>();
  let size = 0;
  // The map below `key`, made on first need (one function for every level: none is made per customer).
  const level = <V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> => {
    let value = map.get(key);
    if (value === undefined) map.set(key, (value = new Map()));
    return value;
  };
  return (input) => {
    if (input.npsCategory || (input.jtbdAnswers?.length ?? 0) > 0) return build(input);
    const bySegment = level(lists, families.has("rfm") ? input.segment : "");
    const byStage = level(bySegment, families.has("stage") ? input.stage : "");
    const byBucket = level(byStage, families.has("clv") ? (clvBucket(input.clvPercentile) ?? "") : "");
    const product = families.has("next") ? (input.nextProduct ?? "") : "";
    let list = byBucket.get(product);
    if (!list) {
      if (size++ >= 100_000) {
        lists.clear(); // a store suggesting many products: bounded
        size = 0;
        return build(input);
      }
      byBucket.set(product, (list = build(input)));
    }
    return list;
  };
}

/** What to add and remove so `current` becomes `desired`, touching only tags with our prefixes. */
export function tagDiff(
  current: readonly string[],
  desired: readonly string[],
  ownPrefixes: readonly string[],
): { add: string[]; remove: string[] } {
  const isOurs = (tag: string) => ownPrefixes.some((p) => tag.startsWith(p));
  const want = new Set(desired);
  const have = new Set(current.filter(isOurs));
  return {
    add: [...want].filter((t) => !have.has(t)).sort(),
    remove: [...have].filter((t) => !want.has(t)).sort(),
  };
}

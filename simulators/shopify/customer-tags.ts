/**
 * Customer tag rules the simulator enforces for tagsAdd / tagsRemove (shopify.dev tagsAdd: `tags` is a list of
 * strings or one comma-separated string; tags are matched case-insensitively and kept in the order added).
 * Limits: 255 characters per tag and 250 tags per customer — Shopify publishes these for products; we assume the
 * same for customers (docs/decisions/041). The exact userError wording is not published; ours is documented there.
 */

export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS_PER_CUSTOMER = 250;

export interface TagUserError {
  field: string[] | null;
  message: string;
}

/** Splits every element on commas and trims, as Shopify accepts `["a", "b"]` or `"a, b"`; drops blanks. */
export function normalizeTagInput(input: readonly string[]): string[] {
  return input
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

const key = (tag: string) => tag.toLowerCase();

/** Tags after adding `input` (no duplicates, case-insensitive), or the userErrors that refuse the change. */
export function addTags(
  current: readonly string[],
  input: readonly string[],
): { tags: string[] } | { userErrors: TagUserError[] } {
  const wanted = normalizeTagInput(input);
  if (wanted.length === 0) return { userErrors: [{ field: ["tags"], message: "Tags can't be blank" }] };
  const tooLong = wanted.find((t) => t.length > MAX_TAG_LENGTH);
  if (tooLong)
    return {
      userErrors: [
        {
          field: ["tags"],
          message: `Tag '${tooLong.slice(0, 40)}…' is too long (maximum is ${MAX_TAG_LENGTH} characters)`,
        },
      ],
    };
  const tags = [...current];
  const seen = new Set(tags.map(key));
  for (const t of wanted)
    if (!seen.has(key(t))) {
      seen.add(key(t));
      tags.push(t);
    }
  if (tags.length > MAX_TAGS_PER_CUSTOMER)
    return { userErrors: [{ field: ["tags"], message: `Tags cannot be more than ${MAX_TAGS_PER_CUSTOMER}` }] };
  return { tags };
}

/** Tags after removing `input` (case-insensitive); removing a tag that is not there is not an error. */
export function removeTags(
  current: readonly string[],
  input: readonly string[],
): { tags: string[] } | { userErrors: TagUserError[] } {
  const unwanted = new Set(normalizeTagInput(input).map(key));
  if (unwanted.size === 0) return { userErrors: [{ field: ["tags"], message: "Tags can't be blank" }] };
  return { tags: current.filter((t) => !unwanted.has(key(t))) };
}

export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

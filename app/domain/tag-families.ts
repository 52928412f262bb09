/** The families of Ciclo tags a merchant can switch on (Settings), in the order the admin lists them. */
export const TAG_FAMILIES = ["rfm", "stage", "clv", "nps", "jtbd", "next"] as const;
export type TagFamily = (typeof TAG_FAMILIES)[number];

/** "rfm, stage,bogus" -> ["rfm", "stage"]: the known families in a comma-separated list, in TAG_FAMILIES order. */
export function parseTagFamilies(list: string): TagFamily[] {
  const items = list.split(",").map((s) => s.trim());
  return TAG_FAMILIES.filter((f) => items.includes(f));
}

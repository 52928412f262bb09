/**
 * A run's desired tags (desiredTagsOfRun): for every kind of customer exactly the list desiredTags builds, and its
 * stored text; customers alike in what the merchant's tag families use (segment, stage, CLV bucket, next product)
 * share one list, customers with survey answers get their own.
 */
import { describe, expect, it } from "vitest";
import { desiredTags, desiredTagsOfRun, type TagFamily, type TagSettings } from "../../../app/jobs/tags/desired-tags";
import { RFM_SEGMENTS } from "../../../app/domain/segments";
import { LIFECYCLE_STAGES } from "../../../app/domain/lifecycle";
import { toSlug } from "../../../app/domain/names";

const settings: TagSettings = { prefix: "shop:", families: new Set(["rfm", "stage", "clv", "nps", "jtbd", "next"]) };

describe("a run's desired tags", () => {
  it("are desiredTags' lists, shared between customers whose tags can only be the same", () => {
    const desiredOf = desiredTagsOfRun(settings);
    const segments = [...RFM_SEGMENTS.map(toSlug), "prospects"];
    const stages = [...LIFECYCLE_STAGES.map(toSlug), "prospect"];
    const percentiles = [null, 10, 75, 80, 90, 99.5, NaN];
    const products = [null, "Trail Mug (350 ml)", "Café crème"];
    const surveys = [
      { npsCategory: null, jtbdAnswers: [] },
      { npsCategory: "promoter" as const, jtbdAnswers: [] },
      { npsCategory: null, jtbdAnswers: ["gift", "gift"] },
    ];
    let shared = 0;
    for (const segment of segments)
      for (const stage of stages)
        for (const clvPercentile of percentiles)
          for (const nextProduct of products)
            for (const survey of surveys) {
              const input = { segment, stage, clvPercentile, nextProduct, ...survey };
              const first = desiredOf(input);
              expect(first.tags).toEqual(desiredTags(input, settings));
              expect(first.json).toBe(JSON.stringify(desiredTags(input, settings)));
              // Asked again: the same list object when no survey answer is involved.
              const again = desiredOf({ ...input, clvPercentile: clvPercentile === 80 ? 76 : clvPercentile });
              expect(again.json).toBe(first.json);
              const answered = survey.npsCategory !== null || survey.jtbdAnswers.length > 0;
              expect(again === first).toBe(!answered);
              if (again === first) shared++;
            }
    expect(shared).toBeGreaterThan(1000);
  });

  it("keep a prefix's and families' own lists apart", () => {
    const input = { segment: "champions", stage: "hero", clvPercentile: 99.5, nextProduct: null };
    const tagsOnly = desiredTagsOfRun({ prefix: "ciclo:", families: new Set(["rfm"]) })(input);
    expect(tagsOnly.tags).toEqual(["ciclo:rfm-champions"]);
    expect(desiredTagsOfRun(settings)(input).tags).toEqual(desiredTags(input, settings));
  });

  it("share one list between customers who differ only in what no family of the merchant's turns into a tag", () => {
    const parts: TagFamily[] = ["rfm", "stage", "clv", "next"];
    const inputs = [
      { segment: "champions", stage: "hero", clvPercentile: 99.5, nextProduct: "Trail Mug (350 ml)" },
      { segment: "champions", stage: "lost", clvPercentile: 92, nextProduct: "Café crème" },
      { segment: "at-risk", stage: "hero", clvPercentile: 10, nextProduct: null },
      { segment: "at-risk", stage: "lost", clvPercentile: null, nextProduct: "Trail Mug (350 ml)" },
    ];
    // Every subset of the families that tell customers apart.
    for (let mask = 0; mask < 1 << parts.length; mask++) {
      const own: TagSettings = { prefix: "ciclo:", families: new Set(parts.filter((_, k) => mask & (1 << k))) };
      const desiredOf = desiredTagsOfRun(own);
      const seen = new Map<string, ReturnType<typeof desiredOf>>();
      for (const input of inputs) {
        const list = desiredOf(input);
        expect(list.tags).toEqual(desiredTags(input, own));
        // The same tags come as the same shared list: nothing a family does not use keeps them apart.
        const earlier = seen.get(list.json);
        if (earlier) expect(list).toBe(earlier);
        seen.set(list.json, list);
      }
    }
  });
});

/** The segmentation registry: every definition is sound, and RFM groups and lifecycle stages keep their names. */
import { describe, expect, it } from "vitest";
import {
  definitionProblems,
  lifecycleSegmentation,
  rfmSegmentation,
  SEGMENTATIONS,
  segmentationById,
  segmentOf,
  segmentTag,
  type Segmentation,
} from "../../app/domain/segmentations";
import { SEGMENTS, STAGES, NO_STAGE_SLUG } from "../../app/domain/names";
import { TAG_FAMILIES } from "../../app/domain/tag-families";
import { desiredTags } from "../../app/jobs/tags/desired-tags";

describe("segmentations", () => {
  it("lists RFM groups and lifecycle stages, each sound, with distinct ids and known tag families", () => {
    expect(SEGMENTATIONS.map((s) => s.id)).toEqual(["rfm", "lifecycle"]);
    for (const s of SEGMENTATIONS) {
      expect(definitionProblems(s), s.id).toEqual([]);
      if (s.tagFamily !== null) expect(TAG_FAMILIES).toContain(s.tagFamily);
    }
    expect(new Set(SEGMENTATIONS.map((s) => s.id)).size).toBe(SEGMENTATIONS.length);
    expect(segmentationById("lifecycle")).toBe(lifecycleSegmentation);
    expect(segmentationById("nope")).toBeNull();
  });

  it("keeps the 11 RFM names and the stored slugs, explanations and tones from the domain", () => {
    expect(rfmSegmentation.segments.map((s) => s.label)).toEqual(SEGMENTS.map((s) => s.name));
    expect(rfmSegmentation.segments.map((s) => s.key)).toEqual(SEGMENTS.map((s) => s.slug));
    expect(segmentOf(rfmSegmentation, "champions")).toMatchObject({ label: "Champions", tone: "success" });
    expect(segmentOf(rfmSegmentation, "at-risk")?.tone).toBe("attention");
    expect(segmentOf(rfmSegmentation, "dormant")?.tone).toBe("neutral");
    expect(rfmSegmentation.tagFamily).toBe("rfm");
  });

  it("lists every lifecycle stage plus customers without orders", () => {
    expect(lifecycleSegmentation.segments.map((s) => s.key)).toEqual([...STAGES.map((s) => s.slug), NO_STAGE_SLUG]);
    expect(segmentOf(lifecycleSegmentation, "lost")?.tone).toBe("critical");
    expect(lifecycleSegmentation.tagFamily).toBe("stage");
  });

  it("names the tag each segment carries, as the nightly tag push writes it", () => {
    expect(segmentTag(rfmSegmentation, "champions", "ciclo:")).toBe("ciclo:rfm-champions");
    expect(segmentTag(lifecycleSegmentation, "hero", "x:")).toBe("x:stage-hero");
    // Customers without orders carry neither tag.
    expect(segmentTag(rfmSegmentation, "prospects", "ciclo:")).toBeNull();
    expect(segmentTag(lifecycleSegmentation, NO_STAGE_SLUG, "ciclo:")).toBeNull();
    const both = { prefix: "ciclo:", families: new Set(["rfm", "stage"] as const) };
    for (const s of rfmSegmentation.segments) {
      const tags = desiredTags({ segment: s.key, stage: "hero", clvPercentile: null }, both);
      expect(
        tags.filter((t) => t.startsWith("ciclo:rfm-")),
        s.key,
      ).toEqual([segmentTag(rfmSegmentation, s.key, "ciclo:")].filter(Boolean));
    }
    for (const s of lifecycleSegmentation.segments) {
      const tags = desiredTags({ segment: "champions", stage: s.key, clvPercentile: null }, both);
      expect(
        tags.filter((t) => t.startsWith("ciclo:stage-")),
        s.key,
      ).toEqual([segmentTag(lifecycleSegmentation, s.key, "ciclo:")].filter(Boolean));
    }
    expect(segmentTag({ ...rfmSegmentation, tagFamily: null }, "champions", "ciclo:")).toBeNull();
  });

  it("assigns from the core scoring's columns", () => {
    const input = {
      size: 2,
      orders: [3, 0],
      recencyDays: [4, NaN],
      r: [5, 0],
      f: [4, 0],
      m: [4, 0],
      spendMinor: [9000, 0],
      historicClvMinor: [9000, 0],
      pAlive: null,
      rfmSegment: ["champions", "prospects"],
      lifecycleStage: ["hero", "prospect"],
    };
    expect([0, 1].map((i) => rfmSegmentation.assign(input, i))).toEqual(["champions", "prospects"]);
    expect([0, 1].map((i) => lifecycleSegmentation.assign(input, i))).toEqual(["hero", "prospect"]);
  });

  it("reports what is wrong with a broken definition", () => {
    const broken: Segmentation = {
      id: "Bad Id",
      name: "Broken",
      description: "",
      tagFamily: null,
      segments: [
        { key: "a", label: "A", explanation: "x", tone: "neutral" },
        { key: "a", label: "", explanation: "x", tone: "neutral" },
      ],
      assign: () => "a",
    };
    expect(definitionProblems(broken)).toEqual([
      'id "Bad Id" is not lower-case-with-dashes',
      'key "a" twice',
      'key "a" lacks a label or explanation',
    ]);
  });
});

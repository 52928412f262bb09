/** Lifecycle stages (app/domain/lifecycle.ts, relative to the store's own rhythm) as a segmentation. */
import { NO_STAGE_SLUG, STAGES } from "../names";
import type { Segmentation, SegmentTone } from "./segmentation";

const TONES: Record<string, SegmentTone> = { hero: "success", "at-risk": "attention", lost: "critical" };

export const lifecycleSegmentation: Segmentation = {
  id: "lifecycle",
  name: "Lifecycle stages",
  description:
    "Where each customer is in their own buying rhythm: new, repeat, due for the next order, or drifting away.",
  segments: [
    ...STAGES.map((s) => ({ key: s.slug, label: s.name, explanation: s.definition, tone: TONES[s.slug] ?? "neutral" })),
    {
      key: NO_STAGE_SLUG,
      label: "No orders yet",
      explanation: "No counted orders yet, so no buying rhythm to place them in.",
      tone: "neutral",
      untagged: true,
    },
  ],
  tagFamily: "stage",
  assign: (input, i) => input.lifecycleStage[i]!,
};

/**
 * Every segmentation the nightly job assigns and the admin shows, in the order the admin lists them. Adding one:
 * a file beside these exporting a Segmentation, and a line here (docs/decisions/146-segmentations-as-data.md).
 */
import { lifecycleSegmentation } from "./lifecycle";
import { rfmSegmentation } from "./rfm";
import type { Segmentation } from "./segmentation";

export const SEGMENTATIONS: readonly Segmentation[] = [rfmSegmentation, lifecycleSegmentation];

export function segmentationById(
  id: string,
  segmentations: readonly Segmentation[] = SEGMENTATIONS,
): Segmentation | null {
  return segmentations.find((s) => s.id === id) ?? null;
}

export { lifecycleSegmentation, rfmSegmentation };
export {
  definitionProblems,
  segmentOf,
  segmentTag,
  type Segmentation,
  type SegmentationInput,
  type SegmentDefinition,
  type SegmentTone,
} from "./segmentation";

/**
 * Classifies each customer's first counted order as the nightly's order read streams it (order-pass.ts): the
 * channel, campaign and value, without keeping the raw landing pages and referrers of a million customers. Plain
 * data in and out, so that a read on a thread of its own classifies its customers there.
 */
import { channelCode, classifyAcquisition, type Acquisition } from "../../domain/intelligence/channels";

/** What classifying a store's orders needs to know about the store. */
export interface AcquisitionContext {
  /** The store's own hosts: a referrer from them is not a referral. */
  ownHosts: string[];
  /** The stored sourceName is a creation path (WooCommerce's created_via), not a channel (PlatformDefinition). */
  sourceIsCreatedVia: boolean;
}

/** Where a customer's first counted order came from, as stored. */
export interface FirstOrderSource {
  sourceName: string | null;
  landingSite: string | null;
  referringSite: string | null;
  attribution: string | null;
  netMinor: number;
}

/** Each customer's acquisition channel (a CHANNELS code, 255 = none), campaign and first order's value. */
export interface Acquisitions {
  channel: Uint8Array;
  campaign: (string | null)[];
  firstOrderValue: Float64Array;
}

export interface AcquisitionCollector {
  visit(customer: number, source: FirstOrderSource): void;
  readonly result: Acquisitions;
}

function parseAttribution(value: string | null): Record<string, unknown> | null {
  if (value === null || value.length === 0) return null;
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** A collector for `customers` customers (indexes 0 … customers - 1), none visited yet. */
export function acquisitionCollector(context: AcquisitionContext, customers: number): AcquisitionCollector {
  const result: Acquisitions = {
    channel: new Uint8Array(customers).fill(255),
    campaign: new Array<string | null>(customers).fill(null),
    firstOrderValue: new Float64Array(customers).fill(NaN),
  };
  const seen = new Map<string, Acquisition>();
  return {
    result,
    visit(i, source) {
      const { sourceName, landingSite, referringSite, attribution } = source;
      // Many first orders share their source (same landing page and referrer): classify each distinct one once.
      const key = `${String(sourceName)}\u0000${String(landingSite)}\u0000${String(referringSite)}\u0000${String(attribution)}`;
      let acquisition = seen.get(key);
      if (acquisition === undefined) {
        acquisition = classifyAcquisition(
          {
            sourceName: context.sourceIsCreatedVia ? null : sourceName,
            createdVia: context.sourceIsCreatedVia ? sourceName : null,
            landingSite,
            referringSite,
            wooAttribution: parseAttribution(attribution),
          },
          { ownHosts: context.ownHosts },
        );
        if (seen.size >= 100_000) seen.clear();
        seen.set(key, acquisition);
      }
      result.channel[i] = channelCode(acquisition.channel);
      result.campaign[i] = acquisition.campaign;
      result.firstOrderValue[i] = source.netMinor;
    },
  };
}

/**
 * The app endpoint's answer for one customer, read defensively: the block must show something sensible (or
 * nothing) whatever comes back. Admin UI extensions send the session token with fetch() to the app's own URL
 * automatically; relative URLs resolve against the app URL.
 */
export interface CustomerInsights {
  found: boolean;
  segment: string | null;
  stage: string | null;
  historicClv: string | null;
  predictedClv: string | null;
  pAlive: number | null;
  nextOrderAt: string | null;
  lastNps: { score: number; answeredAt: string; reason: string | null } | null;
}

export const insightsPath = (customerGid: string) => `/api/admin/customer/${encodeURIComponent(customerGid)}`;

const text = (value: unknown) => (typeof value === "string" ? value : null);

export function readInsights(body: unknown): CustomerInsights | null {
  if (typeof body !== "object" || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.found !== "boolean") return null;
  const nps = typeof b.lastNps === "object" && b.lastNps !== null ? (b.lastNps as Record<string, unknown>) : null;
  return {
    found: b.found,
    segment: text(b.segment),
    stage: text(b.stage),
    historicClv: text(b.historicClv),
    predictedClv: text(b.predictedClv),
    pAlive: typeof b.pAlive === "number" ? b.pAlive : null,
    nextOrderAt: text(b.nextOrderAt),
    lastNps:
      nps && typeof nps.score === "number" && typeof nps.answeredAt === "string"
        ? { score: nps.score, answeredAt: nps.answeredAt, reason: text(nps.reason) }
        : null,
  };
}

export async function fetchInsights(customerGid: string, timeoutMs = 8000): Promise<CustomerInsights | null> {
  try {
    const response = await Promise.race([
      fetch(insightsPath(customerGid), { headers: { Accept: "application/json" } }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs)),
    ]);
    if (!response.ok) return null;
    return readInsights(await response.json());
  } catch {
    return null;
  }
}

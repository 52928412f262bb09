/** Last and next recompute of a store, for the Overview and Predictions pages and /api/status. Indexed reads. */
import type { Db } from "../db.server";
import { localParts } from "../jobs/schedule";

export interface RecomputeSummary {
  id: string;
  state: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  clvStatus: string | null;
  error: string | null;
  customers: number | null;
  /**
   * Each phase's duration (and rows, where it has some) in the order they started, with its start in milliseconds
   * from the run's (runs recorded before it was kept have none): the intelligence write and the tag diff overlap.
   */
  phases: { name: string; ms: number; startMs?: number; count?: number }[];
  /** customers, scored, tagChanges, transitions, … as the run recorded them. */
  counts: Record<string, number>;
}

export interface RecomputeStatus {
  last: RecomputeSummary | null;
  lastCompleted: RecomputeSummary | null;
  /** Next nightly run: the local hour, and whether it is later today or tomorrow (store time). */
  next: { hour: number; timeZone: string; day: "today" | "tomorrow" | "due now" };
}

function summary(run: {
  id: string;
  state: string;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  clvStatus: string | null;
  error: string | null;
  counts: string;
  phases: string;
}): RecomputeSummary {
  // Both are informational JSON written by the run; a malformed value only hides the numbers.
  const counts = Object.fromEntries(
    Object.entries(parseJson(run.counts, {})).filter((e): e is [string, number] => typeof e[1] === "number"),
  );
  const phases = parseJson<unknown[]>(run.phases, []).flatMap((p) => {
    const { name, ms, startMs, count } = (p ?? {}) as {
      name?: unknown;
      ms?: unknown;
      startMs?: unknown;
      count?: unknown;
    };
    if (typeof name !== "string" || typeof ms !== "number") return [];
    return [
      {
        name,
        ms,
        ...(typeof startMs === "number" ? { startMs } : {}),
        ...(typeof count === "number" ? { count } : {}),
      },
    ];
  });
  return {
    id: run.id,
    state: run.state,
    trigger: run.trigger,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    clvStatus: run.clvStatus,
    error: run.error,
    customers: counts.customers ?? null,
    phases,
    counts,
  };
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    const value = JSON.parse(text) as unknown;
    return (
      Array.isArray(fallback)
        ? Array.isArray(value)
        : typeof value === "object" && value !== null && !Array.isArray(value)
    )
      ? (value as T)
      : fallback;
  } catch {
    return fallback;
  }
}

const RUN_FIELDS = {
  id: true,
  state: true,
  trigger: true,
  startedAt: true,
  finishedAt: true,
  clvStatus: true,
  error: true,
  counts: true,
  phases: true,
} as const;

export async function recomputeStatus(
  db: Db,
  store: { id: string; timezone: string },
  scheduleHour: number,
  now = new Date(),
): Promise<RecomputeStatus> {
  const [last, lastCompleted] = await Promise.all([
    db.recomputeRun.findFirst({ where: { storeId: store.id }, orderBy: { startedAt: "desc" }, select: RUN_FIELDS }),
    db.recomputeRun.findFirst({
      where: { storeId: store.id, state: "completed" },
      orderBy: { startedAt: "desc" },
      select: RUN_FIELDS,
    }),
  ]);
  const local = localParts(now, store.timezone);
  const ranToday =
    lastCompleted?.finishedAt != null && localParts(lastCompleted.finishedAt, store.timezone).day === local.day;
  return {
    last: last ? summary(last) : null,
    lastCompleted: lastCompleted ? summary(lastCompleted) : null,
    next: {
      hour: scheduleHour,
      timeZone: store.timezone,
      day: ranToday ? "tomorrow" : local.hour < scheduleHour ? "today" : "due now",
    },
  };
}

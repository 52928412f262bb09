/**
 * The Predictions page: "how good are these predictions" from the latest run's holdout backtest, whether the
 * store has enough data, the fitted model parameters, and the recent recompute runs.
 */
import type { Db } from "../db.server";
import { parseModelReport, type ModelReport } from "./model-report";
import { recomputeStatus, type RecomputeStatus } from "./recompute-status.server";
import { readSettings } from "./settings.server";
import type { StoreView } from "./store-view";

export interface PredictionsPageData {
  store: StoreView;
  report: ModelReport | null;
  reportRunAt: string | null;
  recompute: RecomputeStatus;
  runs: {
    id: string;
    trigger: string;
    state: string;
    startedAt: string;
    durationMs: number | null;
    error: string | null;
  }[];
}

export async function loadPredictionsPage(db: Db, store: StoreView): Promise<PredictionsPageData> {
  const settings = await readSettings(db, store.id);
  const [recompute, withModel, runs] = await Promise.all([
    recomputeStatus(db, store, settings.scheduleHour),
    db.recomputeRun.findFirst({
      where: { storeId: store.id, state: "completed", model: { not: null } },
      orderBy: { startedAt: "desc" },
      select: { model: true, finishedAt: true },
    }),
    db.recomputeRun.findMany({
      where: { storeId: store.id },
      orderBy: { startedAt: "desc" },
      take: 10,
      select: { id: true, trigger: true, state: true, startedAt: true, finishedAt: true, error: true },
    }),
  ]);
  return {
    store,
    report: parseModelReport(withModel?.model ?? null),
    reportRunAt: withModel?.finishedAt?.toISOString() ?? null,
    recompute,
    runs: runs.map((run) => ({
      id: run.id,
      trigger: run.trigger,
      state: run.state,
      startedAt: run.startedAt.toISOString(),
      durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
      error: run.error,
    })),
  };
}

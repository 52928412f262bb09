/**
 * Ciclo's analytics core: pure functions, numbers in and numbers out (no I/O, no database, no clock; the
 * reference date is always passed in as an epoch day). See README.md in this folder for the entry points the
 * nightly job calls and what each number means.
 */
export { analyzeCustomerValue, type ClvAnalysis, type ClvAnalysisOptions } from "./clv/analyze";
export {
  summarizeAggregates,
  summarizePurchases,
  toEpochDay,
  fromEpochDay,
  type CustomerAggregates,
  type CustomerSummaryTable,
  type Purchase,
} from "./clv/summary";
export { scoreCustomers, type CustomerScores, type ScoringInput, type ScoringOptions } from "./clv/predict";
export { historicClv, type HistoricClv, type HistoricClvInputs } from "./clv/historic";
export {
  assessDataSufficiency,
  DEFAULT_SUFFICIENCY,
  type SufficiencyReason,
  type SufficiencyThresholds,
} from "./clv/sufficiency";
export {
  backtest,
  selectModelByHoldout,
  splitCalibrationHoldout,
  type BacktestResult,
  type ModelSelection,
} from "./clv/backtest";
export type { CountModel, CountModelName } from "./clv/countmodel";
export type { FitReport } from "./clv/fitreport";
export * as bgnbd from "./clv/bgnbd";
export * as mbgnbd from "./clv/mbgnbd";
export * as paretonbd from "./clv/paretonbd";
export * as bgbb from "./clv/bgbb";
export * as gammaGamma from "./clv/gammagamma";
export { scoreRfm, type RfmInput, type RfmOptions, type RfmScores } from "./rfm";
export { assignSegments, segmentFor, RFM_SEGMENTS, SEGMENT_GRID, SHOPIFY_RFM_GROUP, type RfmSegment } from "./segments";
export {
  classifyLifecycle,
  LIFECYCLE_STAGES,
  NO_STAGE,
  type LifecycleInput,
  type LifecycleResult,
  type LifecycleStage,
} from "./lifecycle";
export {
  aggregateCustomerOrders,
  countsTowardCustomerValue,
  netOrderAmountMinor,
  type ExclusionReason,
  type OrderAggregation,
} from "./orders";

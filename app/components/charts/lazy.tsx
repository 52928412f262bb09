/** Lazy handles to the Polaris Viz charts (loaded in the browser after first paint; see ChartFrame). */
import { lazy } from "react";

export const LazyBarChart = lazy(() => import("./viz").then((m) => ({ default: m.VizBarChart })));
export const LazyLineChart = lazy(() => import("./viz").then((m) => ({ default: m.VizLineChart })));
export const LazyGrid = lazy(() => import("./viz").then((m) => ({ default: m.VizGrid })));

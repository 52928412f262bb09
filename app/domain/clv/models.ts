/** Fit any of the shipped purchase models by name and get it back in the form the scoring code uses. */
import { asCountModel as bgNbdModel, fitBgNbd } from "./bgnbd";
import type { CountModel, CountModelName } from "./countmodel";
import type { FitReport } from "./fitreport";
import type { GroupedRepeatData } from "./grouping";
import { asCountModel as mbgNbdModel, fitMbgNbd } from "./mbgnbd";
import { asCountModel as paretoNbdModel, fitParetoNbd } from "./paretonbd";

export interface FittedCountModel {
  fit: FitReport<Record<string, number>>;
  model: CountModel;
}

export function fitCountModel(name: CountModelName, data: GroupedRepeatData): FittedCountModel {
  switch (name) {
    case "bgnbd": {
      const fit = fitBgNbd(data);
      return { fit, model: bgNbdModel(fit.params) };
    }
    case "mbgnbd": {
      const fit = fitMbgNbd(data);
      return { fit, model: mbgNbdModel(fit.params) };
    }
    case "paretonbd": {
      const fit = fitParetoNbd(data);
      return { fit, model: paretoNbdModel(fit.params) };
    }
  }
}

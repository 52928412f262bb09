/** Post-purchase surveys: catalogue, question sets, eligibility, answer validation, analytics, export, tags. */
export * from "./api";
export * from "./catalogue";
export * from "./question-kinds";
export * from "./order-id";
export * from "./free-text";
export * from "./answer-validation";
export * from "./question-sets";
export * from "./question-set-validation";
export * from "./cooldown";
export * from "./delivery";
export * from "./eligibility";
export * from "./responses";
export * from "./nps";
export * from "./analytics";
export * from "./search";
export * from "./csv";
export * from "./tags";

/**
 * A bulk write into TagOutboxPage with a column of each kind the writers convert (text, nullable text, int,
 * timestamp). A row: [id, storeId, state, runId, items, outcomes, problems, size, settledAt]; `state` is NOT NULL
 * (a null there is refused), `runId`, `problems` and `settledAt` may be null.
 */
export const OUTBOX_WRITE = {
  table: "TagOutboxPage",
  columns: [
    { name: "id", type: "text" as const },
    { name: "storeId", type: "text" as const },
    { name: "state", type: "text" as const },
    { name: "runId", type: "text" as const },
    { name: "items", type: "text" as const },
    { name: "outcomes", type: "text" as const },
    { name: "problems", type: "text" as const },
    { name: "size", type: "int" as const },
    { name: "settledAt", type: "timestamp" as const },
  ],
};

/** A bulk write into TagOutboxItem with a column of each kind the writers convert (text, int, timestamp). */
export const OUTBOX_WRITE = {
  table: "TagOutboxItem",
  columns: [
    { name: "id", type: "text" as const },
    { name: "storeId", type: "text" as const },
    { name: "customerId", type: "text" as const },
    { name: "customerExternalId", type: "text" as const },
    { name: "add", type: "text" as const },
    { name: "remove", type: "text" as const },
    { name: "metafields", type: "text" as const },
    { name: "attempts", type: "int" as const },
    { name: "appliedAt", type: "timestamp" as const },
  ],
};

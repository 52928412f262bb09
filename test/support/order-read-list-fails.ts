/**
 * Child script of test/jobs/nightly/order-read-slices.test.ts: the order read in three slices of a store whose
 * customer list fails to read after its threads were started. The read must fail and the process still end on its
 * own (the threads waiting for their slices are stopped).
 */
import { createBulkReader, type BulkReader } from "../../app/db/bulk-reader.server";
import { aggregateCustomers, type Dialect } from "../../app/jobs/nightly/aggregate.server";

const [url, dialect, storeId] = process.argv.slice(2) as [string, Dialect, string];
const reader = createBulkReader(url);
const failing = Object.create(reader, {
  rows: {
    value: async function* () {
      yield* []; // an async generator, like the reader's
      throw new Error("the customer list could not be read");
    },
  },
}) as BulkReader;
try {
  await aggregateCustomers(failing, {
    dialect,
    storeId,
    timeZone: "UTC",
    reference: new Date(),
    utcOffsetMinutes: 0,
    slices: 3,
  });
  console.log("read");
} catch (error) {
  console.log(`failed: ${(error as Error).message}`);
} finally {
  await reader.close();
}

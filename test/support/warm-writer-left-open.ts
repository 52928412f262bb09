/**
 * Child script of test/db/writer-warm-up.test.ts: a bulk writer whose thread was started ahead of any write
 * (warmUp) and then neither used nor closed. The process must still end on its own.
 */
import { createDb } from "../../app/db.server";
import { createBulkWriter } from "../../app/db/bulk-writer.server";

const url = process.argv[2]!;
const db = createDb(url);
const bulk = createBulkWriter(db, url, { writeThread: true });
bulk.warmUp();
await new Promise((resolve) => setTimeout(resolve, 1_000)); // the thread is up by now
await db.$disconnect();
console.log("left open");

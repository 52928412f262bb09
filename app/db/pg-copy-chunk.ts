/**
 * One chunk of a PostgreSQL bulk write, as COPY: straight into the table (plain inserts, and rows known to be new),
 * or into a temporary staging table and moved with one `INSERT … SELECT … ON CONFLICT` (upserts). Each chunk is a
 * transaction of its own. Run on the bulk writer's connection, or on its COPY thread's (pg-copy-thread.server.ts).
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

const UNIQUE_VIOLATION = "23505";

export interface CopyChunkPlan {
  table: string;
  /** The chunk's columns, quoted and comma-separated. */
  names: string;
  binary: boolean;
  /** Straight into the table first (an upsert's rows known to be new go this way, and through staging if not). */
  straight: boolean;
  /** The upsert's `ON CONFLICT …` clause; null for plain inserts. */
  conflict: string | null;
}

export async function copyChunk(client: pg.Client, plan: CopyChunkPlan, payload: Uint8Array | string): Promise<void> {
  const format = plan.binary ? " (FORMAT binary)" : "";
  // Measured: see docs/decisions/158-first-writes-copy-straight-in.md.
  if (plan.straight) {
    await client.query("BEGIN");
    try {
      await pipeline(
        Readable.from([payload]),
        client.query(copyFrom(`COPY "${plan.table}" (${plan.names}) FROM STDIN${format}`)),
      );
      await client.query("COMMIT");
      return;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (plan.conflict === null || (error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
  }
  const stage = `ciclo_stage_${plan.table.toLowerCase()}`;
  await client.query("BEGIN");
  try {
    await client.query(
      `CREATE TEMP TABLE "${stage}" ON COMMIT DROP AS SELECT ${plan.names} FROM "${plan.table}" WITH NO DATA`,
    );
    await pipeline(
      Readable.from([payload]),
      client.query(copyFrom(`COPY "${stage}" (${plan.names}) FROM STDIN${format}`)),
    );
    await client.query(
      `INSERT INTO "${plan.table}" (${plan.names}) SELECT ${plan.names} FROM "${stage}"${plan.conflict ?? ""}`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * The survey's hot-path database work behind one interface: the order/customer context of an answer, storing
 * an answer once, recording an impression. PostgreSQL goes through Prisma; SQLite (the embedded default) gets
 * a dedicated better-sqlite3 connection with prepared statements, as the webhook inbox does, because Prisma's
 * per-query overhead (~0.5 ms per statement, measured) was most of an answer's cost.
 */
import type Database from "better-sqlite3";
import { openSqlite, sqliteTimestamp } from "../db/sqlite-connection.server";
import { retryBusy, writeGateFor, type WriteGate } from "../db/sqlite-write-gate.server";
import { isPostgresUrl, type Db } from "../db.server";
import {
  CONTEXT_SQL_SQLITE,
  loadSurveyOrderContext,
  toSurveyOrderContext,
  type ContextRow,
  type SurveyOrderContext,
} from "./survey-customer-context.server";
import {
  insertSurveyResponse,
  recordSurveyImpression,
  type SurveyImpressionRow,
  type SurveyResponseRow,
} from "./survey-response-writer.server";
import { randomUUID } from "node:crypto";

export interface SurveyRepository {
  orderContext(
    storeId: string,
    orderId: string,
    customerExternalIdFromToken: string | null,
  ): Promise<SurveyOrderContext>;
  /** True when stored, false when that order + question already had an answer. */
  insertResponse(row: SurveyResponseRow): Promise<boolean>;
  /** True for the first impression of the order on that target. */
  recordImpression(row: SurveyImpressionRow): Promise<boolean>;
  close(): void;
}

export function createSurveyRepository(db: Db, databaseUrl: string): SurveyRepository {
  return isPostgresUrl(databaseUrl) ? new PrismaSurveyRepository(db) : new SqliteSurveyRepository(databaseUrl);
}

export class PrismaSurveyRepository implements SurveyRepository {
  constructor(private readonly db: Db) {}
  orderContext(storeId: string, orderId: string, customerExternalIdFromToken: string | null) {
    return loadSurveyOrderContext(this.db, storeId, orderId, customerExternalIdFromToken);
  }
  insertResponse(row: SurveyResponseRow) {
    return insertSurveyResponse(this.db, row);
  }
  recordImpression(row: SurveyImpressionRow) {
    return recordSurveyImpression(this.db, row);
  }
  close() {}
}

class SqliteSurveyRepository implements SurveyRepository {
  private readonly conn: Database.Database;
  private readonly context: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly impression: Database.Statement;

  private readonly gate: WriteGate;

  constructor(databaseUrl: string) {
    this.conn = openSqlite(databaseUrl);
    this.gate = writeGateFor(databaseUrl);
    this.conn.defaultSafeIntegers(true); // CLV is BigInt
    this.context = this.conn.prepare(CONTEXT_SQL_SQLITE);
    this.insert = this.conn.prepare(`
      INSERT INTO "SurveyResponse" ("id", "storeId", "orderExternalId", "customerId", "customerExternalId", "target",
        "questionSet", "questionId", "answerId", "score", "text", "locale", "segmentAtAnswer", "stageAtAnswer",
        "clvAtAnswerMinor", "createdAt")
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT ("storeId", "orderExternalId", "questionId") DO NOTHING`);
    this.impression = this.conn.prepare(`
      INSERT INTO "SurveyImpression" ("id", "storeId", "orderExternalId", "customerId", "target", "createdAt")
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT ("storeId", "orderExternalId", "target") DO NOTHING`);
  }

  async orderContext(storeId: string, orderId: string, customerExternalIdFromToken: string | null) {
    const row = await retryBusy(
      () =>
        this.context.get({ storeId, orderId, tokenCustomer: customerExternalIdFromToken ?? "" }) as
          ContextRow | undefined,
    );
    return toSurveyOrderContext(row, customerExternalIdFromToken);
  }

  async insertResponse(r: SurveyResponseRow) {
    return this.gate.run("survey answer", () => retryBusy(() => this.insertNow(r)));
  }

  private insertNow(r: SurveyResponseRow): boolean {
    const result = this.insert.run(
      randomUUID(),
      r.storeId,
      r.orderExternalId,
      r.customerId,
      r.customerExternalId,
      r.target,
      r.questionSet,
      r.questionId,
      r.answerId,
      r.score,
      r.text,
      r.locale,
      r.segmentAtAnswer,
      r.stageAtAnswer,
      r.clvAtAnswerMinor,
      sqliteTimestamp(r.createdAt),
    );
    return result.changes === 1;
  }

  async recordImpression(r: SurveyImpressionRow) {
    return this.gate.run("survey impression", () => retryBusy(() => this.recordNow(r)));
  }

  private recordNow(r: SurveyImpressionRow): boolean {
    const result = this.impression.run(
      randomUUID(),
      r.storeId,
      r.orderExternalId,
      r.customerId,
      r.target,
      sqliteTimestamp(r.createdAt),
    );
    return result.changes === 1;
  }

  close() {
    this.conn.close();
  }
}

/**
 * Prisma's better-sqlite3 driver adapter, held to the writer discipline of sqlite-write-gate.server.ts:
 * - Prisma shares one connection for everything; its own mutex only orders transactions against each other, so a
 *   plain query issued while another request's transaction is open runs *inside* that transaction and is rolled
 *   back with it. Here every query outside a transaction waits for the file's write gate, and a transaction holds
 *   the gate from BEGIN to COMMIT/ROLLBACK.
 * - Transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so a transaction never fails half
 *   way because another connection wrote first (a deferred BEGIN upgrading to a writer can only give up).
 * - busy_timeout is 0 and SQLITE_BUSY is retried on a timer: never a spin inside the event loop.
 * - On the request thread every statement starts in a turn of its own (`nextTurn`). better-sqlite3 answers at once,
 *   so without it Prisma runs a whole transaction — a webhook batch's thirty statements, each compiled and
 *   interpreted — as one chain of microtasks, and requests wait for all of it.
 */
import { isMainThread } from "node:worker_threads";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { retryBusy, writeGateFor, type WriteGate } from "./sqlite-write-gate.server";

type SqlDriverAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<SqlDriverAdapter["startTransaction"]>>;
type SqlQuery = Parameters<SqlDriverAdapter["queryRaw"]>[0];

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

/** Lets the event loop serve what is waiting (timers, sockets) before the next statement; workers run straight on. */
const nextTurn: () => Promise<void> = isMainThread
  ? () => new Promise((resolve) => setImmediate(resolve))
  : () => Promise.resolve();

/** Pragmas of every app connection to the SQLite file: WAL (readers never wait for the writer), NORMAL sync. */
export const SQLITE_CONNECTION_PRAGMAS = [
  "journal_mode = WAL",
  "synchronous = NORMAL",
  "busy_timeout = 0",
  "temp_store = MEMORY",
  // Connections of the request thread never checkpoint: the commit that crosses the WAL threshold copies the
  // whole WAL into the database (and fsyncs it) synchronously, and after a nightly write that WAL is hundreds of
  // megabytes. Checkpoints run in a worker thread (sqlite-checkpointer.server.ts) and in the nightly's.
  ...(isMainThread ? ["wal_autocheckpoint = 0"] : []),
];

class GatedAdapter {
  readonly provider: SqlDriverAdapter["provider"];
  readonly adapterName: string;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly gate: WriteGate,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async queryRaw(query: SqlQuery) {
    await nextTurn();
    return this.gate.run("prisma query", () => retryBusy(() => this.inner.queryRaw(query)));
  }

  async executeRaw(query: SqlQuery) {
    await nextTurn();
    return this.gate.run("prisma statement", () => retryBusy(() => this.inner.executeRaw(query)));
  }

  async executeScript(script: string) {
    await nextTurn();
    return this.gate.run("prisma script", () => retryBusy(() => this.inner.executeScript(script)));
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  async startTransaction(): Promise<Transaction> {
    const release = await this.gate.acquire("prisma transaction");
    try {
      await retryBusy(() => this.inner.executeRaw(statement("BEGIN IMMEDIATE")));
    } catch (error) {
      release();
      throw error;
    }
    const inner = this.inner;
    // Prisma sends COMMIT / ROLLBACK itself through executeRaw, then calls commit() / rollback().
    return {
      provider: inner.provider,
      adapterName: inner.adapterName,
      options: { usePhantomQuery: false },
      queryRaw: async (query: SqlQuery) => {
        await nextTurn();
        return inner.queryRaw(query);
      },
      executeRaw: async (query: SqlQuery) => {
        await nextTurn();
        return inner.executeRaw(query);
      },
      commit: async () => release(),
      rollback: async () => release(),
    };
  }

  dispose() {
    return this.inner.dispose();
  }
}

/** The driver-adapter factory for `new PrismaClient({ adapter })` on a SQLite file URL. */
export class GatedSqliteAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  private readonly inner: PrismaBetterSQLite3;

  constructor(private readonly url: string) {
    this.inner = new PrismaBetterSQLite3({ url });
    this.adapterName = this.inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    for (const pragma of SQLITE_CONNECTION_PRAGMAS) await adapter.executeScript(`PRAGMA ${pragma}`);
    return new GatedAdapter(adapter, writeGateFor(this.url)) as unknown as SqlDriverAdapter;
  }
}

/**
 * One writer at a time per SQLite file in this process, and never a busy-wait in the event loop.
 *
 * better-sqlite3 is synchronous: a statement that meets another connection's write lock spins inside the event
 * loop for up to `busy_timeout`, freezing every request of the process — and if the lock holder is a transaction
 * of this same process that needs the event loop to finish, it can never finish. So every connection of ours
 * runs with `busy_timeout = 0`, and:
 * - in this process, writers take turns through an async FIFO gate (a Prisma transaction holds it from BEGIN to
 *   COMMIT; a bulk chunk holds it for one synchronous statement batch), so in-process writers never collide;
 * - another thread or process holding the lock (the recompute worker, a second app process) makes a statement
 *   fail at once with SQLITE_BUSY, and `retryBusy` waits on a timer and tries again;
 * - batch writers (bulk chunks of the nightly job, which runs in a worker thread) give way: while any thread of
 *   the process is waiting for the lock, they pause before their next chunk (`giveWayToWaiters`), so a webhook
 *   waits for at most the chunk in progress, never for a whole phase.
 * See docs/decisions/090-sqlite-writer-discipline.md.
 */
import { logger } from "../logger.server";

export class WriteGate {
  private held = false;
  private holder = "";
  private readonly waiting: Array<{ label: string; wake: () => void }> = [];

  /** Resolves when the caller holds the gate; call the returned function exactly once to let the next one in. */
  async acquire(label: string): Promise<() => void> {
    if (this.held) {
      const queued = performance.now();
      await new Promise<void>((wake) => this.waiting.push({ label, wake }));
      const waited = performance.now() - queued;
      // A long wait means someone held a write transaction far longer than the discipline allows.
      if (waited > 2_000) logger.warn("sqlite write gate waited", { label, waitedMs: Math.round(waited) });
    }
    this.held = true;
    this.holder = label;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) {
        this.holder = next.label;
        next.wake(); // stays held: ownership passes straight to the next waiter (FIFO, no barging)
      } else {
        this.held = false;
        this.holder = "";
      }
    };
  }

  async run<T>(label: string, work: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire(label);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** What holds the gate now and how many wait (diagnostics and tests). */
  state(): { held: boolean; holder: string; waiting: number } {
    return { held: this.held, holder: this.holder, waiting: this.waiting.length };
  }
}

const gates = new Map<string, WriteGate>();

/** The process-wide gate of one database file (every connection to that file in this process shares it). */
export function writeGateFor(databaseUrl: string): WriteGate {
  const file = databaseUrl.replace(/^file:/, "");
  let gate = gates.get(file);
  if (!gate) {
    gate = new WriteGate();
    gates.set(file, gate);
  }
  return gate;
}

/** SQLITE_BUSY / SQLITE_LOCKED from better-sqlite3, or the same wrapped by Prisma's driver adapter. */
export function isBusyError(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | null;
  const code = typeof e?.code === "string" ? e.code : e?.cause?.originalCode;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

export interface BusyRetryOptions {
  /** Give up (rethrow) after this long; the lock holders' chunks are short, so this only trips on a stuck writer. */
  maxWaitMs?: number;
}

/**
 * How many writers of this process (any thread) are waiting for the SQLite lock right now. Shared memory, so the
 * recompute worker thread sees the main thread's waiters: the main thread creates it and hands it to workers.
 */
let waiters = new Int32Array(new SharedArrayBuffer(4));

export function sharedWaiters(): SharedArrayBuffer {
  return waiters.buffer as SharedArrayBuffer;
}

/** In a worker thread: count waiters in the creating thread's memory. */
export function adoptSharedWaiters(buffer: SharedArrayBuffer): void {
  waiters = new Int32Array(buffer);
}

/** Runs `attempt` until it does not fail with SQLITE_BUSY, sleeping on a timer (1, 2, 4 … 10 ms) in between. */
export async function retryBusy<T>(attempt: () => T | Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  const deadline = performance.now() + (options.maxWaitMs ?? 60_000);
  let waiting = false;
  try {
    for (let delay = 1; ; delay = Math.min(10, delay * 2)) {
      try {
        return await attempt();
      } catch (error) {
        if (!isBusyError(error) || performance.now() > deadline) throw error;
      }
      if (!waiting) {
        waiting = true;
        Atomics.add(waiters, 0, 1);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  } finally {
    if (waiting) Atomics.sub(waiters, 0, 1);
  }
}

/**
 * Batch writers call this between chunks: while someone waits for the lock, pause (up to `maxPauseMs`) so the
 * waiter gets it. Bounded, so a stream of waiters cannot stop a batch for good.
 */
export async function giveWayToWaiters(maxPauseMs = 250): Promise<void> {
  const until = performance.now() + maxPauseMs;
  while (Atomics.load(waiters, 0) > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 1));
}

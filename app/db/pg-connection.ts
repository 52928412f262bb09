/**
 * A PostgreSQL connection of a bulk reader's, writer's or COPY thread's own, opened on first use and opened again
 * after the server ended it. The server may end an idle connection (restart, failover, a dropped database): without
 * an `error` listener that is an uncaught exception of the process (or the end of a worker thread).
 */
import pg from "pg";

export interface PgConnection {
  /** The connection, opened (and set up) on first use and again after the server ended it. */
  get(): Promise<pg.Client>;
  /** Forgets the connection (a caller left it unusable, e.g. inside a COPY) and ends it. */
  drop(): Promise<void>;
  /** Ends the connection, if one was opened. */
  close(): Promise<void>;
}

export function pgConnection(
  databaseUrl: string,
  options: { setup?: (client: pg.Client) => Promise<unknown>; lost?: (error: Error) => void } = {},
): PgConnection {
  let current: Promise<pg.Client> | null = null;
  const forget = () => {
    const was = current;
    current = null;
    return was;
  };
  return {
    get() {
      const connecting = (current ??= (async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        client.on("error", (error) => {
          options.lost?.(error);
          if (current === connecting) current = null;
        });
        await client.connect();
        await options.setup?.(client);
        return client;
      })());
      return connecting;
    },
    async drop() {
      await forget()
        ?.then((client) => client.end())
        .catch(() => undefined);
    },
    async close() {
      await forget()?.then((client) => client.end());
    },
  };
}

/**
 * Attack: a server started without NODE_ENV (or with NODE_ENV=staging) used to run with the development
 * defaults — the demo login to any store, `ciclo-dev-secret` as the API secret (anyone can sign webhooks and
 * session tokens with it) and an encryption key derived from that. Those defaults must need an explicit
 * NODE_ENV=development; otherwise the server refuses to start, and the demo login does not exist.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../tools/root";
import { buildWebhookRequest } from "../../simulators/shopify/webhooks";
import { freePort } from "../../tools/free-port";
import { ensureBuilt } from "../../tools/app-build";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../support/databases";

interface Outcome {
  exitCode: number | null;
  stderr: string;
  url: string;
  stop(): Promise<void>;
}

/** Starts the built server with exactly `env` (plus PATH); resolves once it serves or has exited. */
async function start(env: Record<string, string>): Promise<Outcome> {
  const port = await freePort();
  // Only what is given: in particular no NODE_ENV unless `env` sets one (vitest's own is "test").
  const childEnv = {
    PATH: process.env.PATH ?? "",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "error",
    CICLO_WORKERS: "off",
    ...env,
  } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, ["server.ts"], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let exitCode: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code: number | null) => {
      exitCode = code ?? -1;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150 && exitCode === null; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    get exitCode() {
      return exitCode;
    },
    get stderr() {
      return stderr;
    },
    url,
    async stop() {
      if (exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

describe.each(DB_KINDS)("development defaults need NODE_ENV=development on %s", (kind) => {
  let database: TestDatabase;
  let databaseUrl: string;
  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase(kind);
    databaseUrl = database.url;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("without NODE_ENV, or with NODE_ENV=staging, a server missing its secrets refuses to start", async () => {
    for (const nodeEnv of [null, "staging"]) {
      const server = await start({
        DATABASE_URL: databaseUrl,
        CICLO_DEMO: "1",
        ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}),
      });
      try {
        expect(server.exitCode, String(nodeEnv)).not.toBeNull();
        expect(server.exitCode).not.toBe(0);
        expect(server.stderr).toMatch(/SHOPIFY_API_SECRET is required/);
        expect(server.stderr).toMatch(/CICLO_ENCRYPTION_KEY is required/);
        expect(server.stderr).toMatch(/CICLO_DEMO needs NODE_ENV=development/);
      } finally {
        await server.stop();
      }
    }
  });

  it("with every secret set but no NODE_ENV, there is no demo login and the dev secret signs nothing", async () => {
    const secrets = {
      DATABASE_URL: databaseUrl,
      SHOPIFY_API_KEY: "real-key",
      SHOPIFY_API_SECRET: "a-real-secret",
      SHOPIFY_APP_URL: "https://ciclo.example",
      CICLO_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    };
    const refused = await start({ ...secrets, CICLO_DEMO: "1" });
    expect(refused.exitCode).not.toBeNull();
    await refused.stop();

    const server = await start(secrets);
    try {
      expect(server.exitCode).toBeNull();
      expect((await fetch(`${server.url}/demo`, { redirect: "manual" })).status).toBe(404);
      const forged = buildWebhookRequest({
        topic: "app/uninstalled",
        shopDomain: "victim.myshopify.com",
        payload: { id: 1 },
        secret: "ciclo-dev-secret",
      });
      const res = await fetch(`${server.url}/webhooks`, { method: "POST", headers: forged.headers, body: forged.body });
      expect(res.status).toBe(401);
      expect(await database.db.webhookReceipt.count()).toBe(0);
      expect(await database.db.store.count()).toBe(0);
    } finally {
      await server.stop();
    }
    // And the development defaults still work when asked for explicitly (npm run dev, npm run demo).
    const dev = await start({ DATABASE_URL: databaseUrl, NODE_ENV: "development", CICLO_DEMO: "1" });
    try {
      expect(dev.exitCode).toBeNull();
      expect((await fetch(`${dev.url}/demo`, { redirect: "manual" })).status).not.toBe(500);
    } finally {
      await dev.stop();
    }
  });
});

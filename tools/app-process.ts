/**
 * The built app (server.ts in production mode) as a child process on a free loopback port, ready once /health
 * answers. Used by the demo, the benchmarks and the tests that drive the real server. Build it first
 * (tools/app-build.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { freePort } from "./free-port";
import { ROOT } from "./root";

export interface RunningApp {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts the app with `env` over sensible local defaults; BENCH_NODE_ARGS adds node flags (e.g. --cpu-prof). */
export async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(" ") : [];
  const child = spawn(process.execPath, [...nodeArgs, "server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      SHOPIFY_API_KEY: "bench-key",
      CICLO_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

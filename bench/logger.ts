/**
 * Logger benchmark: the cost of one log line through pino with our nested redaction, against a floor measured in the
 * same run — the redaction walk plus JSON.stringify plus the write, with no logging library. Prints one JSON
 * object: {lines, floor_ms, logger_ms, floor_ratio}. Medians of 5 rounds after a warm-up.
 *
 *   npm run bench:logger
 */
import { logger, redactFields } from "../app/logger.server";
import { round } from "./support";

const LINES = Number(process.env.LOGGER_BENCH_LINES ?? 50_000);
process.env.LOG_LEVEL = "info";

// A typical line: a few ids, a nested request with a secret header and a URL, a small list.
const FIELDS = {
  storeId: "store-1",
  topic: "orders/create",
  attempt: 2,
  request: { headers: { authorization: "Bearer abcdefghijklmnop" }, url: "https://shop.example/a?b=1" },
  list: [1, 2, 3],
};

let bytes = 0;
const realWrite = process.stdout.write.bind(process.stdout);
const sink = ((chunk: string) => {
  bytes += chunk.length;
  return true;
}) as typeof process.stdout.write;

function floor(n: number): void {
  for (let i = 0; i < n; i++)
    sink(
      JSON.stringify({ level: "info", t: new Date().toISOString(), ...redactFields(FIELDS), msg: "order applied" }) +
        "\n",
    );
}

function viaLogger(n: number): void {
  for (let i = 0; i < n; i++) logger.info("order applied", FIELDS);
}

function time(run: (n: number) => void): number {
  const start = performance.now();
  run(LINES);
  return performance.now() - start;
}

process.stdout.write = sink;
floor(LINES / 5);
viaLogger(LINES / 5);
const floors: number[] = [];
const loggers: number[] = [];
for (let round = 0; round < 5; round++) {
  floors.push(time(floor));
  loggers.push(time(viaLogger));
}
process.stdout.write = realWrite;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[2]!;
if (bytes === 0) throw new Error("nothing was logged");
console.log(
  JSON.stringify({
    lines: LINES,
    floor_ms: round(median(floors)),
    logger_ms: round(median(loggers)),
    floor_ratio: round(median(loggers) / median(floors), 2),
  }),
);

/**
 * A deterministic store with the tables the nightly pipeline fills (CustomerScore, SegmentSnapshot,
 * SegmentTransition, RecomputeRun) plus customers, orders, survey answers, tag outbox and a finished backfill,
 * written straight into a fresh SQLite file with raw inserts (fast enough for a million customers). Used by the
 * browser tests (a few hundred customers) and by bench/admin.ts (1,000,000). Pass it a file prepared by
 * `migrateSqliteFile` (tools/migrations.ts).
 */
import Database from "better-sqlite3";
import { SEGMENT_GRID } from "../app/domain/segments";
import { toSlug } from "../app/domain/names";
import { outcomeCode, PAGE_ITEMS, PageItems, WAITING, type ItemState } from "../app/jobs/tags/outbox-page";

const DAY_MS = 86_400_000;

export const E2E_SHOP = "ciclo-e2e.myshopify.com";

export interface SeedOptions {
  /** "full": scored store; "new": just installed, history import running; "empty": installed, nothing yet. */
  kind?: "full" | "new" | "empty";
  customers?: number;
  seed?: number;
  /** The store's "today" (YYYY-MM-DD); fixed so screenshots and assertions don't drift. */
  today?: string;
  /** At most this many orders per customer are written (the scores still carry the full count). */
  maxOrdersPerCustomer?: number;
  shop?: string;
}

export interface SeededStore {
  storeId: string;
  shop: string;
  today: string;
  customers: number;
  /** Counts per segment slug in the latest snapshot. */
  segmentCounts: Record<string, number>;
  /** A customer with orders, score, transitions and survey answers (for the customer page). */
  sampleCustomerId: string;
  sampleCustomerExternalId: string;
  surveyAnswers: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prisma's SQLite DateTime text format. */
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

const FIRST = [
  "Giulia",
  "Marco",
  "Sofia",
  "Luca",
  "Emma",
  "Noah",
  "Aurora",
  "Leo",
  "Alice",
  "Tommaso",
  "Olivia",
  "Liam",
  "Chiara",
  "Mateo",
  "Anna",
  "Elias",
];
const LAST = [
  "Rossi",
  "Bianchi",
  "Smith",
  "Moreau",
  "Ferrari",
  "Jones",
  "Ricci",
  "García",
  "Romano",
  "Müller",
  "Conti",
  "Brown",
  "Greco",
  "Dubois",
  "Marino",
  "Costa",
];
const PREVIOUS: Record<string, string[]> = {
  champions: ["loyal", "active", "new"],
  loyal: ["champions", "active"],
  active: ["new", "promising", "needs-attention"],
  "needs-attention": ["loyal", "active", "promising"],
  promising: ["new"],
  new: ["prospects"],
  "at-risk": ["loyal", "needs-attention", "champions"],
  "previously-loyal": ["loyal", "champions"],
  "almost-lost": ["promising", "needs-attention"],
  dormant: ["almost-lost", "promising"],
};
const REASONS_POSITIVE = [
  "Fast delivery and the jacket fits perfectly",
  "Great quality, I will buy again",
  "Customer service answered in minutes",
  "Perché i prodotti sono ottimi e la spedizione veloce",
];
const REASONS_NEGATIVE = [
  "Shipping took two weeks",
  "The size guide was wrong, had to return it",
  "Too expensive compared to other shops",
  '=HYPERLINK("http://evil.example","click")',
];
const TRIGGERS = ["gift", "replacement", "treat-myself", "special-occasion", "new-need", "promotion", "recommendation"];
const JOBS = ["daily-use", "solve-problem", "for-someone-else", "hobby", "work", "try-something-new"];
const ATTRIBUTION = ["instagram", "facebook", "tiktok", "google", "youtube", "friend", "newsletter"];

export function seedStore(file: string, options: SeedOptions = {}): SeededStore {
  const kind = options.kind ?? "full";
  const n = kind === "full" ? (options.customers ?? 400) : 0;
  const random = mulberry32(options.seed ?? 7);
  const today = options.today ?? "2026-11-20";
  const shop = options.shop ?? E2E_SHOP;
  const maxOrders = options.maxOrdersPerCustomer ?? 6;
  const now = Date.parse(`${today}T09:00:00Z`);
  const storeId = "store_e2e";
  const currency = "EUR";

  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const created = iso(now - 400 * DAY_MS);
  db.prepare(
    `INSERT INTO "Store" (id, platform, domain, name, currency, timezone, status, installedAt, createdAt, updatedAt)
     VALUES (?, 'shopify', ?, 'Ciclo Outdoor', ?, 'Europe/Rome', 'installed', ?, ?, ?)`,
  ).run(storeId, shop, currency, created, created, created);

  const segmentCounts: Record<string, number> = {};
  if (kind !== "full") {
    if (kind === "new") {
      db.prepare(
        `INSERT INTO "BackfillRun" (id, storeId, state, trigger, objectCount, rowsDone, ordersDone, startedAt, updatedAt)
         VALUES ('bf_new', ?, 'importing', 'install', 12000, 4800, 1700, ?, ?)`,
      ).run(storeId, iso(Date.now() - 60_000), iso(Date.now()));
    }
    db.close();
    return {
      storeId,
      shop,
      today,
      customers: 0,
      segmentCounts,
      sampleCustomerId: "",
      sampleCustomerExternalId: "",
      surveyAnswers: 0,
    };
  }

  const insertCustomer = db.prepare(
    `INSERT INTO "Customer" (id, storeId, externalId, email, firstName, lastName, platformCreatedAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertOrder = db.prepare(
    `INSERT INTO "Order" (id, storeId, externalId, name, customerId, customerExternalId, currency, grossMinor, refundedMinor,
       netMinor, financialStatus, fulfillmentStatus, countsForValue, processedAt, platformCreatedAt, platformUpdatedAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'paid', 'fulfilled', 1, ?, ?, ?, ?, ?)`,
  );
  const insertScore = db.prepare(
    `INSERT INTO "CustomerScore" (storeId, customerId, computedAt, orders, purchaseDays, firstOrderAt, lastOrderAt,
       recencyDays, monetaryMinor, rScore, fScore, mScore, segment, stage, historicClvMinor, predictedClvMinor, pAlive,
       expected30, expected90, expected365, expectedAovMinor, nextOrderAt, clvPercentile)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTransition = db.prepare(
    `INSERT INTO "SegmentTransition" (id, storeId, customerId, day, fromSegment, toSegment, fromStage, toStage)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertResponse = db.prepare(
    `INSERT INTO "SurveyResponse" (id, storeId, orderExternalId, customerId, customerExternalId, target, questionSet,
       questionId, answerId, score, text, locale, segmentAtAnswer, stageAtAnswer, createdAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'en', ?, ?, ?)`,
  );
  const insertImpression = db.prepare(
    `INSERT INTO "SurveyImpression" (id, storeId, orderExternalId, customerId, target, createdAt) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertOutboxPage = db.prepare(
    `INSERT INTO "TagOutboxPage" (id, storeId, runId, state, size, items, outcomes, applied, notFound, userErrors, problems, createdAt, settledAt)
     VALUES (?, ?, 'run_latest', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The latest push, part-way: its changes with what the store answered, written as the plan's pages afterwards.
  const outbox: { customerId: string; externalId: string; add: string; state: ItemState }[] = [];

  const predictedClv = new Float64Array(n);
  const segmentOf: string[] = new Array(n);
  const stageOf: string[] = new Array(n);
  const revenueBySegment: Record<string, number> = {};
  const clvBySegment: Record<string, number> = {};
  let orderSeq = 0;
  let responseSeq = 0;
  let surveyAnswers = 0;
  let sampleIndex = -1;

  const BATCH = 20_000;
  const writeBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `cus_${i}`;
      const externalId = String(7_000_000 + i);
      const first = FIRST[Math.floor(random() * FIRST.length)]!;
      const last = LAST[Math.floor(random() * LAST.length)]!;
      const prospect = random() < 0.03;
      const r = prospect ? 0 : 1 + Math.floor(random() * 5);
      const fRoll = random();
      const f = prospect ? 0 : fRoll < 0.45 ? 1 : fRoll < 0.65 ? 2 : fRoll < 0.8 ? 3 : fRoll < 0.92 ? 4 : 5;
      const m = prospect ? 0 : Math.max(1, Math.min(5, f + Math.round((random() - 0.5) * 2)));
      const fm = Math.round((f + m) / 2);
      const segment = prospect ? "prospects" : toSlug(SEGMENT_GRID[5 - r]![fm - 1]!);
      const orders = prospect
        ? 0
        : f === 1
          ? 1
          : f === 2
            ? 2
            : f === 3
              ? 3 + Math.floor(random() * 2)
              : f === 4
                ? 5 + Math.floor(random() * 3)
                : 8 + Math.floor(random() * 8);
      const recencyDays = prospect
        ? null
        : [
            0,
            366 + Math.floor(random() * 600),
            181 + Math.floor(random() * 180),
            91 + Math.floor(random() * 90),
            31 + Math.floor(random() * 60),
            Math.floor(random() * 31),
          ][r]!;
      const aov = Math.round((3000 + random() * 9000) * (0.6 + m * 0.25));
      const spend = orders * aov;
      const lastOrderMs = recencyDays === null ? null : now - recencyDays * DAY_MS - Math.floor(random() * 36e5);
      const spanDays = orders > 1 ? 30 * orders + Math.floor(random() * 200) : 0;
      const firstOrderMs = lastOrderMs === null ? null : lastOrderMs - spanDays * DAY_MS;
      let stage = "prospect";
      if (!prospect) {
        if (r === 1) stage = orders > 1 ? "lost" : "one-time";
        else if (r === 2) stage = orders > 1 ? "at-risk" : "one-time";
        else if (orders === 1) stage = r >= 4 ? "new" : "one-time";
        else if (f === 5 && m >= 4 && r >= 4) stage = "hero";
        else if (r === 3) stage = "waiting";
        else stage = "repeat";
      }
      const pAlive = prospect
        ? null
        : [
            0,
            0.02 + random() * 0.18,
            0.2 + random() * 0.3,
            0.5 + random() * 0.2,
            0.7 + random() * 0.2,
            0.9 + random() * 0.09,
          ][r]!;
      const rate = orders / Math.max(365, spanDays + (recencyDays ?? 0));
      const expected365 = pAlive === null ? null : pAlive * rate * 365;
      const predicted = pAlive === null || expected365 === null ? null : Math.round(expected365 * aov * 0.93);
      predictedClv[i] = predicted ?? -1;
      segmentOf[i] = segment;
      stageOf[i] = stage;
      segmentCounts[segment] = (segmentCounts[segment] ?? 0) + 1;
      revenueBySegment[segment] = (revenueBySegment[segment] ?? 0) + spend;
      clvBySegment[segment] = (clvBySegment[segment] ?? 0) + (predicted ?? 0);
      const historicClv = Math.round(aov * 2.1 * 2.4);
      const nextOrderMs =
        pAlive !== null && pAlive > 0.3 && lastOrderMs !== null
          ? Math.max(now + DAY_MS, lastOrderMs + (spanDays / Math.max(1, orders - 1) || 60) * DAY_MS)
          : null;

      insertCustomer.run(
        id,
        storeId,
        externalId,
        `${first}.${last}.${i}@example.com`.toLowerCase(),
        first,
        last,
        iso(firstOrderMs ?? now - 30 * DAY_MS),
        created,
        created,
      );
      let lastOrderExternalId: string | null = null;
      const written = Math.min(orders, maxOrders);
      for (let k = 0; k < written; k++) {
        // The newest orders, newest last; the rest of the history is summarised in the score.
        const at =
          written === 1
            ? lastOrderMs!
            : lastOrderMs! - Math.round(((written - 1 - k) * spanDays * DAY_MS) / Math.max(1, orders - 1));
        const seq = orderSeq++;
        const orderExternalId = String(9_000_000 + seq);
        const gross = Math.round(aov * (0.7 + random() * 0.6));
        insertOrder.run(
          `ord_${seq}`,
          storeId,
          orderExternalId,
          `#${1001 + seq}`,
          id,
          externalId,
          currency,
          gross,
          gross,
          iso(at),
          iso(at),
          iso(at),
          iso(at),
          iso(at),
        );
        lastOrderExternalId = orderExternalId;
      }
      insertScore.run(
        storeId,
        id,
        iso(now - 6 * 36e5),
        orders,
        Math.max(0, orders - (orders > 4 ? 1 : 0)),
        firstOrderMs === null ? null : iso(firstOrderMs),
        lastOrderMs === null ? null : iso(lastOrderMs),
        recencyDays,
        spend,
        r,
        f,
        m,
        segment,
        stage,
        historicClv,
        predicted,
        pAlive,
        expected365 === null ? null : expected365 * (30 / 365),
        expected365 === null ? null : expected365 * (90 / 365),
        expected365,
        prospect ? null : aov,
        nextOrderMs === null ? null : iso(nextOrderMs),
        null,
      );

      // Segment history: one move in the last 30 days for a few customers.
      const previous = PREVIOUS[segment];
      if (previous && random() < 0.04) {
        const from = previous[Math.floor(random() * previous.length)]!;
        const day = new Date(now - Math.floor(random() * 30) * DAY_MS).toISOString().slice(0, 10);
        insertTransition.run(
          `tr_${i}`,
          storeId,
          id,
          day,
          from === "prospects" ? null : from,
          segment,
          from === "prospects" ? null : "repeat",
          stage,
        );
      }
      if (!prospect && sampleIndex < 0 && segment === "champions" && orders >= 8) sampleIndex = i;

      // Survey answers from about one buyer in six.
      if (!prospect && lastOrderExternalId && (random() < 0.16 || i === sampleIndex)) {
        const answeredMs = Math.max(lastOrderMs! + 3 * 36e5, now - Math.floor(random() * 330) * DAY_MS);
        const at = iso(Math.min(answeredMs, now - 36e5));
        const respond = (
          target: string,
          set: string,
          questionId: string,
          answerId: string | null,
          score: number | null,
          text: string | null,
        ) => {
          insertResponse.run(
            `sr_${responseSeq++}`,
            storeId,
            lastOrderExternalId,
            id,
            externalId,
            target,
            set,
            questionId,
            answerId,
            score,
            text,
            segment,
            stage === "prospect" ? null : stage,
            at,
          );
          surveyAnswers++;
        };
        const base =
          {
            champions: 9.2,
            loyal: 8.6,
            active: 8,
            new: 7.8,
            promising: 7.4,
            "needs-attention": 6.6,
            "at-risk": 5.8,
            "previously-loyal": 6.2,
            "almost-lost": 5.5,
            dormant: 5,
          }[segment] ?? 7;
        const score = Math.max(0, Math.min(10, Math.round(base + (random() - 0.5) * 5)));
        respond("order-status", "nps", "nps", null, score, null);
        if (random() < 0.35 || i === sampleIndex) {
          const pool = score >= 7 ? REASONS_POSITIVE : REASONS_NEGATIVE;
          respond("order-status", "nps", "nps-reason", null, null, pool[Math.floor(random() * pool.length)]!);
        }
        if (random() < 0.7) {
          respond(
            "thank-you",
            "thank-you-default",
            "jtbd-trigger",
            TRIGGERS[Math.floor(random() * TRIGGERS.length)]!,
            null,
            null,
          );
          respond("thank-you", "thank-you-default", "jtbd-job", JOBS[Math.floor(random() * JOBS.length)]!, null, null);
          respond(
            "thank-you",
            "thank-you-default",
            "attribution",
            ATTRIBUTION[Math.floor(random() * ATTRIBUTION.length)]!,
            null,
            null,
          );
          insertImpression.run(`si_t_${i}`, storeId, lastOrderExternalId, id, "thank-you", at);
        }
        insertImpression.run(`si_o_${i}`, storeId, lastOrderExternalId, id, "order-status", at);
      } else if (lastOrderExternalId && random() < 0.3) {
        insertImpression.run(`si_o_${i}`, storeId, lastOrderExternalId, id, "order-status", iso(lastOrderMs!));
      }

      // Tag write-back: mostly applied, a few pending or failed.
      if (!prospect && random() < 0.05) {
        const roll = random();
        const state = roll < 0.8 ? "applied" : roll < 0.93 ? "pending" : roll < 0.97 ? "user_error" : "not_found";
        outbox.push({ customerId: id, externalId, add: JSON.stringify([`ciclo:rfm-${segment}`]), state });
      }
    }
  });
  for (let from = 0; from < n; from += BATCH) writeBatch(from, Math.min(n, from + BATCH));

  const pageJson = (page: typeof outbox) => {
    const items = new PageItems();
    for (const item of page) items.add(item.customerId, item.externalId, item.add, "[]", null);
    return items.json();
  };
  db.transaction(() => {
    for (let start = 0; start < outbox.length; start += PAGE_ITEMS) {
      const page = outbox.slice(start, start + PAGE_ITEMS);
      const outcomes = page.map((item) => outcomeCode(item.state)).join("");
      const problems = page
        .filter((item) => item.state === "user_error" || item.state === "not_found")
        .map((item) => ({
          customerExternalId: item.externalId,
          state: item.state,
          error: item.state === "user_error" ? "Tags is invalid" : "Customer does not exist",
        }));
      const count = (state: ItemState) => page.filter((item) => item.state === state).length;
      insertOutboxPage.run(
        `tagpage_${String(start).padStart(9, "0")}`,
        storeId,
        outcomes.includes(WAITING) ? "pending" : "settled",
        page.length,
        pageJson(page),
        outcomes,
        count("applied"),
        count("not_found"),
        count("user_error"),
        problems.length > 0 ? JSON.stringify(problems) : null,
        iso(now - 5 * 36e5),
        iso(now - 4 * 36e5),
      );
    }
  })();

  // Percentile of predicted CLV among buyers, known only once everyone is scored.
  const ranked = Array.from({ length: n }, (_, i) => i).filter((i) => predictedClv[i]! >= 0);
  ranked.sort((a, b) => predictedClv[a]! - predictedClv[b]!);
  const setPercentile = db.prepare(`UPDATE "CustomerScore" SET clvPercentile = ? WHERE storeId = ? AND customerId = ?`);
  db.transaction(() => {
    ranked.forEach((i, rank) =>
      setPercentile.run(ranked.length > 1 ? rank / (ranked.length - 1) : 1, storeId, `cus_${i}`),
    );
  })();

  // RFM groups and lifecycle stages are segmentations stored in the score row: as a nightly job's first write leaves
  // them, in their segment and stage since the scores' time, with no previous one (app/db/score-row-segmentations).
  db.prepare(`UPDATE "CustomerScore" SET segmentSince = computedAt, stageSince = computedAt WHERE storeId = ?`).run(
    storeId,
  );

  // The sample customer gets a longer segment history.
  if (sampleIndex >= 0) {
    const id = `cus_${sampleIndex}`;
    db.prepare(`DELETE FROM "SegmentTransition" WHERE customerId = ?`).run(id);
    const history: [number, string | null, string, string | null, string][] = [
      [400, null, "new", null, "new"],
      [300, "new", "active", "new", "repeat"],
      [150, "active", "loyal", "repeat", "repeat"],
      [20, "loyal", "champions", "repeat", "hero"],
    ];
    for (const [ago, from, to, fromStage, toStage] of history) {
      insertTransition.run(
        `tr_s_${ago}`,
        storeId,
        id,
        new Date(now - ago * DAY_MS).toISOString().slice(0, 10),
        from,
        to,
        fromStage,
        toStage,
      );
    }
  }

  // Daily snapshots for 45 days: today's real counts, earlier days drifting slowly toward them.
  const insertSnapshot = db.prepare(
    `INSERT INTO "SegmentSnapshot" (id, storeId, day, segment, customers, revenueMinor, avgClvMinor) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let ago = 44; ago >= 0; ago--) {
      const day = new Date(now - ago * DAY_MS).toISOString().slice(0, 10);
      Object.keys(segmentCounts).forEach((segment, k) => {
        const drift = 1 + ((k % 3) - 1) * 0.004 * ago;
        const customers = Math.max(0, Math.round(segmentCounts[segment]! * drift));
        const revenue = Math.round(revenueBySegment[segment]! * drift);
        const avgClv = Math.round(clvBySegment[segment]! / Math.max(1, segmentCounts[segment]!));
        insertSnapshot.run(`snap_${day}_${segment}`, storeId, day, segment, customers, revenue, avgClv);
      });
    }
  })();

  // Recompute runs: an older failure, yesterday's and today's successes.
  const model = {
    status: "predictive",
    model: "bgnbd",
    reasons: [],
    countFit: {
      params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      standardErrors: { r: 0.013, alpha: 0.338, a: 0.184, b: 0.706 },
      logLikelihood: -9582.4,
      converged: true,
      message: "gradient below tolerance",
      iterations: 41,
      customers: n,
      groups: Math.round(n / 3),
    },
    spendFit: {
      params: { p: 6.25, q: 3.74, gamma: 15.44 },
      standardErrors: { p: 0.41, q: 0.29, gamma: 1.9 },
      logLikelihood: -4021.8,
      converged: true,
      message: "gradient below tolerance",
      iterations: 28,
      customers: Math.round(n * 0.55),
      groups: Math.round(n * 0.4),
    },
    sufficiency: {
      customers: n,
      repeatCustomers: Math.round(n * 0.55),
      spendCustomers: Math.round(n * 0.5),
      historyDays: 1095,
    },
    backtest: {
      model: "bgnbd",
      customers: Math.round(n * 0.8),
      holdoutDays: 180,
      predictedTotal: n * 0.61,
      actualTotal: n * 0.58,
      totalErrorPercent: 5.2,
      meanAbsoluteError: 0.42,
      buckets: [
        { label: "0", customers: Math.round(n * 0.4), predictedMean: 0.21, actualMean: 0.19 },
        { label: "1", customers: Math.round(n * 0.15), predictedMean: 0.48, actualMean: 0.45 },
        { label: "2", customers: Math.round(n * 0.08), predictedMean: 0.77, actualMean: 0.74 },
        { label: "3", customers: Math.round(n * 0.05), predictedMean: 1.05, actualMean: 1.12 },
        { label: "4", customers: Math.round(n * 0.04), predictedMean: 1.36, actualMean: 1.3 },
        { label: "5", customers: Math.round(n * 0.03), predictedMean: 1.62, actualMean: 1.71 },
        { label: "6", customers: Math.round(n * 0.02), predictedMean: 1.94, actualMean: 1.88 },
        { label: "7+", customers: Math.round(n * 0.03), predictedMean: 2.61, actualMean: 2.49 },
      ],
    },
    selection: {
      chosen: "bgnbd",
      candidates: [
        {
          name: "bgnbd",
          fit: { converged: true },
          backtest: {
            customers: n,
            predictedTotal: 1,
            actualTotal: 1,
            totalErrorPercent: 5.2,
            meanAbsoluteError: 0.42,
          },
        },
        {
          name: "mbgnbd",
          fit: { converged: true },
          backtest: {
            customers: n,
            predictedTotal: 1,
            actualTotal: 1,
            totalErrorPercent: 7.9,
            meanAbsoluteError: 0.44,
          },
        },
        {
          name: "paretonbd",
          fit: { converged: false },
          backtest: {
            customers: n,
            predictedTotal: 1,
            actualTotal: 1,
            totalErrorPercent: 12.4,
            meanAbsoluteError: 0.47,
          },
        },
      ],
    },
    historic: {
      customers: n,
      orders: orderSeq,
      revenue: 0,
      averageOrderValue: 6480,
      purchaseFrequencyPerYear: 2.1,
      annualChurnRate: 0.42,
      lifespanYears: 2.4,
      lifespanSource: "churn",
      margin: 1,
      clv: 32659,
    },
  };
  const insertRun = db.prepare(
    `INSERT INTO "RecomputeRun" (id, storeId, trigger, state, phases, counts, clvStatus, model, error, startedAt, finishedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const phases = JSON.stringify([
    { name: "aggregate", ms: 2100, count: n },
    { name: "score", ms: 3400, count: n },
    { name: "persist", ms: 5200, count: n },
  ]);
  const counts = JSON.stringify({ customers: n, tagChanges: Math.round(n * 0.05) });
  insertRun.run(
    "run_failed",
    storeId,
    "nightly",
    "failed",
    "[]",
    "{}",
    null,
    null,
    "database is locked",
    iso(now - 2 * DAY_MS - 6 * 36e5),
    iso(now - 2 * DAY_MS - 6 * 36e5 + 4000),
  );
  const insertCompletedRun = (id: string, startedAt: number, durationMs: number) =>
    insertRun.run(
      id,
      storeId,
      "nightly",
      "completed",
      phases,
      counts,
      "predictive",
      JSON.stringify(model),
      null,
      iso(startedAt),
      iso(startedAt + durationMs),
    );
  insertCompletedRun("run_yesterday", now - DAY_MS - 6 * 36e5, 11_000);
  insertCompletedRun("run_latest", now - 6 * 36e5, 10_700);
  db.prepare(
    `INSERT INTO "BackfillRun" (id, storeId, state, trigger, objectCount, rowsDone, ordersDone, startedAt, updatedAt, finishedAt)
     VALUES ('bf_done', ?, 'completed', 'install', ?, ?, ?, ?, ?, ?)`,
  ).run(storeId, orderSeq * 2, orderSeq * 2, orderSeq, created, created, created);
  db.close();

  const sample = sampleIndex >= 0 ? sampleIndex : 0;
  return {
    storeId,
    shop,
    today,
    customers: n,
    segmentCounts,
    sampleCustomerId: `cus_${sample}`,
    sampleCustomerExternalId: String(7_000_000 + sample),
    surveyAnswers,
  };
}

import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { WebClient } from "@slack/web-api";
import { request } from "undici";
import { FAKE_ADMIN_KEY } from "../fakes/fake-admin-api.js";
import { FAKE_BOT_TOKEN, startFakeSlackApi } from "../fakes/fake-slack-api.js";
import { SIGNING_SECRET, slashCommand } from "../fakes/slack-requests.js";
import {
  ANTHROPIC_VERSION,
  MAX_PAGE_SIZE,
  parsePage,
  USAGE_REPORT_PATH,
} from "../src/anthropic/client.js";
import { parseRecords } from "../src/anthropic/records.js";
import { loadConfig } from "../src/app/config.js";
import { slackAppOptionsFromConfig } from "../src/app/options.js";
import { openRuntime } from "../src/app/runtime.js";
import { createSyntheticOrg } from "../src/demo/synthetic-org.js";
import { createLogger } from "../src/log.js";
import { createReports } from "../src/reports/index.js";
import { runDigest } from "../src/schedule/digest-job.js";
import { createSlackApp } from "../src/slack/app.js";
import { mergeCompact } from "../src/usage/compact.js";
import { createDayBuilder } from "../src/usage/day-builder.js";
import { type Period, periodBetween, shiftDay } from "../src/usage/periods.js";
import { buildReport } from "../src/usage/report.js";

/*
 * One measured case, in a fresh process (so peak RSS belongs to this case alone).
 * Input: a JSON argument. Output: one JSON line.
 */
export interface CaseInput {
  kind:
    | "cold"
    | "baseline"
    | "warm"
    | "aggregate"
    | "ack"
    | "cpu"
    | "concurrent"
    | "digest"
    | "fill-warm"
    | "fill-concurrent";
  url: string;
  from: string;
  to: string;
  concurrency: number;
  /** Worker threads for the cold report and the ack case (0: the main thread), as FETCH_WORKERS. */
  workers: number;
  /** Their heap limit, as FETCH_WORKER_HEAP_MB (0: V8's default). */
  workerHeapMb: number;
  users: number;
  seed: number;
  /**
   * Days before the period, loaded first: the process is then as a running bot's is (code
   * compiled, connections and workers up), while the period itself is not cached.
   */
  warmup: string[];
  /**
   * The store's directory, filled by a "fill-…" case in a process of its own: the warm and
   * concurrent cases then start as a bot restarted on a warm store, and their peak RSS is not
   * that of the cold loads that filled it. Without it, a temporary directory of the case's own.
   */
  dataDir?: string | undefined;
}

export interface CaseResult {
  ms: number;
  requests: number;
  peakRssMb: number;
  records?: number;
  recordsPerSecond?: number;
  perDayRecordsPerSecond?: number;
  costCents?: number;
  /** Digest fan-out: DMs posted, and Slack's latency per call in the case. */
  dms?: number;
  slackLatencyMs?: number;
  /** The Slack app at idle: its RSS at the end of the wait (peakRssMb: its peak until then). */
  idleRssMb?: number;
  /** After the cold report, the same command five times: ack to the answer at response_url. */
  warmEndToEndMs?: number[];
  /** Warm: the first report after a restart, every day read from the store. */
  firstMs?: number;
  /** Slash-command acks measured while a cold report was computing. */
  acks?: number;
  ackP50Ms?: number;
  ackP99Ms?: number;
  ackMaxMs?: number;
  /** The app's event loop meanwhile (monitorEventLoopDelay): how long it was held, p99 and max. */
  loopDelayP99Ms?: number;
  loopDelayMaxMs?: number;
  /** Concurrent warm reports: how many, and the p99 of their answer times. */
  reports?: number;
  reportP99Ms?: number;
  /** The same, all asking for the same period at once (the case): shared in flight. */
  sameP99Ms?: number;
  /** The same, each for a period as long as the bench's, ending on a different day. */
  slidingP99Ms?: number;
}

const input = JSON.parse(process.argv[2] ?? "{}") as CaseInput;
// Every day of the period ended long ago: all are final, as in a report on last month.
const now = () => new Date(Date.parse(`${input.to}T00:00:00Z`) + 30 * 86_400_000);
const period = periodBetween(input.from, input.to);

/**
 * The app as `npm start` opens it (openRuntime), configured as a deployment would be: days
 * fetched with FETCH_CONCURRENCY connections in FETCH_WORKERS worker threads (the bundled
 * day-worker.js next to this bundle; 0: on the main thread), and cached in the store on SQLite
 * in a DATA_DIR of this case's own — written as they arrive (cold), read back (warm).
 */
async function app(concurrency: number, workers: number, env: NodeJS.ProcessEnv = {}) {
  const dataDir = input.dataDir ?? (await mkdtemp(join(tmpdir(), "claude-usage-bench-")));
  const config = loadConfig({
    ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
    ANTHROPIC_BASE_URL: input.url,
    FETCH_CONCURRENCY: String(concurrency),
    FETCH_WORKERS: String(workers),
    FETCH_WORKER_HEAP_MB: String(input.workerHeapMb),
    DATA_DIR: dataDir,
    ...env,
  });
  const logger = createLogger({ level: "error", sink: { write: () => undefined } });
  const runtime = await openRuntime(config, { logger, workers: true, store: true, now });
  const { client, workers: pool } = runtime.usage;
  return {
    runtime,
    /** Requests to the API, from the main thread's client and the workers' own. */
    requestCount: () => (client?.requestCount ?? 0) + (pool?.requestCount ?? 0),
    close: async () => {
      await runtime.close();
      if (!input.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function report(
  concurrency: number,
  workers: number,
  warmFirst: boolean,
): Promise<CaseResult> {
  const opened = await app(concurrency, workers);
  const { loader } = opened.runtime;
  await loader.loadDays(input.warmup);
  // Warm on a filled store: the first report after a restart reads and decodes every day from
  // the store; the one measured is the next, as a running bot answers (days and spans in memory).
  const first = performance.now();
  if (warmFirst) await loader.loadReport(period, { compare: false });
  const firstMs = performance.now() - first;
  const before = opened.requestCount();
  const started = performance.now();
  const result = await loader.loadReport(period, { compare: false });
  const ms = performance.now() - started;
  const requests = opened.requestCount() - before;
  await opened.close();
  return {
    ms,
    requests,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    records: result.daily.length,
    costCents: result.totals.costCents,
    ...(warmFirst ? { firstMs } : {}),
  };
}

/**
 * Twenty people asking at once, the cache warm. First all for the whole period (with its
 * baseline), as after a digest: shared in flight (reports/). Then each for a different period
 * ending on the same day (1 to 20 days, with their baselines), so nothing is shared but the days
 * and spans; then each for a period as long as the bench's ending on a different day (the last 20
 * days), with its baseline — twenty different 30-day reports at --days 30.
 */
function concurrentPeriods() {
  const lengths = Array.from({ length: 20 }, (_, i) => 1 + (i % period.days.length));
  const different = lengths.map((n) =>
    periodBetween(period.days[period.days.length - n] ?? input.from, input.to),
  );
  const sliding = Array.from({ length: 20 }, (_, i) =>
    periodBetween(shiftDay(input.from, -i), shiftDay(input.to, -i)),
  );
  return { different, sliding };
}

/** The store filled (in a process of its own) with every day the case will read. */
async function fill(kind: "warm" | "concurrent"): Promise<CaseResult> {
  const opened = await app(input.concurrency, input.workers);
  const { loader } = opened.runtime;
  await loader.loadDays(input.warmup);
  if (kind === "warm") await loader.loadReport(period, { compare: false });
  else {
    const reports = createReports({ loader, now });
    const { different, sliding } = concurrentPeriods();
    for (const p of [period, ...different, ...sliding]) await reports.org(p);
  }
  const requests = opened.requestCount();
  await opened.close();
  return { ms: 0, requests, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function concurrent(): Promise<CaseResult> {
  const opened = await app(input.concurrency, input.workers);
  const { loader } = opened.runtime;
  const reports = createReports({ loader, now });
  const { different, sliding } = concurrentPeriods();
  // Warm: every day any of them needs, baselines included, read from the store once.
  for (const p of [period, ...different, ...sliding]) await reports.org(p);
  const p99 = (times: number[]) =>
    times.sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(0.99 * times.length))];
  const atOnce = (periods: Period[]) =>
    Promise.all(
      periods.map(async (p) => {
        const t = performance.now();
        await reports.org(p);
        return performance.now() - t;
      }),
    );
  const before = opened.requestCount();
  const same = await atOnce(different.map(() => period));
  const started = performance.now();
  const times = await atOnce(different);
  const ms = performance.now() - started;
  const slidingTimes = await atOnce(sliding);
  const requests = opened.requestCount() - before;
  await opened.close();
  return {
    ms,
    requests,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    reports: times.length,
    reportP99Ms: p99(times),
    sameP99Ms: p99(same),
    slidingP99Ms: p99(slidingTimes),
  };
}

/** Slack's answer time per call in the digest case (chat.postMessage is ~0.1–0.3 s in practice). */
const SLACK_LATENCY_MS = 100;
const DIGEST_DMS = 1000;

/**
 * The morning DMs (runDigest, as a tick runs one day's batch, channels off, DMs to everyone) to
 * the first 1,000 people active on the period's last weekday, against the fake Slack with SLACK_LATENCY_MS per
 * call, through the store's ledger (a claim and a mark per DM). The days it reports on are loaded
 * first, untimed: this is the fan-out.
 */
async function digest(): Promise<CaseResult> {
  const opened = await app(input.concurrency, input.workers);
  const { loader, store, logger } = opened.runtime;
  // The digest of the period's last weekday (weekends have fewer people to DM).
  const last = [...period.days].reverse().find((d) => ![0, 6].includes(new Date(d).getUTCDay()));
  const reported = last ?? input.to;
  const date = shiftDay(reported, 1);
  const at = () => new Date(`${date}T09:00:00Z`);
  const day = await loader.loadDays([reported]);
  await loader.loadDays([shiftDay(reported, -7)]);
  const emails = [...day.actors.values()]
    .filter((a) => a.type === "user")
    .slice(0, DIGEST_DMS)
    .map((a) => a.name);
  const users = emails.map((email, i) => ({ id: `U${i}`, email, name: email }));
  const ids = new Map(users.map((u) => [u.email, u.id]));
  const slack = await startFakeSlackApi({
    botToken: FAKE_BOT_TOKEN,
    users,
    latencyMs: SLACK_LATENCY_MS,
  });
  const web = new WebClient(FAKE_BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
  });
  const started = performance.now();
  const summary = await runDigest(
    // The reported day's DMs, whatever weekday follows it (a Friday's would go out on Monday).
    { date, dms: { period: periodBetween(reported, reported, "yesterday") } },
    {
      loader,
      ledger: store.ledger,
      preferences: store.preferences,
      slack: web,
      lookupUser: async (email) => ids.get(email) ?? null,
      logger,
      config: {
        channels: [],
        dmMode: "all",
        timeZone: "UTC",
        weeklyOnMonday: false,
        monthlyOnFirst: false,
      },
      now: at,
    },
  );
  const ms = performance.now() - started;
  await slack.close();
  await opened.close();
  return {
    ms,
    requests: 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    dms: summary.posted,
    slackLatencyMs: SLACK_LATENCY_MS,
  };
}

function aggregate(): CaseResult {
  const org = createSyntheticOrg({ users: input.users, seed: input.seed });
  // Records as the client holds them: parsed from JSON, then read into UsageRecords.
  const byDay = period.days.map(
    (day) =>
      parseRecords(JSON.parse(JSON.stringify(org.records(day, 0, Number.MAX_SAFE_INTEGER))))
        .records,
  );
  const records = byDay.flat();
  // The median of 7 runs after a warm-up: one run that a collection of the setup's garbage (a
  // month of parsed JSON) lands in does not set the figure, as it would in a mean.
  const time = (fn: () => void) => {
    fn();
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      fn();
      runs.push(performance.now() - started);
    }
    return runs.sort((a, b) => a - b)[3] as number;
  };
  const onePass = time(() => {
    const builder = createDayBuilder();
    for (const record of records) builder.addRecord(record);
    builder.finish(input.from);
  });
  // The loader's shape: one compact aggregate per day, the period merged from those.
  const perDay = time(() => {
    mergeCompact(
      period.days.map((day, i) => {
        const builder = createDayBuilder();
        for (const record of byDay[i] ?? []) builder.addRecord(record);
        return builder.finish(day);
      }),
    );
  });
  return {
    ms: onePass,
    requests: 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    records: records.length,
    recordsPerSecond: records.length / (onePass / 1000),
    perDayRecordsPerSecond: records.length / (perDay / 1000),
  };
}

/**
 * The client's own CPU cost, the floor under the cold report on this machine: every page of the
 * period fetched once as bytes (untimed), then what the client does with each answer — decode,
 * JSON.parse, read the records, fold them into the day, compact the day, merge the period — on
 * one thread, with no network and no waiting.
 */
async function cpuFloor(): Promise<CaseResult> {
  const headers = { "x-api-key": FAKE_ADMIN_KEY, "anthropic-version": ANTHROPIC_VERSION };
  const days: Buffer[][] = [];
  let requests = 0;
  for (const day of period.days) {
    const bodies: Buffer[] = [];
    let cursor: string | null = null;
    do {
      const url = new URL(`${input.url}/${USAGE_REPORT_PATH}`);
      url.searchParams.set("starting_at", day);
      url.searchParams.set("limit", String(MAX_PAGE_SIZE));
      if (cursor) url.searchParams.set("page", cursor);
      const response = await request(url, { headers });
      const body = Buffer.from(await response.body.arrayBuffer());
      requests++;
      bodies.push(body);
      const page = JSON.parse(body.toString()) as { has_more: boolean; next_page: string | null };
      cursor = page.has_more ? page.next_page : null;
    } while (cursor);
    days.push(bodies);
  }
  const started = performance.now();
  const compacts = period.days.map((day, i) => {
    const builder = createDayBuilder();
    for (const body of days[i] ?? []) {
      const page = parsePage(new TextDecoder().decode(body), day);
      if (page instanceof Error) throw page;
      builder.addPage(page);
    }
    return builder.finish(day);
  });
  const result = buildReport({
    period,
    current: mergeCompact(compacts),
    previousPeriod: null,
    previous: null,
    generatedAt: now(),
  });
  const ms = performance.now() - started;
  return {
    ms,
    requests,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    costCents: result.totals.costCents,
  };
}

/**
 * The Slack app in HTTP mode, asked for a cold report of the whole period; while it computes,
 * `/claude-usage help` is sent 20 times a second and each ack's latency is measured.
 */
async function ack(): Promise<CaseResult> {
  const slack = await startFakeSlackApi({ botToken: FAKE_BOT_TOKEN });
  const opened = await app(input.concurrency, input.workers, {
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    MAX_PERIOD_DAYS: "366",
  });
  const { config, loader, logger } = opened.runtime;
  await loader.loadDays(input.warmup);
  const bolt = createSlackApp({
    ...slackAppOptionsFromConfig(config),
    loader,
    logger,
    now,
  });
  const { port } = await bolt.start();
  const url = `http://127.0.0.1:${port}/slack/events`;
  const started = performance.now();
  await slashCommand(url, {
    text: `${input.from}..${input.to}`,
    user_id: "U1",
    response_url: slack.responseUrl("report"),
  });
  // Slack, sending `help` every 50 ms meanwhile, from a process of its own (ack-probe.ts).
  const probe = spawn(
    process.execPath,
    [
      join(dirname(fileURLToPath(import.meta.url)), "ack-probe.js"),
      JSON.stringify({ url, responseUrl: slack.responseUrl() }),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const probeLines = createInterface({ input: probe.stdout })[Symbol.asyncIterator]();
  await probeLines.next(); // "ready"
  // The app's own main thread: its longest holds are what an ack can wait behind.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  // The report, not the "still fetching" note posted at 2 s (the report then replaces it).
  const answered = (id: string) =>
    slack.responses.some(
      (r) =>
        r.id === id && !/^(Fetching \d|Still )/.test(String((r.body as { text?: unknown }).text)),
    );
  while (!answered("report")) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  loopDelay.disable();
  probe.stdin.end();
  const { latencies } = JSON.parse(String((await probeLines.next()).value)) as {
    latencies: number[];
  };
  // The same command again, now warm: end to end, from sending it to the answer at response_url.
  const warmTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const id = `warm-${i}`;
    const t = performance.now();
    await slashCommand(url, {
      text: `${input.from}..${input.to}`,
      user_id: "U1",
      response_url: slack.responseUrl(id),
    });
    while (!answered(id)) await new Promise((r) => setTimeout(r, 2));
    warmTimes.push(performance.now() - t);
  }
  await bolt.stop();
  const requests = opened.requestCount();
  await opened.close();
  await slack.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    ms,
    requests,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    acks: latencies.length,
    ackP50Ms: at(0.5),
    ackP99Ms: at(0.99),
    ackMaxMs: latencies.at(-1) ?? Number.NaN,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    warmEndToEndMs: warmTimes,
  };
}

const result =
  input.kind === "aggregate"
    ? aggregate()
    : input.kind === "ack"
      ? await ack()
      : input.kind === "cpu"
        ? await cpuFloor()
        : input.kind === "baseline"
          ? await report(1, 0, false)
          : input.kind === "concurrent"
            ? await concurrent()
            : input.kind === "digest"
              ? await digest()
              : input.kind === "fill-warm" || input.kind === "fill-concurrent"
                ? await fill(input.kind === "fill-warm" ? "warm" : "concurrent")
                : await report(input.concurrency, input.workers, input.kind === "warm");
process.stdout.write(`${JSON.stringify(result)}\n`);

import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { FAKE_ADMIN_KEY } from "../fakes/fake-admin-api.js";
import { FAKE_BOT_TOKEN, startFakeSlackApi } from "../fakes/fake-slack-api.js";
import { SIGNING_SECRET } from "../fakes/slack-requests.js";
import { MAX_PAGE_SIZE } from "../src/anthropic/client.js";
import { configSchema } from "../src/app/config.js";
import { createSyntheticOrg } from "../src/demo/synthetic-org.js";
import { DEFAULT_FETCH_CONCURRENCY } from "../src/loading/usage-loader.js";
import { periodBetween, shiftDay } from "../src/usage/periods.js";
import type { CaseInput, CaseResult } from "./case.js";

/*
 * `npm run bench` — the performance targets of the project, measured against the synthetic fake
 * Admin API on 127.0.0.1 with a fixed latency per request. `--quick` is a small run for CI.
 * Prints a table and writes bench/results/latest.json.
 */

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    users: { type: "string" },
    days: { type: "string" },
    latency: { type: "string", default: "30" },
    concurrency: { type: "string", default: String(DEFAULT_FETCH_CONCURRENCY) },
    /** Worker threads of the cold, warm and ack cases (FETCH_WORKERS; 0: the main thread). */
    workers: { type: "string", default: String(configSchema.shape.FETCH_WORKERS.parse(undefined)) },
    /** FETCH_WORKER_HEAP_MB for the cases' workers (0: V8's default). */
    "worker-heap-mb": {
      type: "string",
      default: String(configSchema.shape.FETCH_WORKER_HEAP_MB.parse(undefined)),
    },
    /** The cases' main-thread heap limit, as the Docker image sets it (0: V8's default). */
    "main-heap-mb": { type: "string", default: "1024" },
    seed: { type: "string", default: "42" },
    out: { type: "string", default: "bench/results/latest.json" },
    /** Comma-separated cases to run (cold, baseline, warm, aggregate, ack, cpu, concurrent, digest, idle); all by default. */
    only: {
      type: "string",
      default: "cold,baseline,warm,aggregate,ack,cpu,concurrent,digest,idle",
    },
  },
});
const selected = new Set(values.only.split(","));

const users = Number(values.users ?? (values.quick ? 1000 : 10_000));
const dayCount = Number(values.days ?? (values.quick ? 7 : 30));
const latency = Number(values.latency);
const concurrency = Number(values.concurrency);
const workers = Number(values.workers);
const workerHeapMb = Number(values["worker-heap-mb"]);
const seed = Number(values.seed);
const mainHeapMb = Number(values["main-heap-mb"]);
const to = "2026-10-31";
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (dayCount - 1) * 86_400_000)
  .toISOString()
  .slice(0, 10);
const period = periodBetween(from, to);
// Three days before the period, which each case loads before it measures (see CaseInput.warmup).
const warmup = periodBetween(shiftDay(from, -3), shiftDay(from, -1)).days;

// The physical limit: the longest chain of pages of one day, or all pages spread over the workers.
const org = createSyntheticOrg({ users, seed });
const pagesPerDay = period.days.map((d) =>
  Math.max(1, Math.ceil(org.recordCount(d) / MAX_PAGE_SIZE)),
);
const totalPages = pagesPerDay.reduce((a, b) => a + b, 0);
const records = period.days.reduce((sum, d) => sum + org.recordCount(d), 0);
const limitMs = Math.max(Math.max(...pagesPerDay) * latency, (totalPages * latency) / concurrency);

console.log(
  `org: ${users} people, ${dayCount} days (${from}..${to}), ${records} records, ${totalPages} pages; latency ${latency} ms; concurrency ${concurrency}; workers ${workers} (heap limit ${workerHeapMb || "V8's default"} MB); main heap limit ${mainHeapMb || "V8's default"} MB; physical limit ${limitMs.toFixed(0)} ms`,
);

// Cases run as plain bundled JavaScript, as in production: tsx's own loader would add ~70 MB RSS.
const caseBundle = "bench/results/case.js";
// The worker script goes next to the case bundle, where worker-fetcher looks for day-worker.js.
await build({
  entryPoints: {
    case: "bench/case.ts",
    main: "src/main.ts",
    "day-worker": "src/loading/day-worker.ts",
    "ack-probe": "bench/ack-probe.ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outdir: "bench/results",
  packages: "external",
  // Shared code in chunks, and a dynamic import stays one, as in the tsc build (dist/).
  splitting: true,
  logLevel: "error",
});

const server = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    "bench/fake-api-process.ts",
    "--users",
    String(users),
    "--seed",
    String(seed),
    "--latency",
    String(latency),
    "--days",
    [...warmup, ...period.days].join(","),
  ],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const firstLine = await new Promise<string>((resolve, reject) => {
  createInterface({ input: server.stdout }).once("line", resolve);
  server.once("exit", (code) => reject(new Error(`fake API exited (${code})`)));
});
const { url } = JSON.parse(firstLine) as { url: string };

async function runCase(kind: CaseInput["kind"], dataDir?: string): Promise<CaseResult> {
  const input: CaseInput = {
    dataDir,
    kind,
    url,
    from,
    to,
    concurrency,
    workers,
    workerHeapMb,
    users,
    seed,
    warmup,
  };
  // Not for the two that hold a whole month of records or pages in memory, which the app never
  // does: under the limit V8 collects them again and again (aggregation ~1.5 → ~0.8 M rec/s).
  const heap =
    mainHeapMb > 0 && kind !== "aggregate" && kind !== "cpu"
      ? [`--max-old-space-size=${mainHeapMb}`]
      : [];
  const child = spawn(
    process.execPath,
    [
      ...heap,
      ...(process.env.BENCH_CASE_ARGS?.split(" ").filter(Boolean) ?? []),
      caseBundle,
      JSON.stringify(input),
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  for await (const chunk of child.stdout) out += chunk;
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`case ${kind} failed (${code})`);
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as CaseResult;
}

/**
 * The Slack app as `npm run start:prod` starts it (bundled; HTTP mode against the fake Slack and
 * the fake API; its store on SQLite; no backfill, no digest), left idle: its RSS after a while.
 * Read from /proc (Linux).
 */
async function idleApp(): Promise<CaseResult> {
  const slack = await startFakeSlackApi({ botToken: FAKE_BOT_TOKEN });
  const dataDir = await mkdtemp(join(tmpdir(), "claude-usage-bench-"));
  const heap = mainHeapMb > 0 ? [`--max-old-space-size=${mainHeapMb}`] : [];
  const child = spawn(process.execPath, [...heap, "bench/results/main.js"], {
    env: {
      PATH: process.env.PATH,
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: url,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: "0",
      DATA_DIR: dataDir,
      BACKFILL: "false",
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise((resolve) => setTimeout(resolve, IDLE_WAIT_MS));
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  child.kill("SIGTERM");
  await exited;
  await slack.close();
  await rm(dataDir, { recursive: true, force: true });
  return {
    ms: IDLE_WAIT_MS,
    requests: 0,
    peakRssMb: kb("VmHWM") / 1024,
    idleRssMb: kb("VmRSS") / 1024,
  };
}
const IDLE_WAIT_MS = 10_000;

const skipped: CaseResult = { ms: Number.NaN, requests: 0, peakRssMb: Number.NaN };
/**
 * The warm and concurrent cases start as a bot restarted on a warm store: the store is filled
 * by a process of its own first, so that their peak RSS is theirs, not the cold loads'.
 */
async function onWarmStore(kind: "warm" | "concurrent"): Promise<CaseResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "claude-usage-bench-"));
  try {
    await runCase(kind === "warm" ? "fill-warm" : "fill-concurrent", dataDir);
    return await runCase(kind, dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
const run = (kind: CaseInput["kind"]) =>
  !selected.has(kind)
    ? Promise.resolve(skipped)
    : kind === "warm" || kind === "concurrent"
      ? onWarmStore(kind)
      : runCase(kind);
const cold = await run("cold");
const baseline = await run("baseline");
const warm = await run("warm");
const aggregation = await run("aggregate");
const acks = await run("ack");
const cpu = await run("cpu");
const concurrent = await run("concurrent");
const digest = await run("digest");
const idle = selected.has("idle") ? await idleApp() : skipped;
// What this machine allows: the network limit, or the client's CPU floor when that is higher.
const machineFloorMs = Math.max(limitMs, cpu.ms);
server.stdin?.end();

const fmt = (n: number | null, digits = 0) =>
  n === null || Number.isNaN(n) ? "–" : n.toFixed(digits);
const rows = [
  {
    case: "cold report",
    ms: cold.ms,
    requests: cold.requests,
    vsLimit: cold.ms / limitMs,
    vsBaseline: baseline.ms / cold.ms,
    peakRssMb: cold.peakRssMb,
  },
  {
    case: "client CPU floor (pages from memory, no network, main thread)",
    ms: cpu.ms,
    requests: cpu.requests,
    vsLimit: cpu.ms / limitMs,
    vsBaseline: null,
    peakRssMb: cpu.peakRssMb,
  },
  {
    case: "baseline (sequential)",
    ms: baseline.ms,
    requests: baseline.requests,
    vsLimit: baseline.ms / limitMs,
    vsBaseline: 1,
    peakRssMb: baseline.peakRssMb,
  },
  {
    case: `warm report (the first after a restart, from the store: ${fmt(warm.firstMs ?? Number.NaN)} ms)`,
    ms: warm.ms,
    requests: warm.requests,
    vsLimit: null,
    vsBaseline: baseline.ms / warm.ms,
    peakRssMb: warm.peakRssMb,
  },
  {
    case: `aggregation (${((aggregation.recordsPerSecond ?? 0) / 1e6).toFixed(2)} M rec/s one pass; ${((aggregation.perDayRecordsPerSecond ?? 0) / 1e6).toFixed(2)} M rec/s per day + compact + merge)`,
    ms: aggregation.ms,
    requests: 0,
    vsLimit: null,
    vsBaseline: null,
    peakRssMb: aggregation.peakRssMb,
  },
  {
    case: `slash command ack during a cold report (${acks.acks ?? 0} acks: p50 ${(acks.ackP50Ms ?? Number.NaN).toFixed(1)} ms, p99 ${(acks.ackP99Ms ?? Number.NaN).toFixed(1)} ms, max ${(acks.ackMaxMs ?? Number.NaN).toFixed(1)} ms; the app's event loop held p99 ${fmt(acks.loopDelayP99Ms ?? Number.NaN)} ms, max ${fmt(acks.loopDelayMaxMs ?? Number.NaN)} ms); then warm, end to end: ${(acks.warmEndToEndMs ?? []).map((t) => t.toFixed(0)).join(", ")} ms`,
    ms: acks.ms,
    requests: acks.requests,
    vsLimit: null,
    vsBaseline: null,
    peakRssMb: acks.peakRssMb,
  },
  {
    case: `${concurrent.reports ?? 20} concurrent warm reports, p99: of one period ${(concurrent.sameP99Ms ?? Number.NaN).toFixed(0)} ms; of 1–20 days ${(concurrent.reportP99Ms ?? Number.NaN).toFixed(0)} ms (the time); of ${dayCount} days ending on 20 different days ${(concurrent.slidingP99Ms ?? Number.NaN).toFixed(0)} ms`,
    ms: concurrent.ms,
    requests: concurrent.requests,
    vsLimit: null,
    vsBaseline: null,
    peakRssMb: concurrent.peakRssMb,
  },
  {
    case: `Slack app at idle, ${IDLE_WAIT_MS / 1000} s after start (RSS then: ${fmt(idle.idleRssMb ?? Number.NaN)} MB; no backfill)`,
    ms: idle.ms,
    requests: 0,
    vsLimit: null,
    vsBaseline: null,
    peakRssMb: idle.peakRssMb,
  },
  {
    case: `digest fan-out: ${digest.dms ?? 0} DMs, Slack answering in ${digest.slackLatencyMs ?? "–"} ms, ${fmt((digest.ms ?? Number.NaN) / (digest.dms || Number.NaN), 1)} ms a DM`,
    ms: digest.ms,
    requests: 0,
    vsLimit: null,
    vsBaseline: null,
    peakRssMb: digest.peakRssMb,
  },
];

console.log("\n| case | time (ms) | requests | × limit | × faster than baseline | peak RSS (MB) |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  console.log(
    `| ${r.case} | ${fmt(r.ms)} | ${r.requests} | ${fmt(r.vsLimit, 2)} | ${fmt(r.vsBaseline, 1)} | ${fmt(r.peakRssMb)} |`,
  );
}

// Each target with the cases it needs: a target whose case was not run is "not measured".
const targets: Record<string, { needs: (CaseInput["kind"] | "idle")[]; ok: () => boolean }> = {
  coldWithin13xLimit: { needs: ["cold"], ok: () => cold.ms <= 1.3 * limitMs },
  cold8xBaseline: { needs: ["cold", "baseline"], ok: () => baseline.ms / cold.ms >= 8 },
  warmNoApiCalls: { needs: ["warm"], ok: () => warm.requests === 0 },
  warmUnder1s: { needs: ["warm"], ok: () => warm.ms < 1000 },
  aggregation2MPerSecond: {
    needs: ["aggregate"],
    ok: () => (aggregation.recordsPerSecond ?? 0) >= 2e6,
  },
  coldPeakRssUnder200Mb: { needs: ["cold"], ok: () => cold.peakRssMb < 200 },
  ackP99Under100Ms: { needs: ["ack"], ok: () => (acks.ackP99Ms ?? Number.POSITIVE_INFINITY) < 100 },
  concurrentP99Under2s: {
    needs: ["concurrent"],
    ok: () =>
      Math.max(
        concurrent.sameP99Ms ?? Number.POSITIVE_INFINITY,
        concurrent.reportP99Ms ?? Number.POSITIVE_INFINITY,
        concurrent.slidingP99Ms ?? Number.POSITIVE_INFINITY,
      ) < 2000,
  },
  concurrentPeakRssUnder400Mb: { needs: ["concurrent"], ok: () => concurrent.peakRssMb < 400 },
  idleAppUnder200Mb: {
    needs: ["idle"],
    ok: () => (idle.idleRssMb ?? Number.POSITIVE_INFINITY) < 200,
  },
  // Not one of the targets: the cold report against what this machine's CPU allows.
  coldWithin13xMachineFloor: { needs: ["cold", "cpu"], ok: () => cold.ms <= 1.3 * machineFloorMs },
};
const verdicts = Object.fromEntries(
  Object.entries(targets).map(([name, t]) => [
    name,
    t.needs.every((k) => selected.has(k)) ? t.ok() : null,
  ]),
);
console.log(
  "\ntargets:",
  Object.entries(verdicts)
    .map(([k, ok]) => `${ok === null ? "–" : ok ? "✓" : "✗"} ${k}`)
    .join("  "),
);

mkdirSync("bench/results", { recursive: true });
writeFileSync(
  values.out,
  `${JSON.stringify({ at: new Date().toISOString(), users, days: dayCount, latency, concurrency, workers, workerHeapMb, mainHeapMb, records, totalPages, limitMs, rows, targets: verdicts }, null, 2)}\n`,
);
console.log(`written: ${values.out}`);
// The report must be the same however it was fetched.
const checkedTotals = [cold, baseline, warm, cpu].filter((c) => c !== skipped);
if (checkedTotals.some((c) => c.costCents !== checkedTotals[0]?.costCents)) process.exitCode = 1;

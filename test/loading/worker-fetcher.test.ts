import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResourceLimits } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  type FaultReply,
  type RecordedRequest,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { AnthropicApiError } from "../../src/anthropic/errors.js";
import { loadConfig } from "../../src/app/config.js";
import { usageSourceFromConfig, workerResourceLimits } from "../../src/app/options.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { fetchDay } from "../../src/loading/day-fetch.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import {
  createWorkerFetcher,
  WorkerCrashedError,
  type WorkerFetcherOptions,
} from "../../src/loading/worker-fetcher.js";
import { reportToJson } from "../../src/render/json.js";
import { databaseLocation } from "../../src/store/database.js";
import { openStore, type Store } from "../../src/store/store.js";
import { parseCompact } from "../../src/usage/compact.js";
import { periodBetween, previousPeriod } from "../../src/usage/periods.js";

/*
 * Days fetched in real worker threads against the fake Admin API: the same numbers as on the main
 * thread, typed errors across the thread boundary, one 429 pausing every worker, aborts, crashes.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const org = createSyntheticOrg({ users: 300, seed: 11 });

async function setup(
  fault?: (request: RecordedRequest) => FaultReply | undefined,
  options: Partial<WorkerFetcherOptions> = {},
) {
  const api: FakeAdminApi = await startFakeAdminApi({ org, fault });
  const workers = createWorkerFetcher({
    threads: 2,
    client: { adminKey: FAKE_ADMIN_KEY, baseUrl: api.url, pageSize: 40, backoffBaseMs: 5 },
    ...options,
  });
  cleanups.push(
    () => api.close(),
    () => workers.close(),
  );
  return { api, workers };
}

describe("createWorkerFetcher", () => {
  it("a day from a worker is the same as a day fetched on this thread, and workers start on first use", async () => {
    const { api, workers } = await setup();
    expect(workers.running).toBe(0);
    const fromWorker = await workers.fetchDay("2026-11-02");
    expect(workers.running).toBe(1);
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api.url, pageSize: 40 });
    cleanups.push(() => client.close());
    const here = await fetchDay(client, "2026-11-02");
    expect(fromWorker.pages).toBeGreaterThan(1);
    expect(fromWorker.records).toBe(org.recordCount("2026-11-02"));
    const { stored, ...day } = fromWorker;
    expect(day).toEqual(here);
    expect(fromWorker.compact.actors.data).toBeInstanceOf(Float64Array);
    // Serialised for the day cache in the worker, off the main thread: the same day.
    expect(parseCompact(stored ?? "")).toEqual(here.compact);
  });

  it("a loader on workers reports exactly what a loader on this thread reports", async () => {
    const { api, workers } = await setup();
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api.url, pageSize: 40 });
    cleanups.push(() => client.close());
    const now = () => new Date("2026-11-25T10:00:00Z");
    const period = periodBetween("2026-11-01", "2026-11-10");
    const onWorkers = await createUsageLoader({
      source: client,
      fetchDay: workers.fetchDay,
      now,
    }).loadReport(period);
    const here = await createUsageLoader({ source: client, now }).loadReport(period);
    expect(workers.running).toBe(2);
    // Every page once: the workers' requests add up to the pages of the ten days and of the ten
    // before (the comparison); an empty day is one page.
    const pages = [...previousPeriod(period).days, ...period.days].reduce(
      (n, d) => n + Math.max(1, Math.ceil(org.recordCount(d) / 40)),
      0,
    );
    expect(workers.requestCount).toBe(pages);
    expect(reportToJson(onWorkers)).toEqual(reportToJson(here));
    expect(onWorkers.totals.costCents).toBeGreaterThan(0);
  });

  it("a revoked key is an AnthropicApiError (auth) on this side of the thread, naming the day", async () => {
    const { workers } = await setup((r) =>
      r.query.starting_at === "2026-11-03"
        ? {
            status: 401,
            body: apiErrorBody("authentication_error", "invalid x-api-key"),
          }
        : undefined,
    );
    const error = await workers.fetchDay("2026-11-03").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnthropicApiError);
    expect(error).toMatchObject({ kind: "auth", status: 401, day: "2026-11-03" });
    expect(String((error as Error).message)).not.toContain(FAKE_ADMIN_KEY);
    // The worker lives on.
    expect((await workers.fetchDay("2026-11-04")).records).toBe(org.recordCount("2026-11-04"));
  });

  it("a 429 with retry-after seen by one worker pauses the other one too", async () => {
    let limited = false;
    const { api, workers } = await setup((r) => {
      if (r.query.starting_at === "2026-11-05" && !limited) {
        limited = true;
        return {
          status: 429,
          headers: { "retry-after": "1" },
          body: apiErrorBody("rate_limit_error", "slow down"),
        };
      }
      return undefined;
    });
    // Both workers up and serving first, so that start-up times do not decide the race.
    workers.start();
    await Promise.all([workers.fetchDay("2026-11-01"), workers.fetchDay("2026-11-02")]);
    // The first day is rate-limited; the second starts on the other worker meanwhile.
    const first = workers.fetchDay("2026-11-05");
    await new Promise((r) => setTimeout(r, 50));
    const second = workers.fetchDay("2026-11-06");
    await Promise.all([first, second]);
    expect(workers.running).toBe(2);
    const limitedAt = api.requests.find((r) => r.query.starting_at === "2026-11-05")?.at ?? 0;
    const secondPages = api.requests.filter((r) => r.query.starting_at === "2026-11-06");
    // The pause reached the other worker before its day began (50 ms later): every page of that
    // day waited out the second of retry-after (give or take the timers' slack).
    expect(secondPages.length).toBeGreaterThan(1);
    expect(secondPages.filter((r) => r.at < limitedAt + 900)).toEqual([]);
  });

  it("an abort rejects at once with the signal's reason; the worker goes on serving", async () => {
    const { workers } = await setup(() => ({ status: 200, delayMs: 5_000, body: {} }));
    const controller = new AbortController();
    const pending = workers.fetchDay("2026-11-07", controller.signal);
    controller.abort(new Error("the person gave up"));
    await expect(pending).rejects.toThrow("the person gave up");
  });

  /** One worker running `script` (JavaScript source) instead of the day worker. */
  async function poolRunning(script: string, resourceLimits?: ResourceLimits) {
    const api = await startFakeAdminApi({ org });
    cleanups.push(() => api.close());
    const pool = createWorkerFetcher({
      threads: 1,
      client: { adminKey: FAKE_ADMIN_KEY, baseUrl: api.url },
      workerUrl: new URL(`data:text/javascript,${script}`),
      resourceLimits,
    });
    cleanups.push(() => pool.close());
    return pool;
  }

  it("a worker that dies rejects its days with WorkerCrashedError, and the next day gets a new one", async () => {
    const broken = await poolRunning("process.exit(3)");
    const error = await broken.fetchDay("2026-11-08").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ day: "2026-11-08" });
    expect(String((error as Error).message)).toContain("exited with code 3");
    expect(broken.running).toBe(0);
  });

  it("a worker that runs out of its heap limit names the setting that sets it", async () => {
    const hungry = await poolRunning(
      "const kept = []; for (;;) kept.push(new Array(100000).fill(kept.length));",
      { maxOldGenerationSizeMb: 16 },
    );
    const error = await hungry.fetchDay("2026-11-08").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(String((error as Error).message)).toMatch(/memory limit.*FETCH_WORKER_HEAP_MB/);
  });

  it("closing with a day in progress fails it as closed, not as crashed", async () => {
    const { workers } = await setup(() => ({ status: 200, delayMs: 5_000, body: {} }));
    // Handled from the start: close() rejects it at once, while it waits for the thread to end.
    const outcome = workers.fetchDay("2026-11-10").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await workers.close();
    const error = await outcome;
    expect(error).not.toBeInstanceOf(WorkerCrashedError);
    expect(String(error)).toContain("closed");
  });

  it("closed: no more days", async () => {
    const { workers } = await setup();
    await workers.fetchDay("2026-11-09");
    const requests = workers.requestCount;
    await workers.close();
    expect(workers.running).toBe(0);
    expect(workers.requestCount).toBe(requests);
    await expect(workers.fetchDay("2026-11-09")).rejects.toThrow("closed");
  });
});

describe("workers writing the days they fetch into the SQLite store", () => {
  async function storeIn(dir: string): Promise<Store> {
    const store = await openStore({ dataDir: dir });
    cleanups.push(() => store.close());
    return store;
  }
  function tempDir() {
    const dir = mkdtempSync(join(tmpdir(), "claude-usage-worker-store-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  const dayStoreOf = (dir: string) => ({
    file: databaseLocation({ dataDir: dir }),
    recentTtlMs: 60_000,
  });

  it("a final day is written by the worker, not sent for the main thread to write; the store reads it back", async () => {
    const dir = tempDir();
    const store = await storeIn(dir);
    const { workers } = await setup(undefined, { dayStore: dayStoreOf(dir) });
    const fetched = await workers.fetchDay("2026-11-02", undefined, { final: true });
    expect(fetched.written).toBe(true);
    expect(fetched.writeError).toBeUndefined();
    expect(fetched.stored).toBeUndefined();
    expect(await store.dayCache.get("2026-11-02")).toEqual(fetched.compact);
    // Asked without saying whether it is final (not for the cache): sent back, not written.
    const unasked = await workers.fetchDay("2026-11-03");
    expect(unasked.written).toBeUndefined();
    expect(unasked.stored).toBeTypeOf("string");
    expect(await store.dayCache.get("2026-11-03")).toBeUndefined();
  });

  it("a recent day is written to expire after the recent TTL, as the store writes it", async () => {
    const dir = tempDir();
    const store = await storeIn(dir);
    const { workers } = await setup(undefined, { dayStore: dayStoreOf(dir) });
    const before = Date.now();
    await workers.fetchDay("2026-11-24", undefined, { final: false });
    const row = await store.database.db
      .selectFrom("day_cache")
      .select(["final", "expires_at"])
      .where("day", "=", "2026-11-24")
      .executeTakeFirstOrThrow();
    expect(Number(row.final)).toBe(0);
    expect(Number(row.expires_at)).toBeGreaterThanOrEqual(before + 60_000);
    expect(Number(row.expires_at)).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("a worker that cannot write (no store there, or one not migrated) says why; the loader writes the day itself and tells", async () => {
    const dir = tempDir();
    const store = await storeIn(dir);
    const missing = join(tempDir(), "nowhere.sqlite");
    const bare = join(tempDir(), "bare.sqlite");
    new SQLite(bare).close(); // a database without the store's tables
    for (const file of [missing, bare]) {
      const { workers } = await setup(undefined, { dayStore: { file, recentTtlMs: 60_000 } });
      const fetched = await workers.fetchDay("2026-11-02", undefined, { final: true });
      expect(fetched.written).toBeUndefined();
      expect(fetched.writeError).toBe(
        `the store (${file}) failed to keep 2026-11-02 from a fetch worker: ${file === missing ? "the database file cannot be opened" : "no such table: day_cache"}`,
      );
      expect(fetched.stored).toBeTypeOf("string");
      const told: { day: string; operation: string; message: string }[] = [];
      const loader = createUsageLoader({
        source: createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: "http://127.0.0.1:9" }),
        fetchDay: workers.fetchDay,
        cache: store.dayCache,
        now: () => new Date("2026-11-25T10:00:00Z"),
        onCacheError: (error, context) =>
          told.push({ ...context, message: error instanceof Error ? error.message : "" }),
      });
      const day = file === missing ? "2026-11-04" : "2026-11-05";
      const loaded = await loader.loadDayParts([day]);
      expect(told).toEqual([{ day, operation: "set", message: expect.stringMatching(/\S/) }]);
      // Nothing lost: the main thread wrote it.
      expect(await store.dayCache.get(day)).toEqual(loaded[0]);
    }
  });

  it("the app's workers write into its SQLite store; not on PostgreSQL, and not without the store", async () => {
    const api = await startFakeAdminApi({ org });
    cleanups.push(() => api.close());
    const dir = tempDir();
    const store = await storeIn(dir);
    const base = {
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: api.url,
      DATA_DIR: dir,
    };
    const written = async (env: Record<string, string>, store: boolean) => {
      const usage = usageSourceFromConfig(loadConfig({ ...base, ...env }), {
        workers: true,
        store,
      });
      cleanups.push(() => usage.close());
      return (await usage.fetchDay?.("2026-11-02", undefined, { final: true }))?.written ?? false;
    };
    expect(await written({}, true)).toBe(true);
    expect(await written({}, false)).toBe(false);
    // The URL is never connected to: on PostgreSQL the main thread writes, as a query.
    expect(await written({ DATABASE_URL: "postgres://127.0.0.1:9/none" }, true)).toBe(false);
    expect(await store.dayCache.get("2026-11-02")).toBeDefined();
  });
});

describe("usageSourceFromConfig", () => {
  const env = { ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY, ANTHROPIC_BASE_URL: "http://127.0.0.1:9" };

  it("FETCH_WORKER_HEAP_MB is each worker's heap limit (1024 MB by default; 0: V8's own)", () => {
    expect(workerResourceLimits(loadConfig(env))).toEqual({ maxOldGenerationSizeMb: 1024 });
    expect(workerResourceLimits(loadConfig({ ...env, FETCH_WORKER_HEAP_MB: "256" }))).toEqual({
      maxOldGenerationSizeMb: 256,
    });
    expect(workerResourceLimits(loadConfig({ ...env, FETCH_WORKER_HEAP_MB: "0" }))).toBeUndefined();
  });

  it("the Slack app fetches in FETCH_WORKERS threads (1 by default); 0, the CLI and the demo on this thread", async () => {
    const app = usageSourceFromConfig(loadConfig({ ...env, FETCH_WORKERS: "2" }), {
      workers: true,
    });
    cleanups.push(() => app.close());
    expect(app.fetchDay).toBeTypeOf("function");
    // Started at once, not on the first report.
    expect(app.workers?.running).toBe(2);
    for (const usage of [
      usageSourceFromConfig(loadConfig({ ...env, FETCH_WORKERS: "0" }), { workers: true }),
      usageSourceFromConfig(loadConfig(env)),
      usageSourceFromConfig(loadConfig({}), { demo: true, workers: true }),
    ]) {
      cleanups.push(() => usage.close());
      expect(usage.fetchDay).toBeUndefined();
    }
  });
});

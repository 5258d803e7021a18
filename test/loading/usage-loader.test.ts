import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { AnthropicApiError } from "../../src/anthropic/errors.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { fetchDay } from "../../src/loading/day-fetch.js";
import { createUsageLoader, type DayLoadEvent } from "../../src/loading/usage-loader.js";
import { reportToJson } from "../../src/render/json.js";
import { createMemoryDayCache } from "../../src/store/day-cache.js";
import { createMemoryFirstSeen } from "../../src/store/first-seen.js";
import { parsePeriod, shiftDay } from "../../src/usage/periods.js";

const now = new Date("2026-11-25T10:00:00Z");
const period = (text: string) => parsePeriod(text, { now, timeZone: "UTC" });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function apiWithOrg(options: Parameters<typeof startFakeAdminApi>[0] = {}) {
  const org = createSyntheticOrg({ users: 120, seed: 7 });
  const api: FakeAdminApi = await startFakeAdminApi({ org, ...options });
  const client = createAdminClient({
    adminKey: FAKE_ADMIN_KEY,
    baseUrl: api.url,
    pageSize: 50,
    backoffBaseMs: 5,
  });
  cleanups.push(
    () => client.close(),
    () => api.close(),
  );
  return { org, api, client };
}

describe("createUsageLoader", () => {
  it("loads every page of every day of the period and of the previous period", async () => {
    const { org, api, client } = await apiWithOrg();
    const loader = createUsageLoader({ source: client, now: () => now });
    const report = await loader.loadReport(period("last 7 days"));
    const days = [
      ...period("last 7 days").days,
      ...parsePeriod("2026-11-11..2026-11-17", { now, timeZone: "UTC" }).days,
    ];
    const expectedPages = days.reduce(
      (sum, d) => sum + Math.max(1, Math.ceil(org.recordCount(d) / 50)),
      0,
    );
    expect(api.requestCount).toBe(expectedPages);
    expect(new Set(api.requests.map((r) => r.query.starting_at))).toEqual(new Set(days));
    const records = period("last 7 days").days.reduce((sum, d) => sum + org.recordCount(d), 0);
    expect(report.actors.reduce((sum, a) => sum + a.sessions, 0)).toBe(report.totals.sessions);
    expect(report.daily).toHaveLength(7);
    expect(report.previous).not.toBeNull();
    expect(records).toBeGreaterThan(0);
  });

  it("compares a day with the same weekday a week earlier, and says so in the report", async () => {
    const { api, client } = await apiWithOrg();
    const loader = createUsageLoader({ source: client, now: () => now });
    const report = await loader.loadReport(period("2026-11-24"));
    expect(new Set(api.requests.map((r) => r.query.starting_at))).toEqual(
      new Set(["2026-11-24", "2026-11-17"]),
    );
    expect(report.previousPeriod).toMatchObject({ from: "2026-11-17", to: "2026-11-17" });
    expect(report.baseline).toBe("same weekday");
    const month = await loader.loadReport(period("this month"));
    expect(month.previousPeriod).toMatchObject({ from: "2026-10-01", to: "2026-10-25" });
    expect(month.baseline).toBe("month");
  });

  it("gives the same report over HTTP as from the synthetic source directly", async () => {
    const { org, client } = await apiWithOrg();
    const overHttp = await createUsageLoader({ source: client, now: () => now }).loadReport(
      period("last 7 days"),
    );
    const direct = await createUsageLoader({
      source: createSyntheticSource(org),
      now: () => now,
    }).loadReport(period("last 7 days"));
    expect(reportToJson(overHttp)).toEqual(reportToJson(direct));
  });

  it("tells a report's progress day by day, its baseline's days included", async () => {
    const { client } = await apiWithOrg();
    const loader = createUsageLoader({ source: client, now: () => now });
    const heard: string[] = [];
    await loader.loadReport(period("last 7 days"), {
      onProgress: ({ done, total }) => heard.push(`${done}/${total}`),
    });
    expect(heard).toEqual(Array.from({ length: 14 }, (_, i) => `${i + 1}/14`));
    heard.length = 0;
    await loader.loadReport(period("yesterday"), {
      compare: false,
      onProgress: ({ done, total }) => heard.push(`${done}/${total}`),
    });
    expect(heard).toEqual(["1/1"]);
  });

  it("fetches days concurrently, never more than the configured bound", async () => {
    const { api, client } = await apiWithOrg({ latencyMs: 15 });
    const loader = createUsageLoader({ source: client, concurrency: 3, now: () => now });
    await loader.loadReport(period("last 10 days"), { compare: false });
    expect(api.maxInFlight).toBe(3);
  });

  it("asks for a period's weekdays first (the longest page chains), and merges in day order", async () => {
    const org = createSyntheticOrg({ users: 30, seed: 2 });
    const synthetic = createSyntheticSource(org);
    const asked: string[] = [];
    const source = {
      ...synthetic,
      pages(day: string) {
        asked.push(day);
        return synthetic.pages(day);
      },
    };
    const loader = createUsageLoader({ source, concurrency: 1, now: () => now });
    const days = parsePeriod("2026-11-13..2026-11-24", { now, timeZone: "UTC" }).days;
    const merged = await loader.loadDays(days);
    const weekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    expect(asked).toEqual([...days.filter((d) => !weekend(d)), ...days.filter(weekend)]);
    expect(merged.days).toEqual(days);
    expect(merged.daily.map((d) => d.day)).toEqual(days);
  });

  it("never refetches a finished day; refetches a recent one after its TTL", async () => {
    const { api, client } = await apiWithOrg();
    let clock = now.getTime();
    const cache = createMemoryDayCache({ recentTtlMs: 60_000, now: () => clock });
    const loader = createUsageLoader({ source: client, cache, now: () => new Date(clock) });
    // 2026-11-24 ended 10 h ago: not final (26 h margin). 2026-11-23 ended 34 h ago: final.
    expect(loader.isFinal("2026-11-25")).toBe(false);
    expect(loader.isFinal("2026-11-24")).toBe(false);
    expect(loader.isFinal("2026-11-23")).toBe(true);

    const first = await loader.loadReport(period("last 7 days"), { compare: false });
    const cold = api.requestCount;
    const warm = await loader.loadReport(period("last 7 days"), { compare: false });
    expect(api.requestCount).toBe(cold);
    expect(reportToJson(warm).totals).toEqual(reportToJson(first).totals);

    clock += 61_000; // recent days expire, finished ones stay
    await loader.loadReport(period("last 7 days"), { compare: false });
    const refetched = new Set(api.requests.slice(cold).map((r) => r.query.starting_at));
    expect(refetched).toEqual(new Set(["2026-11-24"]));
  });

  it("two reports asking for the same days at once share one fetch per day", async () => {
    const { api, client } = await apiWithOrg({ latencyMs: 10 });
    const loader = createUsageLoader({ source: client, now: () => now });
    await Promise.all([
      loader.loadReport(period("last 7 days"), { compare: false }),
      loader.loadReport(period("last 7 days"), { compare: false }),
    ]);
    const firstPages = api.requests.filter((r) => !r.query.page).map((r) => r.query.starting_at);
    expect(firstPages.sort()).toEqual(period("last 7 days").days);
  });

  it("reports each day's load, from the API then from the cache", async () => {
    const { client } = await apiWithOrg();
    const events: DayLoadEvent[] = [];
    const loader = createUsageLoader({
      source: client,
      cache: createMemoryDayCache(),
      now: () => now,
      onDay: (e) => events.push(e),
    });
    await loader.loadDays(["2026-11-20"]);
    await loader.loadDays(["2026-11-20"]);
    expect(events.map((e) => [e.day, e.source])).toEqual([
      ["2026-11-20", "api"],
      ["2026-11-20", "cache"],
    ]);
    expect(events[0]?.pages).toBeGreaterThan(1);
    expect(events[1]?.records).toBe(events[0]?.records);
  });

  it("a failing cache (disk full, database gone) is told and skipped: the report comes from the API", async () => {
    const { api, client } = await apiWithOrg();
    const problems: string[] = [];
    const broken = {
      get: async () => {
        throw new Error("SQLITE_IOERR: disk I/O error");
      },
      set: async () => {
        throw new Error("SQLITE_FULL: database or disk is full");
      },
    };
    const loader = createUsageLoader({
      source: client,
      cache: broken,
      now: () => now,
      onCacheError: (error, { day, operation }) =>
        problems.push(`${operation} ${day}: ${(error as Error).message}`),
    });
    const healthy = createUsageLoader({ source: client, now: () => now });
    const report = await loader.loadReport(period("2026-11-20"), { compare: false });
    expect(reportToJson(report)).toEqual(
      reportToJson(await healthy.loadReport(period("2026-11-20"), { compare: false })),
    );
    expect(problems).toEqual([
      "get 2026-11-20: SQLITE_IOERR: disk I/O error",
      "set 2026-11-20: SQLITE_FULL: database or disk is full",
    ]);
    expect(api.requestCount).toBeGreaterThan(0);
  });

  it("a failing day fails the report with the API's typed error", async () => {
    const { client } = await apiWithOrg({
      fault: (r) =>
        r.query.starting_at === "2026-11-20"
          ? { status: 400, body: apiErrorBody("invalid_request_error", "nope") }
          : undefined,
    });
    const loader = createUsageLoader({ source: client, now: () => now });
    const error = await loader.loadReport(period("last 7 days")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnthropicApiError);
    expect((error as AnthropicApiError).day).toBe("2026-11-20");
  });

  it("a late day's failure fails the report at once, without waiting for the earlier days", async () => {
    const { client } = await apiWithOrg({
      fault: (r) => {
        if (r.query.starting_at === "2026-11-24") return { status: 400, body: {} };
        // The first day of the period answers only after 1.2 s.
        if (r.query.starting_at === "2026-11-18") return { status: 200, delayMs: 1200, body: {} };
        return undefined;
      },
    });
    const loader = createUsageLoader({ source: client, now: () => now });
    const started = performance.now();
    const error = await loader.loadDays(period("last 7 days").days).catch((e: unknown) => e);
    expect((error as AnthropicApiError).day).toBe("2026-11-24");
    expect(performance.now() - started).toBeLessThan(800);
  });

  it("hands the thread back between days while merging (a Slack ack is not kept waiting)", async () => {
    const source = createSyntheticSource(createSyntheticOrg({ users: 50, seed: 3 }));
    const cache = createMemoryDayCache();
    const loader = createUsageLoader({ source, cache, now: () => now });
    const days = period("last 7 days").days;
    const fromCache = await loader.loadDays(days);
    // Every day is cached now: without a hand-back, the whole merge would finish in microtasks,
    // before anything else queued on the event loop.
    const order: string[] = [];
    const merged = loader.loadDays(days).then((agg) => {
      order.push("report");
      return agg;
    });
    setImmediate(() => order.push("ack"));
    const again = await merged;
    expect(order).toEqual(["ack", "report"]);
    expect(again).toEqual(fromCache);
  });

  it("writes a day to the cache in the form its fetcher already serialised, if any", async () => {
    const source = createSyntheticSource(createSyntheticOrg({ users: 20, seed: 5 }));
    const written: (string | undefined)[] = [];
    const loader = createUsageLoader({
      source,
      now: () => now,
      fetchDay: async (day, signal) => ({
        ...(await fetchDay(source, day, signal)),
        stored: `stored ${day}`,
      }),
      cache: {
        get: async () => undefined,
        set: async (_day, _aggregate, options) => {
          written.push(options.stored);
        },
      },
    });
    await loader.loadDays(["2026-11-20", "2026-11-21"]);
    expect(written.sort()).toEqual(["stored 2026-11-20", "stored 2026-11-21"]);
  });

  it("a report from kept spans is the report from its days, for random windows", async () => {
    const org = createSyntheticOrg({ users: 80, seed: 5 });
    const withSpans = createUsageLoader({
      source: createSyntheticSource(org),
      cache: createMemoryDayCache(),
      spanMemory: 16,
      now: () => now,
    });
    const dayByDay = createUsageLoader({
      source: createSyntheticSource(org),
      cache: createMemoryDayCache(),
      now: () => now,
    });
    let seed = 9;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Final days (ended over 26 hours before `now`) go into spans; the last two do not.
    const last = "2026-11-25";
    for (let n = 0; n < 25; n++) {
      const length = n === 0 ? 1 : 1 + Math.floor(next() * 45);
      const to = shiftDay(last, -Math.floor(next() * 30));
      const window = parsePeriod(`${shiftDay(to, 1 - length)}..${to}`, { now, timeZone: "UTC" });
      // Twice: the first builds spans, the second merges kept ones.
      for (let round = 0; round < 2; round++) {
        const [a, b] = await Promise.all([
          withSpans.loadReport(window),
          dayByDay.loadReport(window),
        ]);
        expect(reportToJson(a)).toEqual(reportToJson(b));
        expect(a.actors).toEqual(b.actors);
      }
    }
    const team = (key: string) => key.charCodeAt(key.length - 1) % 2 === 0;
    const month = period("last 30 days");
    expect(await withSpans.loadReport(month, { actors: team })).toEqual(
      await dayByDay.loadReport(month, { actors: team }),
    );
  });

  it("a cold report keeps the spans it makes: the same report again reads no final day; progress still comes a day at a time", async () => {
    const org = createSyntheticOrg({ users: 60, seed: 4 });
    const memory = createMemoryDayCache();
    const read: string[] = [];
    let failFor: string | undefined = "2026-11-10";
    const firstSeen = createMemoryFirstSeen();
    const loader = createUsageLoader({
      source: createSyntheticSource(org),
      cache: {
        get: (day) => {
          read.push(day);
          return memory.get(day);
        },
        set: memory.set,
      },
      spanMemory: 16,
      now: () => now,
      firstSeen: {
        record: async (day, keys) => {
          if (day === failFor) throw new Error("the store is down");
          await firstSeen.record(day, keys);
        },
        firstIn: firstSeen.firstIn,
      },
    });
    const month = period("last 30 days");
    const progress: number[] = [];
    const cold = await loader.loadReport(month, {
      onProgress: ({ done }) => progress.push(done),
    });
    // 30 days and the 30 before, told one by one.
    expect(progress).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // The span holding the day whose first-seen record failed was not kept: its days are read
    // again (and the record made), with the day not final yet (the 24th); the other spans are kept.
    failFor = undefined;
    read.length = 0;
    const again = await loader.loadReport(month);
    expect(read).toContain("2026-11-10");
    expect(read).toContain("2026-11-24");
    expect(read.length).toBeLessThan(30);
    expect(reportToJson(again).totals).toEqual(reportToJson(cold).totals);
    // Now every final day is in a kept span but the 23rd, a single day at the edge (a span of
    // two would start on the 23rd and hold the 24th, not final yet).
    read.length = 0;
    await loader.loadReport(month);
    expect(read.sort()).toEqual(["2026-11-23", "2026-11-24"]);
  });

  it("reports asked together finish in the order asked, the longest first too", async () => {
    const source = createSyntheticSource(createSyntheticOrg({ users: 50, seed: 3 }));
    const loader = createUsageLoader({
      source,
      cache: createMemoryDayCache(),
      spanMemory: 8,
      now: () => now,
    });
    const windows = ["last 30 days", "last 14 days", "last 7 days"].map(period);
    for (const w of windows) await loader.loadReport(w);
    const order: string[] = [];
    await Promise.all(
      windows.map((w, i) => loader.loadReport(w).then(() => order.push(`report ${i}`))),
    );
    expect(order).toEqual(["report 0", "report 1", "report 2"]);
  });
});

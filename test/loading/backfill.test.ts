import { afterEach, describe, expect, it } from "vitest";
import { apiErrorBody, FAKE_ADMIN_KEY, startFakeAdminApi } from "../../fakes/fake-admin-api.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createBackfill } from "../../src/loading/backfill.js";
import { createUsageLoader, type DayLoadEvent } from "../../src/loading/usage-loader.js";
import { createMemoryDayCache } from "../../src/store/day-cache.js";

const now = new Date("2026-12-04T10:00:00Z");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  let failing = false;
  const api = await startFakeAdminApi({
    org: createSyntheticOrg({ users: 30, seed: 3 }),
    latencyMs: 5,
    fault: () => (failing ? { status: 503, body: apiErrorBody("api_error", "down") } : undefined),
  });
  const client = createAdminClient({
    adminKey: FAKE_ADMIN_KEY,
    baseUrl: api.url,
    maxAttempts: 1,
  });
  cleanups.push(
    () => client.close(),
    () => api.close(),
  );
  const events: DayLoadEvent[] = [];
  const loader = createUsageLoader({
    source: client,
    cache: createMemoryDayCache(),
    now: () => now,
    onDay: (event) => events.push(event),
  });
  return { api, loader, events, fail: (on: boolean) => (failing = on) };
}

describe("backfill", () => {
  it("loads the last days newest first, a couple at a time, and says how far it is", async () => {
    const { api, loader, events } = await setup();
    const backfill = createBackfill({ loader, days: 10, now: () => now });
    expect(backfill.status()).toMatchObject({ total: 10, warm: 0, lastPassAt: null });
    await backfill.pass();
    expect(
      events
        .map((e) => e.day)
        .slice(0, 2)
        .sort(),
    ).toEqual(["2026-12-02", "2026-12-03"]);
    expect(new Set(events.map((e) => e.day)).size).toBe(10);
    expect(events.at(-1)?.day).toBe("2026-11-24");
    expect(api.maxInFlight).toBeLessThanOrEqual(2);
    expect(backfill.status()).toMatchObject({ total: 10, warm: 10, lastError: null });
  });

  it("a day loaded and final is never asked for again; recent days come from the cache", async () => {
    const { loader, events } = await setup();
    const backfill = createBackfill({ loader, days: 10, now: () => now });
    await backfill.pass();
    events.length = 0;
    await backfill.pass();
    // A day is final 26 h after it ends: only yesterday is asked again, and it is in the cache.
    expect(events.map((e) => [e.day, e.source])).toEqual([["2026-12-03", "cache"]]);
  });

  it("the API failing stops the pass and says why; the next pass goes on", async () => {
    const { loader, fail } = await setup();
    const backfill = createBackfill({ loader, days: 6, now: () => now });
    fail(true);
    await backfill.pass();
    expect(backfill.status().warm).toBe(0);
    expect(backfill.status().lastError).toContain("503");
    fail(false);
    await backfill.pass();
    expect(backfill.status()).toMatchObject({ warm: 6, lastError: null });
  });

  it("start runs passes in the background; stop ends them", async () => {
    const { loader } = await setup();
    let passes = 0;
    const backfill = createBackfill({
      loader,
      days: 3,
      delayMs: 0,
      intervalMs: 10,
      now: () => now,
      onPass: () => passes++,
    });
    backfill.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await backfill.stop();
    const after = passes;
    expect(after).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(passes).toBe(after);
  });
});

import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_ADMIN_KEY, startFakeAdminApi } from "../../fakes/fake-admin-api.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { reportToJson } from "../../src/render/json.js";
import { openDatabase } from "../../src/store/database.js";
import { deliveryKey } from "../../src/store/ledger.js";
import { migrations } from "../../src/store/migrations.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { parsePeriod } from "../../src/usage/periods.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

const key = { kind: "digest", target: "C1", period: "2026-11-24" };
const lease = { leaseMs: 60_000, maxAttempts: 3 };
let handle: TestStoreHandle | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await handle?.cleanup();
  handle = undefined;
});

describe.each(TEST_DIALECTS)("store on %s", (dialect) => {
  const open = async () => {
    handle = testDatabase(dialect);
    return handle.open();
  };

  it("migrates once; opening again is a no-op", async () => {
    const store = await open();
    const again = await handle?.open();
    expect(store.database.dialect).toBe(dialect);
    expect(await again?.ledger.list()).toEqual([]);
  });

  describe("delivery ledger", () => {
    it("a key is claimed once; others see it busy, then delivered", async () => {
      const store = await open();
      expect(await store.ledger.claim(key, { owner: "a", ...lease })).toEqual({
        status: "claimed",
        resumed: false,
        attempts: 1,
      });
      expect(await store.ledger.claim(key, { owner: "b", ...lease })).toEqual({
        status: "busy",
        owner: "a",
      });
      expect(await store.ledger.markDelivered(key, "a", { channel: "C1", ts: "1.1" })).toBe(true);
      const again = await store.ledger.claim(key, { owner: "b", ...lease });
      expect(again.status).toBe("delivered");
      expect(again.status === "delivered" && again.delivery.ts).toBe("1.1");
    });

    it("a failed delivery is retried by a later run, until it gives up", async () => {
      const store = await open();
      await store.ledger.claim(key, { owner: "a", ...lease });
      await store.ledger.markFailed(key, "a", "ratelimited");
      expect(await store.ledger.claim(key, { owner: "b", ...lease })).toEqual({
        status: "claimed",
        resumed: true,
        attempts: 2,
      });
      await store.ledger.markFailed(key, "b", "ratelimited");
      expect(await store.ledger.claim(key, { owner: "c", ...lease })).toMatchObject({
        status: "claimed",
        attempts: 3,
      });
      await store.ledger.markFailed(key, "c", "channel_not_found");
      const last = await store.ledger.claim(key, { owner: "d", ...lease });
      expect(last.status).toBe("gave-up");
      expect(last.status === "gave-up" && last.delivery.last_error).toBe("channel_not_found");
    });

    it("a claim whose holder crashed is taken over after its lease, flagged as resumed", async () => {
      const store = await open();
      const t0 = Date.parse("2026-11-25T09:00:00Z");
      await store.ledger.claim(key, { owner: "crashed", ...lease, now: t0 });
      expect(
        (await store.ledger.claim(key, { owner: "b", ...lease, now: t0 + 30_000 })).status,
      ).toBe("busy");
      expect(
        await store.ledger.claim(key, { owner: "b", ...lease, now: t0 + 61_000 }),
      ).toMatchObject({ status: "claimed", resumed: true });
      // The crashed holder can no longer mark it.
      expect(await store.ledger.markDelivered(key, "crashed", { channel: "C1", ts: "9.9" })).toBe(
        false,
      );
    });

    it("two replicas racing for the same keys: each key is claimed exactly once", async () => {
      const a = await open();
      const b = await handle?.open();
      if (!b) throw new Error("no second store");
      const keys = Array.from({ length: 25 }, (_, i) => ({
        kind: "dm",
        target: `U${i}`,
        period: "2026-11-24",
      }));
      const results = await Promise.all(
        keys.flatMap((k) => [
          a.ledger.claim(k, { owner: "a", ...lease }),
          b.ledger.claim(k, { owner: "b", ...lease }),
        ]),
      );
      expect(results.filter((r) => r.status === "claimed")).toHaveLength(25);
      expect(results.filter((r) => r.status === "busy")).toHaveLength(25);
    });

    it("records the run date of a claim, and of the run that takes it over", async () => {
      const store = await open();
      await store.ledger.claim(key, { owner: "a", ...lease, runDate: "2026-11-25" });
      expect((await store.ledger.get(key))?.run_date).toBe("2026-11-25");
      await store.ledger.markFailed(key, "a", "ratelimited");
      await store.ledger.claim(key, { owner: "b", ...lease, runDate: "2026-11-26" });
      expect((await store.ledger.get(key))?.run_date).toBe("2026-11-26");
      const other = { ...key, target: "C2" };
      await store.ledger.claim(other, { owner: "a", ...lease });
      expect((await store.ledger.get(other))?.run_date).toBeNull();
    });

    it("unfinished: run dates with failures that have attempts left or lapsed claims, since a date", async () => {
      const store = await open();
      const t0 = Date.parse("2026-11-25T09:00:00Z");
      const claim = (target: string, runDate: string | undefined, owner = "a", now = t0) =>
        store.ledger.claim({ ...key, target }, { owner, ...lease, now, runDate });
      const fail = async (target: string, runDate: string | undefined, times = 1) => {
        for (let i = 0; i < times; i++) {
          await claim(target, runDate, `o${i}`);
          await store.ledger.markFailed({ ...key, target }, `o${i}`, "fatal_error");
        }
      };
      await fail("too-old", "2026-11-20");
      await fail("failed-once", "2026-11-22");
      await fail("failed-twice", "2026-11-22", 2); // the same date, listed once
      await fail("gave-up", "2026-11-23", 3); // maxAttempts is 3
      await claim("delivered", "2026-11-23");
      await store.ledger.markDelivered({ ...key, target: "delivered" }, "a", {
        channel: "C1",
        ts: "1.1",
      });
      await claim("crashed", "2026-11-24"); // lease until t0 + 60 s
      await fail("no-run-date", undefined); // claimed before the column existed

      const since = "2026-11-21";
      expect(await store.ledger.unfinished({ since, maxAttempts: 3, now: t0 + 61_000 })).toEqual([
        "2026-11-22",
        "2026-11-24",
      ]);
      // While its holder's lease runs, a claim is not unfinished: it may be posting right now.
      expect(await store.ledger.unfinished({ since, maxAttempts: 3, now: t0 + 30_000 })).toEqual([
        "2026-11-22",
      ]);
      // With a higher limit, the given-up delivery has attempts left again.
      expect(await store.ledger.unfinished({ since, maxAttempts: 5, now: t0 })).toEqual([
        "2026-11-22",
        "2026-11-23",
      ]);
      expect(
        await store.ledger.unfinished({ since: "2026-11-01", maxAttempts: 3, now: t0 }),
      ).toEqual(["2026-11-20", "2026-11-22"]);
    });
  });

  it("a database created before the run_date column opens, keeps its rows, and works", async () => {
    handle = testDatabase(dialect);
    const legacy = openDatabase(handle.options);
    if (legacy.dialect === "postgres" && handle.options.schema) {
      await legacy.db.schema.createSchema(handle.options.schema).ifNotExists().execute();
    }
    const first = Object.fromEntries(
      Object.entries(migrations).filter(([name]) => name.startsWith("001_")),
    );
    const { error } = await new Migrator({
      db: legacy.db,
      provider: { getMigrations: async () => first },
    }).migrateToLatest();
    expect(error).toBeUndefined();
    // A failed delivery, as the earlier release wrote it (no run_date).
    await sql`INSERT INTO deliveries (key, kind, target, period, status, attempts, owner,
        lease_until, channel, ts, last_error, created_at, updated_at)
      VALUES (${deliveryKey(key)}, ${key.kind}, ${key.target}, ${key.period}, 'failed', 1, 'old',
        0, NULL, NULL, 'ratelimited', 1, 1)`.execute(legacy.db);
    await legacy.close();

    const store = await handle.open();
    const [row] = await store.ledger.list();
    expect(row).toMatchObject({ key: deliveryKey(key), status: "failed", run_date: null });
    // Not re-run at start-up (its run is unknown), but the next run of its date still takes it.
    const since = "2026-01-01";
    expect(await store.ledger.unfinished({ since, maxAttempts: 3 })).toEqual([]);
    expect(
      await store.ledger.claim(key, { owner: "new", ...lease, runDate: "2026-11-25" }),
    ).toMatchObject({ status: "claimed", resumed: true, attempts: 2 });
    await store.ledger.markFailed(key, "new", "ratelimited");
    expect(await store.ledger.unfinished({ since, maxAttempts: 3 })).toEqual(["2026-11-25"]);
  });

  describe("day cache", () => {
    it("keeps final days for good and recent days for their TTL", async () => {
      let clock = Date.parse("2026-11-25T10:00:00Z");
      handle = testDatabase(dialect);
      const store = await handle.open({ recentTtlMs: 60_000, now: () => clock });
      const api = await startFakeAdminApi({ org: createSyntheticOrg({ users: 80 }) });
      const client = createAdminClient({
        adminKey: FAKE_ADMIN_KEY,
        baseUrl: api.url,
        pageSize: 40,
      });
      cleanups.push(
        () => client.close(),
        () => api.close(),
      );
      const loader = () =>
        createUsageLoader({ source: client, cache: store.dayCache, now: () => new Date(clock) });
      const period = parsePeriod("last 30 days", { now: new Date(clock), timeZone: "UTC" });

      const cold = await loader().loadReport(period, { compare: false });
      const coldRequests = api.requestCount;
      // A new loader (a restart) on the same store: no API call for any day of the period.
      const warm = await loader().loadReport(period, { compare: false });
      expect(api.requestCount).toBe(coldRequests);
      expect(reportToJson(warm).totals).toEqual(reportToJson(cold).totals);
      expect(reportToJson(warm).users).toEqual(reportToJson(cold).users);

      clock += 61_000; // the one recent day (2026-11-24) expires; the 29 final days stay
      await loader().loadReport(period, { compare: false });
      expect(new Set(api.requests.slice(coldRequests).map((r) => r.query.starting_at))).toEqual(
        new Set(["2026-11-24"]),
      );
    });

    it("a damaged entry counts as missing", async () => {
      const store = await open();
      await store.database.db
        .insertInto("day_cache")
        .values({
          day: "2026-11-01",
          payload: "{broken",
          final: 1,
          expires_at: Number.MAX_SAFE_INTEGER,
          updated_at: 0,
        })
        .execute();
      expect(await store.dayCache.get("2026-11-01")).toBeUndefined();
    });

    it("a day a fetch worker has written already is not written again", async () => {
      const store = await open();
      const day = compactDay("2026-11-02", []);
      await store.dayCache.set("2026-11-02", day, { final: true, written: true });
      expect(await store.dayCache.get("2026-11-02")).toBeUndefined();
      await store.dayCache.set("2026-11-02", day, { final: true });
      expect(await store.dayCache.get("2026-11-02")).toEqual(day);
    });
  });

  it("keeps DM preferences and the Slack user cache", async () => {
    const store = await open();
    expect(await store.preferences.getDmPreference("U1")).toBeUndefined();
    await store.preferences.setDmPreference("U1", "off");
    await store.preferences.setDmPreference("U1", "on");
    await store.preferences.setDmPreference("U2", "off");
    expect(await store.preferences.getDmPreference("U1")).toBe("on");
    expect(await store.preferences.allDmPreferences()).toEqual(
      new Map([
        ["U1", "on"],
        ["U2", "off"],
      ]),
    );
    await store.userCache.set("email:a@x.io", { userId: "U9" }, 60_000);
    await store.userCache.set("email:b@x.io", { userId: null }, 60_000);
    await store.userCache.set("email:c@x.io", { userId: "U8" }, -1);
    expect(await store.userCache.get("email:a@x.io")).toEqual({ userId: "U9" });
    expect(await store.userCache.get("email:b@x.io")).toEqual({ userId: null });
    expect(await store.userCache.get("email:c@x.io")).toBeUndefined();
  });
});

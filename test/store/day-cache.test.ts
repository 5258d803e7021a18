import { afterEach, describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { type DayCache, withMemoryFront } from "../../src/store/day-cache.js";
import { compactBytes } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

const day = (d: string) => compactDay(d, []);

/** A backing cache that counts its reads and can fail its writes. */
function counting(inner: DayCache) {
  let reads = 0;
  let failWrites = false;
  const cache: DayCache = {
    async get(d) {
      reads++;
      return inner.get(d);
    },
    async set(d, aggregate, options) {
      if (failWrites) throw new Error("disk full");
      return inner.set(d, aggregate, options);
    },
  };
  return {
    cache,
    get reads() {
      return reads;
    },
    failWrites() {
      failWrites = true;
    },
  };
}

let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await handle?.cleanup();
  handle = undefined;
});

describe.each(TEST_DIALECTS)("decoded days in memory, in front of the store on %s", (dialect) => {
  async function setup(maxDays = 10, isFinal = (_: string) => true, maxBytes?: number) {
    handle = testDatabase(dialect);
    const store = await handle.open();
    const backing = counting(store.dayCache);
    let clock = 0;
    const front = withMemoryFront(backing.cache, {
      maxDays,
      maxBytes,
      isFinal,
      recentTtlMs: 1000,
      now: () => clock,
    });
    return { store, backing, front, advance: (ms: number) => (clock += ms) };
  }

  it("twenty reports asking for a stored day at once read and decode it once", async () => {
    const { store, backing, front } = await setup();
    await store.dayCache.set("2026-11-02", day("2026-11-02"), { final: true });
    const got = await Promise.all(Array.from({ length: 20 }, () => front.get("2026-11-02")));
    expect(new Set(got).size).toBe(1);
    expect(got[0]?.days).toEqual(["2026-11-02"]);
    expect(backing.reads).toBe(1);
    await front.get("2026-11-02");
    expect(backing.reads).toBe(1);
  });

  it("keeps at most maxDays, dropping the least recently used", async () => {
    const { backing, front } = await setup(2);
    for (const d of ["2026-11-01", "2026-11-02"]) await front.set(d, day(d), { final: true });
    await front.get("2026-11-01"); // used: 11-02 is now the oldest
    await front.set("2026-11-03", day("2026-11-03"), { final: true });
    const before = backing.reads;
    await front.get("2026-11-01");
    await front.get("2026-11-03");
    expect(backing.reads).toBe(before);
    await front.get("2026-11-02");
    expect(backing.reads).toBe(before + 1);
  });

  it("keeps at most maxBytes of days too, whatever maxDays allows", async () => {
    const people = (d: string, n: number) =>
      compactDay(
        d,
        parseRecords(
          Array.from({ length: n }, (_, i) => apiRecord({ day: d, email: `p${i}@example.com` })),
        ).records,
      );
    const big = people("2026-11-01", 200);
    const { backing, front } = await setup(10, () => true, compactBytes(big) * 1.5);
    await front.set("2026-11-01", big, { final: true });
    await front.set("2026-11-02", people("2026-11-02", 200), { final: true });
    const before = backing.reads;
    await front.get("2026-11-02");
    expect(backing.reads).toBe(before);
    await front.get("2026-11-01"); // pushed out by the second
    expect(backing.reads).toBe(before + 1);
  });

  it("a recent day read from the store is kept only for the recent TTL", async () => {
    const { store, backing, front, advance } = await setup(10, () => false);
    await store.dayCache.set("2026-12-03", day("2026-12-03"), { final: false });
    await front.get("2026-12-03");
    await front.get("2026-12-03");
    expect(backing.reads).toBe(1);
    advance(1001);
    await front.get("2026-12-03");
    expect(backing.reads).toBe(2);
  });

  it("a day the store fails to keep is still kept in memory (the write's error goes on)", async () => {
    const { backing, front } = await setup();
    backing.failWrites();
    await expect(front.set("2026-11-05", day("2026-11-05"), { final: true })).rejects.toThrow(
      "disk full",
    );
    expect((await front.get("2026-11-05"))?.days).toEqual(["2026-11-05"]);
    expect(backing.reads).toBe(0);
  });
});

import {
  InsertQueryNode,
  Migrator,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { openDatabase } from "../../src/store/database.js";
import { createStoreFirstSeen } from "../../src/store/first-seen.js";
import { migrations } from "../../src/store/migrations.js";
import { serializeCompact } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

const SONNET = "claude-sonnet-4-5-20250929";
let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await handle?.cleanup();
  handle = undefined;
});

/** Counts the record's INSERT statements; with `failing`, makes them fail. */
function countingInserts() {
  const plugin = {
    inserts: 0,
    failing: false,
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      if (InsertQueryNode.is(node)) {
        plugin.inserts++;
        if (plugin.failing) throw new Error("disk I/O error (a test's)");
      }
      return node;
    },
    async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return result;
    },
  };
  return plugin;
}

function payload(date: string, ...specs: RecordSpec[]) {
  return serializeCompact(
    compactDay(date, parseRecords(specs.map((s) => apiRecord({ ...s, day: date }))).records),
  );
}

describe.each(TEST_DIALECTS)("first-seen record on %s", (dialect) => {
  it("keeps each actor's earliest day, whatever order days are recorded in", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    await store.firstSeen.record("2026-11-20", ["user:ada@example.com", "user:bob@example.com"]);
    await store.firstSeen.record("2026-11-10", ["user:ada@example.com"]);
    await store.firstSeen.record("2026-11-22", ["user:ada@example.com", "user:cy@example.com"]);
    expect(await store.firstSeen.firstIn("2026-11-01", "2026-11-30")).toEqual(
      new Map([
        ["user:ada@example.com", "2026-11-10"],
        ["user:bob@example.com", "2026-11-20"],
        ["user:cy@example.com", "2026-11-22"],
      ]),
    );
    expect([...(await store.firstSeen.firstIn("2026-11-16", "2026-11-22")).keys()].sort()).toEqual([
      "user:bob@example.com",
      "user:cy@example.com",
    ]);
  });

  it("two replicas on one database converge on the earliest day", async () => {
    handle = testDatabase(dialect);
    const a = await handle.open();
    const b = await handle.open();
    // Each reads the record once, then writes what it does not know to be earlier already.
    await a.firstSeen.record("2026-11-20", ["user:ada@example.com"]);
    await b.firstSeen.record("2026-11-22", ["user:ada@example.com"]);
    await b.firstSeen.record("2026-11-05", ["user:ada@example.com"]);
    // A still believes the 20th: its later day must not overwrite B's earlier one.
    await a.firstSeen.record("2026-11-18", ["user:ada@example.com"]);
    expect(await a.firstSeen.firstIn("2026-01-01", "2026-12-31")).toEqual(
      new Map([["user:ada@example.com", "2026-11-05"]]),
    );
  });

  it("writes a large org's day in batches", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    const people = Array.from({ length: 1_234 }, (_, i) => `user:p${i}@example.com`);
    await store.firstSeen.record("2026-11-20", people);
    await store.firstSeen.record("2026-11-19", people.slice(0, 600));
    const seen = await store.firstSeen.firstIn("2026-11-01", "2026-11-30");
    expect(seen.size).toBe(1_234);
    expect([...seen.values()].filter((d) => d === "2026-11-19")).toHaveLength(600);
  });

  it("days recorded together are written together, each person once at their earliest day", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    const counted = countingInserts();
    const firstSeen = createStoreFirstSeen(store.database.db.withPlugin(counted));
    const people = Array.from({ length: 1_500 }, (_, i) => `user:p${i}@example.com`);
    // As a cold report's days arrive: out of order, while the first is being written.
    await Promise.all(
      ["2026-11-20", "2026-11-10", "2026-11-15"].map((day) => firstSeen.record(day, people)),
    );
    // 1,500 rows once (two pieces: 500 + 500 and 500), not three times.
    expect(counted.inserts).toBe(3);
    const seen = await firstSeen.firstIn("2026-11-01", "2026-11-30");
    expect(new Set(seen.values())).toEqual(new Set(["2026-11-10"]));
    expect(seen.size).toBe(1_500);
    // Known now: recording a later day writes nothing.
    await firstSeen.record("2026-11-18", people);
    expect(counted.inserts).toBe(3);
  });

  it("a failed write fails every day in it; the next record writes them again", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    const counted = countingInserts();
    const firstSeen = createStoreFirstSeen(store.database.db.withPlugin(counted));
    await firstSeen.record("2026-11-01", ["user:early@example.com"]);
    counted.failing = true;
    const results = await Promise.allSettled([
      firstSeen.record("2026-11-20", ["user:ada@example.com"]),
      firstSeen.record("2026-11-19", ["user:bob@example.com"]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    counted.failing = false;
    await firstSeen.record("2026-11-20", ["user:ada@example.com", "user:bob@example.com"]);
    expect(await firstSeen.firstIn("2026-11-01", "2026-11-30")).toEqual(
      new Map([
        ["user:early@example.com", "2026-11-01"],
        ["user:ada@example.com", "2026-11-20"],
        ["user:bob@example.com", "2026-11-20"],
      ]),
    );
  });

  it("a database from before the record starts it from the days already cached", async () => {
    handle = testDatabase(dialect);
    const legacy = openDatabase(handle.options);
    if (legacy.dialect === "postgres" && handle.options.schema) {
      await legacy.db.schema.createSchema(handle.options.schema).ifNotExists().execute();
    }
    const earlier = Object.fromEntries(
      Object.entries(migrations).filter(([name]) => name < "003_"),
    );
    const { error } = await new Migrator({
      db: legacy.db,
      provider: { getMigrations: async () => earlier },
    }).migrateToLatest();
    expect(error).toBeUndefined();
    const cached = [
      ["2026-11-03", payload("2026-11-03", { email: "ada@example.com", models: [[SONNET, 10]] })],
      [
        "2026-11-01",
        payload(
          "2026-11-01",
          { email: "ada@example.com", models: [[SONNET, 10]] },
          { apiKey: "ci-bot", models: [[SONNET, 10]] },
        ),
      ],
      ["2026-11-02", "{not json"],
      ["2026-11-04", payload("2026-11-04", { email: "bob@example.com", models: [[SONNET, 1]] })],
    ];
    for (const [day, text] of cached) {
      await sql`INSERT INTO day_cache (day, payload, final, expires_at, updated_at)
        VALUES (${day}, ${text}, 1, 0, 0)`.execute(legacy.db);
    }
    await legacy.close();

    const store = await handle.open();
    // People only, at their earliest cached day; the damaged day is skipped, not fatal.
    expect(await store.firstSeen.firstIn("2026-01-01", "2026-12-31")).toEqual(
      new Map([
        ["user:ada@example.com", "2026-11-01"],
        ["user:bob@example.com", "2026-11-04"],
      ]),
    );
  });
});

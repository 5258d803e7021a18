import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import {
  CompactFormatError,
  mergeCompact,
  parseCompact,
  serializeCompact,
} from "../../src/usage/compact.js";
import { aggregateDay, compactDay } from "../../src/usage/day-builder.js";
import { periodBetween } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";

const org = createSyntheticOrg({ users: 150, seed: 3 });
const recordsOf = (d: string) => parseRecords(org.records(d, 0, 1000)).records;
const day = (d: string) => compactDay(d, recordsOf(d));

/** The stored (JSON) form of a day's actor columns. */
interface StoredActors {
  data: number[];
  modelCost: number[];
  types: number[];
  terminalOffsets: number[];
  modelIndex: number[];
}

describe("compact aggregates", () => {
  it("a day survives compact → JSON → parse → merge unchanged", () => {
    const original = aggregateDay("2026-11-24", recordsOf("2026-11-24"));
    const restored = mergeCompact([parseCompact(serializeCompact(day("2026-11-24")))]);
    expect(restored.totals).toEqual(original.totals);
    expect(restored.daily).toEqual(original.daily);
    expect([...restored.actors.entries()]).toEqual([...original.actors.entries()]);
    expect([...restored.models.values()]).toEqual([...original.models.values()]);
    expect([...restored.terminals.values()]).toEqual([...original.terminals.values()]);
    expect([...restored.tools.values()]).toEqual([...original.tools.values()]);
  });

  it("merging stored days gives the same report as merging the days as built", () => {
    const days = ["2026-11-20", "2026-11-21", "2026-11-22"];
    const period = periodBetween(days[0] ?? "", days[2] ?? "");
    const viaCompact = mergeCompact(days.map((d) => parseCompact(serializeCompact(day(d)))));
    const direct = mergeCompact(days.map(day));
    const at = new Date("2026-11-25T00:00:00Z");
    expect(buildReport({ period, current: viaCompact, generatedAt: at })).toEqual(
      buildReport({ period, current: direct, generatedAt: at }),
    );
    const someone = [...viaCompact.actors.values()].find((a) => a.activeDays === 3);
    expect(someone).toBeDefined();
  });

  it("keeps unknown actor types, API keys, several terminals and models per actor", () => {
    const records = parseRecords([
      apiRecord({
        email: "a@x.io",
        terminal: "vscode",
        models: [
          ["m1", 1],
          ["m2", 2],
        ],
      }),
      apiRecord({ email: "a@x.io", terminal: "tmux", models: [["m2", 3]] }),
      apiRecord({ apiKey: "ci", models: [["m1", 4]] }),
      { ...apiRecord({}), actor: { type: "robot_actor", robot: "r2" } },
    ]).records;
    const back = mergeCompact([parseCompact(serializeCompact(compactDay("2026-11-24", records)))]);
    expect(back.actors.get("user:a@x.io")).toMatchObject({
      terminals: ["vscode", "tmux"],
      modelCosts: { m1: 10_000, m2: 50_000 },
    });
    expect(back.actors.get("api_key:ci")?.type).toBe("api_key");
    expect(back.actors.get("robot_actor:r2")?.type).toBe("other");
  });

  it("an empty day round-trips", () => {
    const back = mergeCompact([parseCompact(serializeCompact(compactDay("2026-11-22", [])))]);
    expect(back.actors.size).toBe(0);
    expect(back.days).toEqual(["2026-11-22"]);
  });

  it.each([
    ["not JSON", "{nope"],
    ["another version", JSON.stringify({ v: 99 })],
  ])("rejects stored data that is %s", (_what, text) => {
    expect(() => parseCompact(text)).toThrow(CompactFormatError);
  });

  it.each([
    ["columns that do not line up", (a: StoredActors) => a.data.shift()],
    ["a column holding a string", (a: StoredActors) => a.modelCost.splice(0, 1, "1" as never)],
    ["an actor type we do not have", (a: StoredActors) => a.types.splice(0, 1, 7)],
    ["terminal offsets that go backwards", (a: StoredActors) => a.terminalOffsets.splice(1, 1, 9)],
    ["a model index out of range", (a: StoredActors) => a.modelIndex.splice(0, 1, 999)],
  ])("rejects a stored day with %s", (_what, damage) => {
    const good = JSON.parse(serializeCompact(day("2026-11-24")));
    expect(parseCompact(JSON.stringify(good)).actors.keys.length).toBeGreaterThan(1);
    damage(good.actors);
    expect(() => parseCompact(JSON.stringify(good))).toThrow(CompactFormatError);
  });

  it("is much smaller than the object graph it replaces", () => {
    const big = createSyntheticOrg({ users: 5000 });
    const compact = compactDay(
      "2026-11-24",
      parseRecords(big.records("2026-11-24", 0, 100_000)).records,
    );
    const agg = mergeCompact([compact]);
    // Typed columns: one Float64Array row per actor instead of several objects.
    expect(compact.actors.data.length).toBe(agg.actors.size * 14);
    expect(serializeCompact(compact).length / agg.actors.size).toBeLessThan(250);
  });
});

import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import type { UsageRecord } from "../../src/anthropic/schema.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { actorIdentity } from "../../src/usage/actor-key.js";
import { type ActorStats, newActor } from "../../src/usage/aggregate.js";
import { mergeCompact } from "../../src/usage/compact.js";
import { aggregateDay, createDayBuilder } from "../../src/usage/day-builder.js";
import { WIDTH } from "../../src/usage/metrics.js";
import { addMicros, centsToMicros, NO_MICROS } from "../../src/usage/money.js";

/*
 * The columnar day builder against a fold written the obvious way (one object per actor), on
 * records chosen to reach every branch: case and spacing variants of one email, API keys, an
 * unknown actor type, several terminals and models per actor, non-USD lines, unknown tools.
 */

function referenceActors(records: readonly UsageRecord[]): Map<string, ActorStats> {
  const actors = new Map<string, ActorStats>();
  for (const r of records) {
    const id = actorIdentity(r.actor);
    let a = actors.get(id.key);
    if (!a) {
      a = newActor(id.key, id.type, id.name);
      actors.set(id.key, a);
    }
    a.records += 1;
    a.sessions += r.core_metrics.num_sessions;
    a.linesAdded += r.core_metrics.lines_of_code.added;
    a.linesRemoved += r.core_metrics.lines_of_code.removed;
    a.commits += r.core_metrics.commits_by_claude_code;
    a.pullRequests += r.core_metrics.pull_requests_by_claude_code;
    for (const action of Object.values(r.tool_actions)) {
      a.toolAccepted += action.accepted;
      a.toolRejected += action.rejected;
    }
    for (const m of r.model_breakdown) {
      const usd = (m.estimated_cost.currency ?? "USD").toUpperCase() === "USD";
      const cost = usd ? centsToMicros(m.estimated_cost.amount) : NO_MICROS;
      a.costMicros = addMicros(a.costMicros, cost);
      a.modelCosts[m.model] = addMicros(a.modelCosts[m.model] ?? NO_MICROS, cost);
      a.tokens.input += m.tokens.input;
      a.tokens.output += m.tokens.output;
      a.tokens.cacheRead += m.tokens.cache_read;
      a.tokens.cacheCreation += m.tokens.cache_creation;
    }
    if (!a.terminals.includes(r.terminal_type)) a.terminals.push(r.terminal_type);
  }
  return actors;
}

const DAY = "2026-11-24";

function oddRecords(): UsageRecord[] {
  const eur = apiRecord({ email: "Ada@Example.com", terminal: "tmux", models: [["m1", 1]] });
  eur.model_breakdown = [
    {
      model: "m1",
      tokens: { input: 5, output: 5, cache_read: 1, cache_creation: 1 },
      estimated_cost: { currency: "EUR", amount: 99 },
    },
  ];
  const { records, invalid } = parseRecords([
    apiRecord({ email: "ada@example.com", terminal: "vscode", sessions: 2, models: [["m1", 3]] }),
    eur,
    apiRecord({ email: " ada@example.com ", terminal: "vscode", models: [["m2", 0.5]] }),
    apiRecord({ apiKey: "ada@example.com", terminal: "non-interactive", models: [["m2", 7]] }),
    { ...apiRecord({ sessions: 4 }), actor: { type: "robot_actor", robot: "r2" } },
    {
      ...apiRecord({ email: "bo@example.com" }),
      tool_actions: { teleport_tool: { accepted: 2, rejected: 1 } },
    },
  ]);
  expect(invalid).toEqual([]);
  return records;
}

describe("the columnar day builder", () => {
  it("folds odd records exactly as the obvious fold does", () => {
    const records = oddRecords();
    const day = aggregateDay(DAY, records);
    expect(day.actors).toEqual(referenceActors(records));
    expect(day.actors.get("user:ada@example.com")).toMatchObject({
      records: 3,
      terminals: ["vscode", "tmux"],
      modelCosts: { m1: 30_000, m2: 5_000 },
    });
    expect(day.nonUsdCostItems).toBe(1);
    expect(day.daily[0]).toMatchObject({ activeUsers: 2, activeApiKeys: 1 });
    expect(day.tools.get("teleport_tool")).toEqual({
      tool: "teleport_tool",
      accepted: 2,
      rejected: 1,
    });
  });

  it("folds a synthetic day of 5,000 people like the obvious fold (columns grown many times)", () => {
    const org = createSyntheticOrg({ users: 5000, seed: 7 });
    const { records } = parseRecords(org.records(DAY, 0, 100_000));
    const builder = createDayBuilder();
    for (const record of records) builder.addRecord(record);
    const compact = builder.finish(DAY);
    const reference = referenceActors(records);
    expect(compact.actors.keys.length).toBe(reference.size);
    expect(reference.size).toBeGreaterThan(1000);
    expect(mergeCompact([compact]).actors).toEqual(reference);
    // Someone here uses two terminals and someone two models: the lists were exercised.
    const all = [...reference.values()];
    expect(all.some((a) => a.terminals.length > 1)).toBe(true);
    expect(all.some((a) => Object.keys(a.modelCosts).length > 1)).toBe(true);
    expect(builder.records).toBe(records.length);
  });

  it("returns columns that own their buffers whole (moved to the main thread, not copied)", () => {
    const builder = createDayBuilder();
    for (const record of oddRecords()) builder.addRecord(record);
    const { actors } = builder.finish(DAY);
    const n = actors.keys.length;
    expect(actors.data.length).toBe(n * WIDTH);
    expect(actors.terminalOffsets.length).toBe(n + 1);
    expect(actors.modelOffsets.length).toBe(n + 1);
    for (const column of [actors.types, actors.data, actors.modelCost, actors.terminalIndex]) {
      expect(column.byteLength).toBe(column.buffer.byteLength);
    }
  });

  it("an empty day has no actors, empty columns and the same daily point as any empty day", () => {
    const compact = createDayBuilder().finish(DAY);
    expect(compact.actors.keys).toEqual([]);
    expect(compact.actors.data.length).toBe(0);
    expect(compact.actors.terminalOffsets).toEqual(new Uint32Array([0]));
    expect(compact.daily).toEqual(aggregateDay(DAY, []).daily);
    expect(compact.daily[0]?.activeUsers).toBe(0);
  });
});

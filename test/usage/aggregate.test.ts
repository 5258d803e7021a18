import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import type { UsageRecord } from "../../src/anthropic/schema.js";
import { actorIdentity } from "../../src/usage/actor-key.js";
import { mergeCompact, serializeCompact } from "../../src/usage/compact.js";
import { aggregateDay, compactDay, createDayBuilder } from "../../src/usage/day-builder.js";
import { microsToCents, NO_MICROS } from "../../src/usage/money.js";

const SONNET = "claude-sonnet-4-5-20250929";
const OPUS = "claude-opus-4-1-20250805";

function parsed(...specs: RecordSpec[]): UsageRecord[] {
  const { records, invalid } = parseRecords(specs.map(apiRecord));
  expect(invalid).toEqual([]);
  return records;
}

describe("aggregateDay", () => {
  it("an empty day has zero totals and no actors", () => {
    const agg = aggregateDay("2026-11-24", []);
    expect(agg.totals.costMicros).toBe(0);
    expect(agg.totals.records).toBe(0);
    expect(agg.actors.size).toBe(0);
    expect(agg.daily).toEqual([
      {
        day: "2026-11-24",
        costMicros: 0,
        sessions: 0,
        linesAdded: 0,
        commits: 0,
        pullRequests: 0,
        activeUsers: 0,
        activeApiKeys: 0,
      },
    ]);
  });

  it("merges one user on two terminals into one actor, with hand-computed sums", () => {
    const agg = aggregateDay(
      "2026-11-24",
      parsed(
        {
          email: "ada@example.com",
          terminal: "vscode",
          sessions: 3,
          added: 412,
          removed: 97,
          commits: 4,
          prs: 1,
          edit: [31, 3],
          models: [[SONNET, 388.41, 48210, 12877]],
        },
        {
          email: "Ada@Example.com", // same person, other case, other terminal
          terminal: "iTerm.app",
          sessions: 2,
          added: 100,
          removed: 3,
          commits: 1,
          edit: [9, 1],
          models: [
            [SONNET, 11.59, 1000, 500],
            [OPUS, 0.1],
          ],
        },
      ),
    );
    expect(agg.actors.size).toBe(1);
    const ada = agg.actors.get("user:ada@example.com");
    expect(ada).toMatchObject({
      type: "user",
      name: "ada@example.com",
      sessions: 5,
      linesAdded: 512,
      linesRemoved: 100,
      commits: 5,
      pullRequests: 1,
      toolAccepted: 40,
      toolRejected: 4,
      records: 2,
      activeDays: 1,
      terminals: ["vscode", "iTerm.app"],
    });
    // 388.41 + 11.59 + 0.1 cents, exactly.
    expect(microsToCents(ada?.costMicros ?? NO_MICROS)).toBe(400.1);
    expect(ada?.tokens).toEqual({ input: 49210, output: 13377, cacheRead: 0, cacheCreation: 0 });
    expect(agg.models.get(SONNET)?.costMicros).toBe(4_000_000);
    expect(agg.models.get(OPUS)?.costMicros).toBe(1_000);
    expect(agg.terminals.get("vscode")).toMatchObject({ records: 1, sessions: 3 });
    expect(agg.terminals.get("iTerm.app")).toMatchObject({ records: 1, sessions: 2 });
    expect(agg.tools.get("edit_tool")).toEqual({ tool: "edit_tool", accepted: 40, rejected: 4 });
    expect(agg.daily[0]).toMatchObject({ activeUsers: 1, activeApiKeys: 0, sessions: 5 });
  });

  it("sums fractional cents exactly (0.1 + 0.2 = 0.3, not 0.30000000000000004)", () => {
    const agg = aggregateDay(
      "2026-11-24",
      parsed({ models: [[SONNET, 0.1]] }, { email: "b@example.com", models: [[SONNET, 0.2]] }),
    );
    expect(microsToCents(agg.totals.costMicros)).toBe(0.3);
  });

  it("keeps API keys apart from people, labelled by key name", () => {
    const agg = aggregateDay(
      "2026-11-24",
      parsed(
        { email: "deploy-bot@example.com", models: [[SONNET, 5]] },
        { apiKey: "deploy-bot", terminal: "non-interactive", models: [[SONNET, 7]] },
      ),
    );
    expect([...agg.actors.keys()].sort()).toEqual([
      "api_key:deploy-bot",
      "user:deploy-bot@example.com",
    ]);
    expect(agg.actors.get("api_key:deploy-bot")).toMatchObject({
      type: "api_key",
      name: "deploy-bot",
    });
    expect(agg.daily[0]).toMatchObject({ activeUsers: 1, activeApiKeys: 1 });
  });

  it("accepts unknown models, unknown tools and unknown fields", () => {
    const record = {
      ...apiRecord({ models: [["claude-future-9-20300101", 12.5]] }),
      brand_new_field: { nested: true },
      tool_actions: {
        edit_tool: { accepted: 1, rejected: 0 },
        teleport_tool: { accepted: 2, rejected: 1, extra: 1 },
      },
    };
    const { records, invalid } = parseRecords([record]);
    expect(invalid).toEqual([]);
    const agg = aggregateDay("2026-11-24", records);
    expect(agg.models.get("claude-future-9-20300101")?.costMicros).toBe(125_000);
    expect(agg.tools.get("teleport_tool")).toMatchObject({ accepted: 2, rejected: 1 });
    expect(agg.totals.toolAccepted).toBe(3);
  });

  it("keeps an unknown actor type, labelled by what identifies it", () => {
    const record = {
      ...apiRecord({ sessions: 2 }),
      actor: { type: "service_actor", service_name: "reviewer" },
    };
    const { records } = parseRecords([record]);
    const agg = aggregateDay("2026-11-24", records);
    expect(agg.actors.get("service_actor:reviewer")).toMatchObject({
      type: "other",
      name: "service_actor reviewer",
      sessions: 2,
    });
    expect(actorIdentity({ type: "user_actor", email_address: "  X@Y.io " }).key).toBe(
      "user:x@y.io",
    );
  });

  it("leaves non-USD cost lines out of spend and counts them", () => {
    const record = apiRecord({ models: [[SONNET, 10]] });
    const eur = {
      ...record,
      model_breakdown: [
        {
          model: SONNET,
          tokens: { input: 1, output: 1, cache_read: 0, cache_creation: 0 },
          estimated_cost: { currency: "EUR", amount: 99 },
        },
      ],
    };
    const { records } = parseRecords([
      record,
      { ...eur, actor: { type: "user_actor", email_address: "e@x.io" } },
    ]);
    const agg = aggregateDay("2026-11-24", records);
    expect(microsToCents(agg.totals.costMicros)).toBe(10);
    expect(agg.nonUsdCostItems).toBe(1);
  });

  it("counts records that cannot be understood, with a reason, and keeps the rest", () => {
    const good = apiRecord({ sessions: 4 });
    const { records, invalid } = parseRecords(
      [good, { actor: "nobody" }, 42, { ...good, actor: null }],
      2000,
    );
    expect(records).toHaveLength(1);
    expect(invalid.map((i) => i.index)).toEqual([2001, 2002, 2003]);
    expect(invalid[0]?.reason).toMatch(/actor/);
    const builder = createDayBuilder();
    builder.addPage({ records, invalid });
    expect(builder.invalidRecords).toBe(3);
    const agg = mergeCompact([builder.finish("2026-11-24")]);
    expect(agg.invalidRecords).toBe(3);
    expect(agg.invalidSamples).toHaveLength(3);
    expect(agg.totals.sessions).toBe(4);
  });

  it("tolerates null and missing counts, subscription_type and breakdowns", () => {
    const record = {
      actor: { type: "user_actor", email_address: "n@x.io" },
      core_metrics: { num_sessions: null, lines_of_code: null },
      terminal_type: null,
    };
    const noMetrics = {
      ...apiRecord({ email: "m@x.io", models: [[SONNET, 3]] }),
      core_metrics: null,
    };
    const { records, invalid } = parseRecords([record, noMetrics]);
    expect(invalid).toEqual([]);
    expect(microsToCents(aggregateDay("2026-11-24", records).totals.costMicros)).toBe(3);
    const agg = aggregateDay("2026-11-24", records);
    expect(agg.actors.get("user:n@x.io")).toMatchObject({
      sessions: 0,
      linesAdded: 0,
      terminals: ["unknown"],
    });
  });

  it("accepts a cost amount sent as a numeric string", () => {
    const record = apiRecord({});
    record.model_breakdown = [
      {
        model: SONNET,
        tokens: { input: 0, output: 0, cache_read: 0, cache_creation: 0 },
        estimated_cost: { currency: "USD", amount: "12.34" },
      },
    ];
    const { records } = parseRecords([record]);
    expect(microsToCents(aggregateDay("2026-11-24", records).totals.costMicros)).toBe(12.34);
  });
});

describe("mergeCompact", () => {
  const day1 = () =>
    compactDay(
      "2026-11-23",
      parsed(
        { email: "ada@example.com", sessions: 2, models: [[SONNET, 100]] },
        { apiKey: "ci", sessions: 1, models: [[OPUS, 50]] },
      ),
    );
  const day2 = () =>
    compactDay(
      "2026-11-24",
      parsed(
        { email: "ada@example.com", terminal: "tmux", sessions: 3, models: [[OPUS, 200]] },
        { email: "bob@example.com", sessions: 1, models: [[SONNET, 1]] },
      ),
    );

  it("merges actors across days: one person, activeDays counted, terminals united", () => {
    const merged = mergeCompact([day2(), day1()]);
    expect(merged.days).toEqual(["2026-11-23", "2026-11-24"]);
    expect(merged.daily.map((d) => d.day)).toEqual(["2026-11-23", "2026-11-24"]);
    expect(merged.actors.size).toBe(3);
    const ada = merged.actors.get("user:ada@example.com");
    expect(ada).toMatchObject({ sessions: 5, activeDays: 2, terminals: ["tmux", "vscode"] });
    expect(ada?.modelCosts).toEqual({ [OPUS]: 2_000_000, [SONNET]: 1_000_000 });
    expect(microsToCents(merged.totals.costMicros)).toBe(351);
    expect(merged.models.get(OPUS)?.records).toBe(2);
  });

  it("does not change its inputs (cached days are shared)", () => {
    const a = day1();
    const b = day2();
    const before = serializeCompact(a);
    mergeCompact([a, b]);
    mergeCompact([a, b]);
    expect(serializeCompact(a)).toBe(before);
    expect(a.totals.sessions).toBe(3);
  });

  it("merging nothing gives an empty aggregate", () => {
    const empty = mergeCompact([]);
    expect(empty.days).toEqual([]);
    expect(empty.totals.records).toBe(0);
  });
});

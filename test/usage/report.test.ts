import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { aggregateDay } from "../../src/usage/day-builder.js";
import { parsePeriod, previousPeriod } from "../../src/usage/periods.js";
import { buildReport, change, leaderboard, rankOf } from "../../src/usage/report.js";

const SONNET = "claude-sonnet-4-5-20250929";
const OPUS = "claude-opus-4-1-20250805";
const now = new Date("2026-11-25T10:00:00Z");

function day(date: string, ...specs: RecordSpec[]) {
  return aggregateDay(date, parseRecords(specs.map((s) => apiRecord({ ...s, day: date }))).records);
}

function sampleReport() {
  const period = parsePeriod("yesterday", { now, timeZone: "UTC" });
  const current = day(
    "2026-11-24",
    {
      email: "ada@example.com",
      sessions: 4,
      added: 1000,
      commits: 3,
      prs: 1,
      edit: [18, 2],
      models: [[OPUS, 3000]],
    },
    {
      email: "bob@example.com",
      sessions: 9,
      added: 50,
      commits: 0,
      edit: [1, 1],
      models: [[SONNET, 500]],
    },
    { apiKey: "ci-bot", sessions: 1, added: 20, commits: 5, prs: 2, models: [[SONNET, 4500]] },
  );
  const previous = day(
    "2026-11-23",
    { email: "ada@example.com", sessions: 2, added: 500, edit: [9, 1], models: [[OPUS, 2000]] },
    { email: "cy@example.com", sessions: 1, models: [[SONNET, 2000]] },
  );
  return buildReport({
    period,
    current,
    previousPeriod: previousPeriod(period),
    previous,
    generatedAt: now,
  });
}

describe("buildReport", () => {
  it("computes totals with hand-computed values", () => {
    const r = sampleReport();
    expect(r.totals).toMatchObject({
      costCents: 8000,
      sessions: 14,
      linesAdded: 1070,
      commits: 8,
      pullRequests: 3,
      activeUsers: 2,
      activeApiKeys: 1,
      toolAccepted: 19,
      toolRejected: 3,
    });
    expect(r.totals.acceptanceRate).toBeCloseTo(19 / 22, 10);
  });

  it("compares with the previous period: absolute and percent", () => {
    const r = sampleReport();
    expect(r.changes?.costCents).toEqual({ current: 8000, previous: 4000, abs: 4000, pct: 100 });
    expect(r.changes?.sessions).toEqual({ current: 14, previous: 3, abs: 11, pct: (11 / 3) * 100 });
    expect(r.changes?.activeUsers).toEqual({ current: 2, previous: 2, abs: 0, pct: 0 });
    // From zero there is no percentage.
    expect(r.changes?.activeApiKeys).toEqual({ current: 1, previous: 0, abs: 1, pct: null });
  });

  it("lists every actor by cost, with the previous period's numbers when known", () => {
    const r = sampleReport();
    expect(r.actors.map((a) => [a.name, a.type, a.costCents])).toEqual([
      ["ci-bot", "api_key", 4500],
      ["ada@example.com", "user", 3000],
      ["bob@example.com", "user", 500],
    ]);
    expect(r.actors[1]?.previous).toMatchObject({ costCents: 2000, sessions: 2 });
    expect(r.actors[2]?.previous).toBeNull();
    expect(r.actors[1]?.topModel).toBe(OPUS);
    expect(r.actors[1]?.acceptanceRate).toBeCloseTo(0.9, 10);
  });

  it("without a first-seen record, tells who stopped but not who is new", () => {
    const r = sampleReport();
    expect(r.adoption).toEqual({
      newUsers: [],
      newKnown: false,
      stoppedUsers: ["cy@example.com"],
    });
  });

  it("new is first-ever use: absent the day before is not enough", () => {
    const period = parsePeriod("yesterday", { now, timeZone: "UTC" });
    const current = day(
      "2026-11-24",
      { email: "ada@example.com", models: [[SONNET, 100]] },
      { email: "bob@example.com", models: [[SONNET, 100]] },
    );
    // Bob was away on the 23rd but has used Claude Code since October; Ada starts today.
    const firstDays = new Map([
      ["user:ada@example.com", "2026-11-24"],
      ["user:bob@example.com", "2026-10-05"],
    ]);
    const r = buildReport({ period, current, previous: day("2026-11-23"), firstDays });
    expect(r.adoption).toEqual({
      newUsers: ["ada@example.com"],
      newKnown: true,
      stoppedUsers: [],
    });
  });

  it("says nothing of adoption with neither a previous period nor a first-seen record", () => {
    const period = parsePeriod("yesterday", { now, timeZone: "UTC" });
    expect(buildReport({ period, current: day("2026-11-24") }).adoption).toBeNull();
  });

  it("orders models by cost with their share", () => {
    const r = sampleReport();
    expect(r.models.map((m) => [m.model, m.costCents, m.share])).toEqual([
      [SONNET, 5000, 0.625],
      [OPUS, 3000, 0.375],
    ]);
  });

  it("fills the daily series with zeros on days without data", () => {
    const period = parsePeriod("2026-11-22..2026-11-24", { now, timeZone: "UTC" });
    const current = day("2026-11-24", { models: [[SONNET, 10]] });
    const r = buildReport({ period, current });
    expect(r.daily.map((d) => [d.day, d.costCents])).toEqual([
      ["2026-11-22", 0],
      ["2026-11-23", 0],
      ["2026-11-24", 10],
    ]);
    expect(r.previous).toBeNull();
    expect(r.changes).toBeNull();
  });

  it("an empty period gives zero totals, no actors, and a null acceptance rate", () => {
    const period = parsePeriod("yesterday", { now, timeZone: "UTC" });
    const r = buildReport({ period, current: day("2026-11-24") });
    expect(r.totals.costCents).toBe(0);
    expect(r.totals.acceptanceRate).toBeNull();
    expect(r.actors).toEqual([]);
    expect(r.models).toEqual([]);
  });
});

describe("leaderboard and rank", () => {
  it("ranks by each metric, leaving out zeros, ties broken by cost then name", () => {
    const { actors } = sampleReport();
    expect(leaderboard(actors, "sessions").map((a) => a.name)).toEqual([
      "bob@example.com",
      "ada@example.com",
      "ci-bot",
    ]);
    expect(leaderboard(actors, "commits").map((a) => a.name)).toEqual([
      "ci-bot",
      "ada@example.com",
    ]);
    expect(leaderboard(actors, "prs").map((a) => a.name)).toEqual(["ci-bot", "ada@example.com"]);
    expect(leaderboard(actors, "lines", 1).map((a) => a.name)).toEqual(["ada@example.com"]);
    expect(leaderboard(actors, "cost", 2)).toHaveLength(2);
  });

  it("gives a rank and the number ranked", () => {
    const { actors } = sampleReport();
    expect(rankOf(actors, "user:ada@example.com")).toEqual({ rank: 2, of: 3 });
    expect(rankOf(actors, "user:nobody@example.com")).toBeNull();
  });

  it("change() handles growth, decline and zero", () => {
    expect(change(150, 100)).toEqual({ current: 150, previous: 100, abs: 50, pct: 50 });
    expect(change(50, 100).pct).toBe(-50);
    expect(change(0, 0)).toEqual({ current: 0, previous: 0, abs: 0, pct: null });
  });
});

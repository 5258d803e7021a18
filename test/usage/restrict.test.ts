import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { mergeCompact } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { restrictCompact } from "../../src/usage/restrict.js";

const DAY = "2026-11-24";
const SONNET = "claude-sonnet-4-5-20250929";
const OPUS = "claude-opus-4-1-20250805";

const day = (...specs: RecordSpec[]) =>
  compactDay(DAY, parseRecords(specs.map((s) => apiRecord({ day: DAY, ...s }))).records);

const ada: RecordSpec[] = [
  {
    email: "ada@example.com",
    sessions: 2,
    added: 40,
    prs: 1,
    edit: [3, 1],
    models: [[SONNET, 120, 1000, 200]],
  },
  {
    email: "ada@example.com",
    terminal: "tmux",
    sessions: 1,
    commits: 2,
    models: [[OPUS, 300, 50, 10]],
  },
];
const key: RecordSpec[] = [
  { apiKey: "ci-deploy", sessions: 4, added: 7, models: [[OPUS, 55.5, 10, 10]] },
];
const bob: RecordSpec[] = [
  { email: "bob@example.com", sessions: 9, added: 1000, models: [[SONNET, 999]] },
];

describe("a day narrowed to some actors", () => {
  it("is the day those actors alone would make: rows, totals, daily point, spend per model", () => {
    const whole = day(...ada, ...key, ...bob);
    const team = new Set(["user:ada@example.com", "api_key:ci-deploy"]);
    const narrowed = mergeCompact([restrictCompact(whole, (k) => team.has(k))]);
    const alone = mergeCompact([day(...ada, ...key)]);

    expect([...narrowed.actors.values()]).toEqual([...alone.actors.values()]);
    expect(narrowed.totals).toEqual(alone.totals);
    expect(narrowed.daily).toEqual(alone.daily);
    const spend = (agg: typeof alone) =>
      Object.fromEntries([...agg.models.values()].map((m) => [m.model, m.costMicros]));
    expect(spend(narrowed)).toEqual(spend(alone));
    // What only the org keeps is left out, not made up.
    expect(narrowed.tools.size).toBe(0);
    expect(narrowed.terminals.size).toBe(0);
  });

  it("nobody kept is an empty day that still covers its date", () => {
    const narrowed = mergeCompact([restrictCompact(day(...ada, ...bob), () => false)]);
    expect(narrowed.days).toEqual([DAY]);
    expect(narrowed.actors.size).toBe(0);
    expect(narrowed.totals.costMicros).toBe(0);
    expect(narrowed.daily).toEqual([
      {
        day: DAY,
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

  it("a synthetic org's day split into two halves adds up to the whole", () => {
    const org = createSyntheticOrg({ users: 200, seed: 11 });
    const records = parseRecords(org.records(DAY, 0, org.recordCount(DAY))).records;
    const whole = compactDay(DAY, records);
    const half = (k: string) => k.length % 2 === 0;
    const a = mergeCompact([restrictCompact(whole, half)]);
    const b = mergeCompact([restrictCompact(whole, (k) => !half(k))]);
    const all = mergeCompact([whole]);
    expect(a.actors.size + b.actors.size).toBe(all.actors.size);
    expect(a.totals.costMicros + b.totals.costMicros).toBeCloseTo(all.totals.costMicros, 6);
    expect(a.totals.sessions + b.totals.sessions).toBe(all.totals.sessions);
    expect((a.daily[0]?.activeUsers ?? 0) + (b.daily[0]?.activeUsers ?? 0)).toBe(
      all.daily[0]?.activeUsers,
    );
  });
});

import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { renderActorDaysCsv, renderCsv } from "../../src/render/csv.js";
import { renderJson } from "../../src/render/json.js";
import { renderText } from "../../src/render/text.js";
import { actorDays } from "../../src/usage/actor-days.js";
import {
  type CompactAggregate,
  mergeCompact,
  parseCompact,
  serializeCompact,
} from "../../src/usage/compact.js";
import { createDayBuilder } from "../../src/usage/day-builder.js";
import { parsePeriod, previousPeriod } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";
import { runCliCaptured } from "../support/cli.js";

/*
 * Golden outputs: the exact bytes of the CSV, JSON and text renderings of fixed reports, so that
 * a change to how metrics, money or actors are plumbed is proven not to change what people get.
 * A golden that should change is rewritten with `npx vitest run test/render/golden.test.ts -u`,
 * and the diff read before it is committed.
 */

const now = new Date("2026-11-25T10:00:00Z");
const golden = (name: string) => `./golden/${name}`;

describe("the demo org, last 7 days, through the CLI", () => {
  it.each([
    ["text", "demo-last-7-days.txt"],
    ["csv", "demo-last-7-days.csv"],
    ["json", "demo-last-7-days.json.golden"],
  ])("--format %s", async (format, file) => {
    const { code, stdout, stderr } = await runCliCaptured(
      ["report", "last 7 days", "--demo", "--format", format],
      {},
      now,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    await expect(stdout).toMatchFileSnapshot(golden(file));
  });
});

/*
 * A small hand-made period with the odd cases in it: an email in two spellings, an API key named
 * like a spreadsheet formula, an actor type the API may add later, a cost sent as a string with
 * fractional cents, a cost in another currency, a record that cannot be read, a person who stopped
 * and one who started. Days go through the day cache's serialised form, as they do in production.
 */
const OPUS = "claude-opus-4-1-20250805";
const SONNET = "claude-sonnet-4-5-20250929";
const HAIKU = "claude-haiku-4-5-20251001";
const period = parsePeriod("last 3 days", { now, timeZone: "UTC" });

const CURRENT: Record<string, unknown[]> = {
  "2026-11-22": [
    apiRecord({
      day: "2026-11-22",
      email: "ada@example.com",
      sessions: 3,
      added: 1210,
      removed: 340,
      commits: 2,
      prs: 1,
      edit: [17, 2],
      models: [[OPUS, 1234.5678, 90_000, 21_000]],
    }),
    apiRecord({
      day: "2026-11-22",
      apiKey: "=SUM(A1:A9)",
      terminal: "non-interactive",
      sessions: 5,
      commits: 3,
      models: [[SONNET, 310.25, 40_000, 9_000]],
    }),
  ],
  "2026-11-23": [
    apiRecord({
      day: "2026-11-23",
      email: "Ada@Example.com",
      terminal: "iTerm.app",
      sessions: 1,
      added: 7,
      edit: [1, 1],
      models: [
        [HAIKU, 3.3333, 1_200, 800],
        [SONNET, 99.99, 5_000, 2_000],
      ],
    }),
    {
      ...apiRecord({ day: "2026-11-23", email: "grace@example.com", sessions: 2, added: 55 }),
      model_breakdown: [
        {
          model: SONNET,
          tokens: { input: 300, output: 200, cache_read: 12_000, cache_creation: 4_000 },
          estimated_cost: { currency: "USD", amount: "42.125" },
        },
        {
          model: OPUS,
          tokens: { input: 10, output: 10, cache_read: 0, cache_creation: 0 },
          estimated_cost: { currency: "EUR", amount: 500 },
        },
      ],
    },
    {
      ...apiRecord({ day: "2026-11-23", sessions: 1, models: [[HAIKU, 1.5]] }),
      actor: { type: "service_actor", service_id: 'svc, "quoted"' },
    },
    { actor: { type: "user_actor" }, core_metrics: { num_sessions: "many" } },
  ],
  "2026-11-24": [
    apiRecord({
      day: "2026-11-24",
      email: "linus@example.com",
      terminal: "tmux",
      sessions: 4,
      added: 400,
      removed: 400,
      commits: 1,
      edit: [0, 3],
      models: [[SONNET, 77]],
    }),
  ],
};
const PREVIOUS: Record<string, unknown[]> = {
  "2026-11-20": [
    apiRecord({ day: "2026-11-20", email: "ada@example.com", sessions: 2, models: [[OPUS, 900]] }),
    apiRecord({ day: "2026-11-20", email: "ken@example.com", sessions: 1, models: [[HAIKU, 12]] }),
  ],
  "2026-11-21": [
    apiRecord({ day: "2026-11-21", apiKey: "=SUM(A1:A9)", sessions: 1, edit: [4, 0] }),
  ],
};

function parts(days: Record<string, unknown[]>): CompactAggregate[] {
  return Object.entries(days).map(([day, raw]) => {
    const builder = createDayBuilder();
    builder.addPage(parseRecords(raw));
    return parseCompact(serializeCompact(builder.finish(day)));
  });
}

const report = () =>
  buildReport({
    period,
    current: mergeCompact(parts(CURRENT)),
    previousPeriod: previousPeriod(period),
    previous: mergeCompact(parts(PREVIOUS)),
    // From the store's first-seen record: two people used Claude Code for the first time.
    firstDays: new Map([
      ["user:linus@example.com", "2026-11-23"],
      ["user:grace@example.com", "2026-11-24"],
    ]),
    generatedAt: now,
  });

describe("a hand-made period with the odd cases", () => {
  it("covers what it says it covers", () => {
    const r = report();
    expect(r.invalidRecords).toBe(1);
    expect(r.nonUsdCostItems).toBe(1);
    expect(r.actors.map((a) => a.type).sort()).toEqual([
      "api_key",
      "other",
      "user",
      "user",
      "user",
    ]);
    expect(r.adoption).toEqual({
      newUsers: ["linus@example.com", "grace@example.com"],
      newKnown: true,
      stoppedUsers: ["ken@example.com"],
    });
  });

  it("text", async () => {
    await expect(renderText(report(), { now, top: 3 })).toMatchFileSnapshot(
      golden("odd-cases.txt"),
    );
  });

  it("csv", async () => {
    await expect(renderCsv(report())).toMatchFileSnapshot(golden("odd-cases.csv"));
  });

  it("csv per actor and day", async () => {
    await expect(renderActorDaysCsv(actorDays(parts(CURRENT)))).toMatchFileSnapshot(
      golden("odd-cases-by-day.csv"),
    );
  });

  it("json", async () => {
    await expect(renderJson(report())).toMatchFileSnapshot(golden("odd-cases.json.golden"));
  });
});

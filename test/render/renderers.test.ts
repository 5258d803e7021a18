import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { csvCell, renderCsv } from "../../src/render/csv.js";
import { renderJson, reportToJson } from "../../src/render/json.js";
import { renderText } from "../../src/render/text.js";
import { aggregateDay } from "../../src/usage/day-builder.js";
import { comparisonPeriod, parsePeriod } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";

const now = new Date("2026-11-25T10:00:00Z");
const period = parsePeriod("yesterday", { now, timeZone: "UTC" });

function report(
  specs: Parameters<typeof apiRecord>[0][],
  previousSpecs?: Parameters<typeof apiRecord>[0][],
  firstDays?: ReadonlyMap<string, string>,
) {
  const agg = (d: string, s: Parameters<typeof apiRecord>[0][]) =>
    aggregateDay(d, parseRecords(s.map(apiRecord)).records);
  return buildReport({
    period,
    current: agg("2026-11-24", specs),
    previousPeriod: previousSpecs ? comparisonPeriod(period) : null,
    previous: previousSpecs ? agg("2026-11-17", previousSpecs) : null,
    firstDays,
    generatedAt: now,
  });
}

const sample = () =>
  report(
    [
      {
        email: "ada@example.com",
        sessions: 4,
        added: 4100,
        commits: 2,
        edit: [9, 1],
        models: [["claude-opus-4-1-20250805", 14210]],
      },
      {
        apiKey: "=cmd|' /C calc'!A0",
        sessions: 1,
        models: [["claude-sonnet-4-5-20250929", 12033]],
      },
    ],
    [{ email: "ada@example.com", sessions: 2, models: [["claude-opus-4-1-20250805", 10000]] }],
  );

describe("renderText", () => {
  it("shows totals with changes, top spenders and models", () => {
    const text = renderText(sample(), { now });
    expect(text).toContain("Claude Code usage · yesterday · Tue 24 Nov");
    expect(text).toContain("UTC day 2026-11-24 · compared with Tue 17 Nov");
    expect(text).toMatch(/Estimated spend\s+\$262\.43\s+▲ 162%/);
    expect(text).toMatch(/Active people\s+1\s+\(=\)/);
    expect(text).toMatch(/API keys\s+1\s+▲ 1/);
    expect(text).toMatch(/1\. ada@example\.com\s+\$142\.10\s+4 sessions\s+4\.1k lines/);
    expect(text).toMatch(/2\. =cmd\|' \/C calc'!A0 \(API key\)\s+\$120\.33/);
    expect(text).toMatch(/opus-4-1\s+\$142\.10\s+54%/);
    expect(text).toContain("Costs are estimates from Anthropic.");
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("names new people and people who stopped", () => {
    const r = report(
      [{ email: "new@example.com", sessions: 1 }],
      [{ email: "gone@example.com", sessions: 1 }],
      new Map([["user:new@example.com", "2026-11-24"]]),
    );
    expect(renderText(r, { now })).toContain(
      "Adoption: 1 new (new@example.com) · 1 not active since the previous period (gone@example.com)",
    );
  });

  it("says so plainly when a period has no activity", () => {
    const text = renderText(report([]), { now });
    expect(text).toContain("No Claude Code activity in this period.");
    expect(text).not.toContain("Top spenders");
  });

  it("truncates the leaderboard with 'and N more'", () => {
    const org = createSyntheticOrg({ users: 200 });
    const records = parseRecords(org.records("2026-11-24", 0, 1000)).records;
    const r = buildReport({
      period,
      current: aggregateDay("2026-11-24", records),
      generatedAt: now,
    });
    const text = renderText(r, { top: 5, now });
    expect(text).toContain(`…and ${r.actors.length - 5} more`);
    expect(text.match(/^\s+\d+\. /gm)).toHaveLength(5);
  });

  it("warns about records it could not read", () => {
    const r = sample();
    r.invalidRecords = 2;
    r.invalidSamples = ["actor: Invalid input"];
    expect(renderText(r, { now })).toContain("2 record(s) from the API could not be read");
  });
});

describe("renderText's baseline", () => {
  it("says what the period is compared with, in words and dates", () => {
    const day = parsePeriod("2026-11-24", { now, timeZone: "UTC" });
    const agg = aggregateDay("2026-11-24", parseRecords([apiRecord({})]).records);
    const text = (p: typeof day) =>
      renderText(
        buildReport({
          period: p,
          current: agg,
          previousPeriod: comparisonPeriod(p),
          previous: agg,
          generatedAt: now,
        }),
        { now },
      ).split("\n")[1];
    expect(text(day)).toBe("UTC day 2026-11-24 · compared with Tue 17 Nov");
    expect(text(parsePeriod("last week", { now, timeZone: "UTC" }))).toBe(
      "UTC days 2026-11-16 to 2026-11-22 · compared with the week before (Mon 9 – Sun 15 Nov)",
    );
  });
});

describe("renderText's story", () => {
  it("leads with the same sentence as Slack, people by display name when known, else email", () => {
    const lines = renderText(sample(), { now }).split("\n");
    expect(lines[3]).toBe(
      "$262 spent, ▲ 162% vs Tue 17 Nov — one person drove it: ada@example.com, $142",
    );
    expect(lines[4]).toBe("(54%). Everyone else: $120.");
    const named = renderText(sample(), { now, plainName: () => "Ada" });
    expect(named).toContain("one person drove it: Ada, $142");
  });
});

describe("renderJson", () => {
  it("has exactly the documented shape", () => {
    const json = JSON.parse(renderJson(sample()));
    expect(json.period).toEqual({
      from: "2026-11-24",
      to: "2026-11-24",
      days: 1,
      name: "yesterday",
    });
    expect(json.totals).toMatchObject({
      cost_cents: 26243,
      sessions: 5,
      lines_added: 4100,
      lines_removed: 0,
      commits: 2,
      pull_requests: 0,
      active_users: 1,
      tokens: { input: 0, output: 0, cache_read: 0, cache_creation: 0 },
      tool_accepted: 9,
      tool_rejected: 1,
    });
    expect(json.users).toHaveLength(2);
    expect(json.users[0]).toMatchObject({
      actor: "ada@example.com",
      actor_type: "user",
      cost_cents: 14210,
      sessions: 4,
      lines_added: 4100,
      lines_removed: 0,
      commits: 2,
      pull_requests: 0,
    });
    expect(json.users[1]).toMatchObject({ actor_type: "api_key", cost_cents: 12033 });
    expect(json.models.map((m: { model: string }) => m.model)).toEqual([
      "claude-opus-4-1-20250805",
      "claude-sonnet-4-5-20250929",
    ]);
    expect(json.models[0]).toHaveProperty("tokens.cache_read");
    expect(json.previous.totals.cost_cents).toBe(10000);
    expect(json.previous.baseline).toBe("same_weekday");
    expect(reportToJson(report([])).previous).toBeNull();
    // No first-seen record: who is new is unknown (null), not "no one".
    expect(json.adoption).toEqual({ new_users: null, stopped_users: [] });
  });
});

describe("renderCsv", () => {
  it("writes one row per actor with a header, CRLF line ends", () => {
    const csv = renderCsv(sample());
    const rows = csv.trimEnd().split("\r\n");
    expect(rows).toHaveLength(3);
    expect(rows[0]?.startsWith("actor,actor_type,name,cost_usd,cost_cents,sessions")).toBe(true);
    // No names given (the CLI, no Slack): a person's name is left empty.
    expect(rows[1]).toMatch(/^ada@example\.com,user,,142\.1000,14210,4,4100,0,2,0,9,1,0\.9000,/);
  });

  it("names people by their Slack name, never a mention, and keys as in the data", () => {
    const names = (a: { key: string }) =>
      a.key === "user:ada@example.com"
        ? { name: "Ada, the Countess", mention: "<@UADA>" }
        : undefined;
    const csv = renderCsv(sample(), { names });
    expect(csv).toContain('ada@example.com,user,"Ada, the Countess",142.1000,');
    expect(csv).not.toContain("<@UADA>");
    // The key's name, defused as a formula like the actor cell beside it.
    expect(csv).toContain(`'=cmd|' /C calc'!A0,api_key,'=cmd|' /C calc'!A0,`);
  });

  it("defuses spreadsheet formulas and quotes what needs quoting", () => {
    const csv = renderCsv(sample());
    expect(csv).toContain(`'=cmd|' /C calc'!A0,api_key`);
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("-1+1")).toBe("'-1+1");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell("plain")).toBe("plain");
  });
});

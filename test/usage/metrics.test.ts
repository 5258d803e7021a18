import { describe, expect, it } from "vitest";
import { parseRecords } from "../../src/anthropic/records.js";
import { renderActorDaysCsv, renderCsv } from "../../src/render/csv.js";
import { reportToJson } from "../../src/render/json.js";
import { actorDays } from "../../src/usage/actor-days.js";
import { newActor } from "../../src/usage/aggregate.js";
import { mergeCompact, parseCompact, serializeCompact } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import {
  COLUMN,
  emptyMetrics,
  METRICS,
  type MetricKey,
  metricValue,
  reportValue,
  TOTAL_METRICS,
  WIDTH,
} from "../../src/usage/metrics.js";
import { periodBetween } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";

/*
 * The metrics table against the unrolled loops that fold, total and merge by column: one record
 * whose every metric is a different prime, named here by the API's own fields (not by the table),
 * folded three times a day so that the record count and active days differ from all of them too.
 * A loop that reads or writes the wrong offset puts some prime in the wrong place.
 */

const FOLDS = 3;
const record = {
  actor: { type: "user_actor", email_address: "prime@example.com" },
  terminal_type: "vscode",
  core_metrics: {
    num_sessions: 2,
    lines_of_code: { added: 3, removed: 5 },
    commits_by_claude_code: 7,
    pull_requests_by_claude_code: 11,
  },
  tool_actions: { edit_tool: { accepted: 13, rejected: 17 } },
  model_breakdown: [
    {
      model: "claude-opus-4-1-20250805",
      tokens: { input: 19, output: 23, cache_read: 29, cache_creation: 31 },
      estimated_cost: { currency: "USD", amount: 37 },
    },
  ],
};
const COST_CENTS = 37 * FOLDS;

/** The value, which the test needs to go on. */
function present<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error("missing");
  return value;
}
const cellsOf = (csv: string) =>
  csv
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(","));

/** A day's row for that actor, by metric, in the row's units (µ$). */
const DAY: Record<MetricKey, number> = {
  costMicros: COST_CENTS * 10_000,
  sessions: 2 * FOLDS,
  linesAdded: 3 * FOLDS,
  linesRemoved: 5 * FOLDS,
  commits: 7 * FOLDS,
  pullRequests: 11 * FOLDS,
  toolAccepted: 13 * FOLDS,
  toolRejected: 17 * FOLDS,
  tokensInput: 19 * FOLDS,
  tokensOutput: 23 * FOLDS,
  tokensCacheRead: 29 * FOLDS,
  tokensCacheCreation: 31 * FOLDS,
  records: FOLDS,
  activeDays: 1,
};

const days = ["2026-11-23", "2026-11-24"];
const parts = () =>
  days.map((day) => compactDay(day, parseRecords(Array(FOLDS).fill(record)).records));
/** Over both days, in report units (cents). */
const PERIOD = (m: (typeof METRICS)[number]) =>
  m.unit === "money" ? COST_CENTS * days.length : DAY[m.key] * days.length;

describe("the metrics table", () => {
  it("lists each metric once, at offsets 0 to WIDTH - 1, with distinct CSV and JSON names", () => {
    expect(new Set(METRICS.map((m) => m.key)).size).toBe(METRICS.length);
    expect(METRICS.map((m) => m.column)).toEqual([...Array(WIDTH).keys()]);
    const csv = METRICS.flatMap((m) => (m.csv ? [m.csv] : []));
    expect(new Set(csv).size).toBe(csv.length);
    for (const m of METRICS) {
      expect(COLUMN[m.key]).toBe(m.column);
      if ("token" in m) expect(m.key).toBe(`tokens${m.token[0]?.toUpperCase()}${m.token.slice(1)}`);
    }
  });

  it("the test's record has a different value for every metric", () => {
    expect(new Set(Object.values(DAY)).size).toBe(METRICS.length);
  });

  it("the day builder writes each metric in its own column", () => {
    const day = present(parts()[0]);
    expect(day.actors.keys).toEqual(["user:prime@example.com"]);
    expect(Array.from(day.actors.data)).toEqual(METRICS.map((m) => DAY[m.key]));
  });

  it("a day's totals are its columns' sums, metric by metric", () => {
    const day = present(parts()[0]);
    for (const m of TOTAL_METRICS)
      expect([m.key, metricValue(day.totals, m)]).toEqual([m.key, DAY[m.key]]);
  });

  it("merging reads each column into its own metric, also from the stored form", () => {
    const stored = parts().map((p) => parseCompact(serializeCompact(p)));
    const merged = mergeCompact(stored);
    const actor = present(merged.actors.get("user:prime@example.com"));
    for (const m of METRICS) {
      expect([m.key, metricValue(actor, m)]).toEqual([m.key, DAY[m.key] * days.length]);
    }
    for (const m of TOTAL_METRICS) {
      expect([m.key, metricValue(merged.totals, m)]).toEqual([m.key, DAY[m.key] * days.length]);
    }
  });

  it("a report, its CSV and its JSON put each metric under its own name", () => {
    const report = buildReport({
      period: periodBetween("2026-11-23", "2026-11-24"),
      current: mergeCompact(parts()),
    });
    const row = present(report.actors[0]);
    const [header = [], cells = []] = cellsOf(renderCsv(report));
    const csv = new Map(header.map((h, i) => [h, cells[i]]));
    const json = reportToJson(report).users[0] as Record<string, unknown>;
    for (const m of METRICS) {
      if (m.key === "records") continue;
      expect([m.key, reportValue(row, m)]).toEqual([m.key, PERIOD(m)]);
      if (m.total) expect([m.key, reportValue(report.totals, m)]).toEqual([m.key, PERIOD(m)]);
      expect([m.csv, csv.get(m.csv ?? "")]).toEqual([m.csv, String(PERIOD(m))]);
      const inJson = "token" in m ? (json.tokens as Record<string, unknown>)[m.json] : json[m.json];
      expect([m.json, inJson]).toEqual([m.json, PERIOD(m)]);
    }
    expect(csv.get("cost_usd")).toBe(
      (PERIOD(present(METRICS[COLUMN.costMicros])) / 100).toFixed(4),
    );
  });

  it("the per-day CSV has each day's metrics under their names, and no active days", () => {
    const [header = [], ...rows] = cellsOf(renderActorDaysCsv(actorDays(parts())));
    expect(header).not.toContain("active_days");
    for (const cells of rows) {
      const csv = new Map(header.map((h, i) => [h, cells[i]]));
      for (const m of METRICS) {
        if (!m.csv || m.unit === "days") continue;
        const value = m.unit === "money" ? COST_CENTS : DAY[m.key];
        expect([m.csv, csv.get(m.csv)]).toEqual([m.csv, String(value)]);
      }
    }
  });

  it("empty totals and a new actor have every metric, at zero (active days at one)", () => {
    const zero = emptyMetrics();
    expect(Object.keys(zero).length).toBe(TOTAL_METRICS.length - 3);
    for (const m of TOTAL_METRICS) expect([m.key, metricValue(zero, m)]).toEqual([m.key, 0]);
    const actor = newActor("user:a@example.com", "user", "a@example.com");
    for (const m of METRICS) {
      expect([m.key, metricValue(actor, m)]).toEqual([m.key, m.key === "activeDays" ? 1 : 0]);
    }
  });
});

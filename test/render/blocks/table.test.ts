import type { KnownBlock, TableBlock } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { parseRecords } from "../../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../../src/demo/synthetic-org.js";
import {
  limitViolations,
  renderLeaderboard,
  renderModels,
  renderOrgReport,
} from "../../../src/render/blocks/index.js";
import {
  MAX_TABLE_ROWS,
  mrkdwnCell,
  tableBlock,
  tableViolations,
  textCell,
} from "../../../src/render/blocks/table.js";
import { mergeCompact } from "../../../src/usage/compact.js";
import { compactDay } from "../../../src/usage/day-builder.js";
import { parsePeriod } from "../../../src/usage/periods.js";
import { buildReport, LEADERBOARD_METRICS } from "../../../src/usage/report.js";
import { readBlocks } from "../../support/read-blocks.js";

/* Leaderboards and model lists as Slack table blocks, within Slack's rules for them. */

const now = new Date("2026-11-25T09:00:00Z");

function orgOf(users: number) {
  const org = createSyntheticOrg({ users, seed: 11 });
  const period = parsePeriod("last 7 days", { now, timeZone: "UTC" });
  const current = mergeCompact(
    period.days.map((d) => compactDay(d, parseRecords(org.records(d, 0, 100_000)).records)),
  );
  return buildReport({ period, current, generatedAt: now });
}

const tables = (blocks: KnownBlock[]) => blocks.filter((b): b is TableBlock => b.type === "table");

describe("table blocks", () => {
  const big = orgOf(5000);

  it("the org report's top spenders are one table, numbers right-aligned, the rest counted", () => {
    const m = renderOrgReport(orgOf(60), { now, top: 5, tables: true });
    const [table, ...more] = tables(m.blocks);
    expect(more).toEqual([]);
    // Three columns: a fourth runs off a phone's screen.
    expect(table?.column_settings?.map((c) => c.align)).toEqual(["left", "right", "right"]);
    const rows = readBlocks([table]).split("\n");
    expect(rows[0]).toMatch(/^Top 5 of \d+ {2}Spend {2}Sessions$/);
    expect(rows[1]).toBe("🥇 🔑 ci-review-bot  $676.24  88");
    expect(rows).toHaveLength(6);
    expect(limitViolations(m)).toEqual([]);
  });

  it("at most 100 rows and one table per message, however long the list", () => {
    for (const m of [
      renderOrgReport(big, { now, top: 5000, tables: true }),
      ...LEADERBOARD_METRICS.map((metric) =>
        renderLeaderboard(big, metric, { now, top: 5000, tables: true }),
      ),
      renderModels(big, { now, tables: true }),
    ]) {
      expect(tables(m.blocks)).toHaveLength(1);
      expect(tables(m.blocks)[0]?.rows.length).toBeLessThanOrEqual(MAX_TABLE_ROWS);
      expect(limitViolations(m)).toEqual([]);
    }
    const top = renderLeaderboard(big, "cost", { now, top: 5000, tables: true });
    expect(JSON.stringify(top.blocks)).toMatch(/…and [\d,]+ more/);
  });

  it("a leaderboard by another metric shows the metric, then spend", () => {
    const m = renderLeaderboard(orgOf(60), "sessions", { now, tables: true });
    const rows = readBlocks(tables(m.blocks)).split("\n");
    expect(rows[0]).toBe("Person or API key  Sessions  Spend");
    expect(rows[1]).toBe("1. 🔑 ci-review-bot  88  $676.24");
  });

  it("models are a table with unbroken names", () => {
    const m = renderModels(orgOf(60), { now, tables: true });
    const rows = readBlocks(tables(m.blocks)).split("\n");
    expect(rows[0]).toBe("Model  Spend  Share  Tokens");
    expect(rows.slice(1).map((r) => r.split("  ")[0])).toEqual([
      "opus\u20114\u20111",
      "sonnet\u20114\u20115",
      "haiku\u20114\u20115",
    ]);
  });

  it("without `tables` (the Home tab) the lists stay mrkdwn", () => {
    const r = orgOf(60);
    for (const m of [
      renderOrgReport(r, { now }),
      renderLeaderboard(r, "cost", { now }),
      renderModels(r, { now }),
    ]) {
      expect(tables(m.blocks)).toEqual([]);
    }
    expect(JSON.stringify(renderOrgReport(r, { now }).blocks)).toContain("*Top spenders*");
  });

  it("names keep the mrkdwn they are written in: mentions, code, escapes", () => {
    expect(mrkdwnCell("🥇 <@U123>")).toEqual({
      type: "rich_text",
      elements: [
        {
          type: "rich_text_section",
          elements: [
            { type: "text", text: "🥇 " },
            { type: "user", user_id: "U123" },
          ],
        },
      ],
    });
    expect(mrkdwnCell("2. `ci-bot` (API key)").elements[0]).toEqual({
      type: "rich_text_section",
      elements: [
        { type: "text", text: "2. " },
        { type: "text", text: "ci-bot", style: { code: true } },
        { type: "text", text: " (API key)" },
      ],
    });
    expect(readBlocks([tableBlock([{ header: "a" }], [[mrkdwnCell("a&lt;b&gt;&amp;c")]])])).toBe(
      "a\na<b>&c",
    );
    expect(textCell("")).toEqual({ type: "raw_text", text: "–" });
  });

  it("the limits are checked: tables, rows, cells, empty cells, uneven rows, characters", () => {
    const table = (rows: number, cells: number, text = "x") =>
      tableBlock(
        Array.from({ length: cells }, () => ({ header: "h" })),
        Array.from({ length: rows }, () => Array.from({ length: cells }, () => textCell(text))),
      );
    expect(tableViolations([table(3, 3)])).toEqual([]);
    expect(tableViolations([table(3, 3), table(3, 3)])).toEqual(["2 tables in one message"]);
    const tall: TableBlock = {
      type: "table",
      rows: Array.from({ length: 101 }, () => [textCell("x")]),
    };
    expect(tableViolations([tall])).toEqual(["a table of 101 rows"]);
    const wide: TableBlock = {
      type: "table",
      rows: [Array.from({ length: 21 }, () => textCell("x"))],
    };
    expect(tableViolations([wide])).toEqual(["a table row of 21 cells"]);
    expect(tableViolations([{ type: "table", rows: [[{ type: "raw_text", text: "" }]] }])).toEqual([
      "an empty table cell",
    ]);
    expect(
      tableViolations([{ type: "table", rows: [[textCell("a")], [textCell("a"), textCell("b")]] }]),
    ).toEqual(["table rows of different lengths"]);
    expect(tableViolations([table(50, 4, "x".repeat(60))])).toEqual([
      "12004 characters in table cells",
    ]);
    // tableBlock itself never makes a table Slack would refuse for its size.
    expect(tableViolations([table(500, 30)])).toEqual([]);
  });
});

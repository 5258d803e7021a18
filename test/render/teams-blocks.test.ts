import { describe, expect, it } from "vitest";
import { limitViolations } from "../../src/render/blocks/limits.js";
import { tableViolations } from "../../src/render/blocks/table.js";
import { renderTeams } from "../../src/render/blocks/teams.js";
import { parsePeriod } from "../../src/usage/periods.js";
import type { TeamRow } from "../../src/usage/teams.js";

const now = new Date("2026-11-25T09:00:00Z");
const period = parsePeriod("last 7 days", { now, timeZone: "UTC" });
const row = (name: string, over: Partial<TeamRow> = {}): TeamRow => ({
  name,
  members: 4,
  active: 2,
  costCents: 10_000,
  previousCostCents: 8_000,
  sessions: 10,
  linesAdded: 100,
  pullRequests: 1,
  costPerActiveCents: 5_000,
  ...over,
});

describe("renderTeams", () => {
  const view = {
    period,
    baseline: parsePeriod("2026-11-11..2026-11-17", { now, timeZone: "UTC" }),
    rows: [
      row("Backend & Ops"),
      row("Quiet", {
        active: 0,
        costCents: 0,
        previousCostCents: 0,
        costPerActiveCents: null,
        pullRequests: 0,
      }),
      row("Unassigned", { members: 1, active: 1, previousCostCents: null }),
    ],
  };

  it("outside messages, a mrkdwn line per team: a quiet team has no spend per person", () => {
    const message = renderTeams(view, { now });
    const text = message.blocks
      .map((b) => (b.type === "section" ? (b.text?.text ?? "") : ""))
      .join("\n");
    expect(text).toContain(
      "*Backend &amp; Ops* — *$100* · 2 of 4 active · $50/person · 1 PR · ▲ 25%",
    );
    expect(text).toContain("*Quiet* — *$0* · 0 of 4 active · 0 PRs · (=)");
    expect(text).toContain("*Unassigned* — *$100* · 1 of 1 active · $50/person · 1 PR\n");
    expect(limitViolations(message)).toEqual([]);
  });

  it("in a message, one table Slack accepts", () => {
    const message = renderTeams(view, { now, tables: true });
    expect(tableViolations(message.blocks)).toEqual([]);
    expect(message.blocks.filter((b) => b.type === "table")).toHaveLength(1);
  });

  it("no teams with members: says so", () => {
    const message = renderTeams({ ...view, rows: [row("Unassigned")] }, { now });
    expect(message.text).toMatch(/^No teams yet/);
  });
});

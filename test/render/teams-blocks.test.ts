import { describe, expect, it } from "vitest";
import { limitViolations } from "../../src/render/blocks/limits.js";
import { renderSeats } from "../../src/render/blocks/seats.js";
import { tableViolations } from "../../src/render/blocks/table.js";
import { renderTeams } from "../../src/render/blocks/teams.js";
import { renderInactiveSeatsCsv } from "../../src/render/csv.js";
import { parsePeriod } from "../../src/usage/periods.js";
import { apiKeysOf, seatsOf } from "../../src/usage/seats.js";
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

describe("renderSeats: API keys", () => {
  const now = new Date("2026-11-25T09:00:00Z");
  const period = parsePeriod("yesterday", { now, timeZone: "UTC", maxDays: 92 });
  const summary = seatsOf({
    members: [{ email: "ada@x.io", name: "Ada", role: null, addedOn: null }],
    lastActive: () => "2026-11-24",
    activeInPeriod: new Set(["ada@x.io"]),
    through: "2026-11-24",
  });
  const apiKeys = apiKeysOf({
    keys: Array.from({ length: 12 }, (_, i) => ({
      name: `key-${String(i).padStart(2, "0")}`,
      workspace_id: null,
      status: "active",
      created_by: { id: "user_x", type: "user" },
    })),
    members: [],
    usage: (name) =>
      name === "key-11" ? { lastActive: "2026-11-24", costMicros: 0, inPeriod: true } : undefined,
  });
  const view = {
    period,
    summary,
    apiKeys,
    window: { from: "2026-10-26", to: "2026-11-24" },
    stale: false,
  };
  const textOf = (audience: "private" | "channel") =>
    JSON.stringify(renderSeats(view, { now, audience }).blocks);

  it("private: used of existing, at most ten listed least used first, the rest counted", () => {
    const text = textOf("private");
    expect(text).toContain("*API keys* — 1 of 12 used in this period, least used first");
    expect(text).toContain("• `key-00` — not used since the bot has data · created by user_x");
    expect(text).toContain("…and 2 more.");
    expect(text).not.toContain("key-11");
  });

  it("a channel view lists no keys", () => {
    expect(textOf("channel")).not.toContain("API keys");
  });
});

describe("renderInactiveSeatsCsv", () => {
  const { seats } = seatsOf({
    members: [
      { email: "ada@x.io", name: "Ada", role: "admin", addedOn: "2026-01-02" },
      { email: "bo@x.io", name: '=HYPERLINK("http://x")', role: null, addedOn: null },
      { email: "cy@x.io", name: "Cy, Jr", role: "developer", addedOn: "2026-03-04" },
    ],
    lastActive: (email) => ({ "ada@x.io": "2026-11-24", "cy@x.io": "2026-10-25" })[email],
    activeInPeriod: new Set(["ada@x.io"]),
    through: "2026-11-24",
  });

  it("lists members not active, least used first, formulas defused and commas quoted", () => {
    const csv = renderInactiveSeatsCsv(seats, (email) => (email === "cy@x.io" ? ["A", "B"] : []));
    expect(csv.split("\r\n")).toEqual([
      "email,name,role,added_on,last_active,idle_days,teams",
      `bo@x.io,"'=HYPERLINK(""http://x"")",,,,,`,
      'cy@x.io,"Cy, Jr",developer,2026-03-04,2026-10-25,30,A; B',
      "",
    ]);
  });
});

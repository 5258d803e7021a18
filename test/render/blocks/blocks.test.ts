import { describe, expect, it } from "vitest";
import { parseRecords } from "../../../src/anthropic/schema.js";
import { createSyntheticOrg } from "../../../src/demo/synthetic-org.js";
import {
  limitViolations,
  monthToDateLine,
  renderError,
  renderHelp,
  renderLeaderboard,
  renderModels,
  renderNotAllowed,
  renderOrgReport,
  renderPersonalReport,
  type SlackMessage,
} from "../../../src/render/blocks/index.js";
import { budgetLine } from "../../../src/render/blocks/personal.js";
import { budgetStatus, PERSONAL_BUDGET_THRESHOLDS } from "../../../src/usage/alerts.js";
import { mergeCompact } from "../../../src/usage/compact.js";
import { compactDay } from "../../../src/usage/day-builder.js";
import { parsePeriod, previousPeriod } from "../../../src/usage/periods.js";
import { buildReport, LEADERBOARD_METRICS, type UsageReport } from "../../../src/usage/report.js";
import { apiRecord, type RecordSpec } from "../../support/records.js";

const now = new Date("2026-11-25T09:00:00Z");
const OPUS = "claude-opus-4-1-20250805";
const SONNET = "claude-sonnet-4-5-20250929";

function report(
  specs: RecordSpec[],
  previous: RecordSpec[] = [],
  periodText = "yesterday",
): UsageReport {
  const period = parsePeriod(periodText, { now, timeZone: "UTC" });
  const before = previousPeriod(period);
  const agg = (days: string[], s: RecordSpec[]) =>
    mergeCompact(
      days.map((d, i) => compactDay(d, i === 0 ? parseRecords(s.map(apiRecord)).records : [])),
    );
  return buildReport({
    period,
    current: agg(period.days, specs),
    previousPeriod: before,
    previous: agg(before.days, previous),
    generatedAt: now,
  });
}

function orgOf(users: number, days = "yesterday"): UsageReport {
  const org = createSyntheticOrg({ users, seed: 11 });
  const period = parsePeriod(days, { now, timeZone: "UTC" });
  const current = mergeCompact(
    period.days.map((d) => compactDay(d, parseRecords(org.records(d, 0, 100_000)).records)),
  );
  return buildReport({ period, current, generatedAt: now });
}

const text = (m: SlackMessage) => JSON.stringify(m.blocks);

const sample = () =>
  report(
    [
      {
        email: "maria@example.com",
        sessions: 31,
        added: 4100,
        commits: 3,
        prs: 1,
        edit: [90, 10],
        models: [[OPUS, 14210]],
      },
      { apiKey: "deploy-bot", sessions: 4, models: [[SONNET, 12033]] },
      { email: "sam@example.com", sessions: 2, added: 10, models: [[SONNET, 9602]] },
      { email: "li@example.com", sessions: 1, models: [[SONNET, 10]] },
    ],
    [{ email: "maria@example.com", sessions: 20, models: [[OPUS, 10000]] }],
  );

describe("monthToDateLine", () => {
  it("says spend so far and the pace to the month's last day, with the budget share when set", () => {
    expect(
      monthToDateLine({
        month: "2026-02",
        through: "2026-02-10",
        spentCents: 92_100,
        projectedCents: 257_880,
      }),
    ).toBe(":calendar: February so far: *$921* · on pace for $2,579 by 28 Feb");
    expect(
      monthToDateLine({
        month: "2026-11",
        through: "2026-11-24",
        spentCents: 921_000,
        projectedCents: 1_151_250,
        budgetCents: 1_000_000,
      }),
    ).toBe(
      ":calendar: November so far: *$9,210* · on pace for $11,513 by 30 Nov (115% of the $10,000 budget)",
    );
  });
});

describe("renderOrgReport", () => {
  it("puts the news in the first two blocks: spend with change, active people", () => {
    const m = renderOrgReport(sample(), { now });
    expect(m.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Claude Code · Tue 24 Nov", emoji: true },
    });
    const headline = JSON.stringify(m.blocks[1]);
    expect(headline).toContain("*$358.55* estimated spend  ▲ 259% vs Mon");
    expect(headline).toContain("*3* active people  ▲ 2");
    expect(m.text).toBe("Claude Code on Tue 24 Nov: $358.55 spend (▲259%), 3 active people");
  });

  it("shows totals as fields with changes, top spenders with medals, models and a context line", () => {
    const m = renderOrgReport(sample(), {
      now,
      top: 2,
      names: (a) =>
        a.key === "user:maria@example.com" ? { name: "Maria", mention: "<@U1>" } : undefined,
    });
    const all = text(m);
    expect(all).toContain("Sessions\\n*38*  ▲ 90%");
    expect(all).toContain("Accept rate\\n*90%*");
    expect(all).toContain("🥇 <@U1>  $142.10 · 31 sessions · 4.1k lines");
    expect(all).toContain("🥈 🔑 deploy-bot  $120.33");
    expect(all).toContain("…and 2 more");
    expect(all).toContain("*By model*   sonnet-4-5 $216 (60%) · opus-4-1 $142 (40%)");
    expect(all).toContain(
      "UTC day 2026-11-24 · costs are estimates from Anthropic · fetched 09:00 UTC",
    );
  });

  it("names people by their Slack name without a mention (a channel post), keys by key name", () => {
    const m = renderOrgReport(sample(), {
      now,
      top: 3,
      names: (a) => (a.key === "user:maria@example.com" ? { name: "María <ops>" } : undefined),
    });
    const all = text(m);
    expect(all).toContain("🥇 María &lt;ops&gt;  $142.10");
    expect(all).toContain("🥈 🔑 deploy-bot  $120.33");
    expect(all).not.toContain("maria@example.com");
    expect(all).not.toContain("<@");
  });

  it("says who is new and who stopped, with mentions when known", () => {
    const r = report(
      [
        { email: "maria@example.com", models: [[OPUS, 100]] },
        { email: "new@example.com", models: [[OPUS, 50]] },
      ],
      [
        { email: "maria@example.com", models: [[OPUS, 100]] },
        { email: "gone@example.com", models: [[OPUS, 10]] },
      ],
    );
    const m = renderOrgReport(r, {
      now,
      names: (a) =>
        a.key === "user:new@example.com" ? { name: "New", mention: "<@UNEW>" } : undefined,
    });
    expect(text(m)).toContain(
      "👋 1 new: <@UNEW>   ·   1 not active since the previous period: gone@example.com",
    );
  });

  it("people not in Slack are shown by their email, escaped for mrkdwn", () => {
    const m = renderOrgReport(report([{ email: "a<b>&c@example.com", models: [[SONNET, 5]] }]), {
      now,
    });
    expect(text(m)).toContain("a&lt;b&gt;&amp;c@example.com");
  });

  it("adds a Share button when asked", () => {
    const m = renderOrgReport(sample(), {
      now,
      share: { actionId: "share_report", value: "org|yesterday" },
    });
    expect(m.blocks.at(-1)).toMatchObject({
      type: "actions",
      elements: [{ action_id: "share_report", value: "org|yesterday" }],
    });
  });

  it("an empty day says so plainly, without a Share button", () => {
    const m = renderOrgReport(report([]), { now, share: { actionId: "share_report", value: "x" } });
    expect(text(m)).toContain("No Claude Code activity on Tue 24 Nov.");
    expect(m.text).toBe("Claude Code on Tue 24 Nov: no activity");
    expect(m.blocks.some((b) => b.type === "actions")).toBe(false);
  });

  it("adds a sparkline for periods longer than a week", () => {
    const m = renderOrgReport(orgOf(50, "last 14 days"), { now });
    expect(JSON.stringify(m.blocks[1])).toMatch(/`[▁▂▃▄▅▆▇█]{14}`/);
    expect(m.blocks[0]).toMatchObject({
      text: { text: "Claude Code · last 14 days · Wed 11 – Tue 24 Nov" },
    });
  });

  it.each([0, 1, 5000])("stays within Block Kit limits for an org of %i people", (users) => {
    const r = users === 0 ? report([]) : orgOf(users);
    for (const m of [
      renderOrgReport(r, {
        now,
        top: 50,
        share: { actionId: "share_report", value: "v" },
        hint: "x".repeat(5000),
      }),
      ...LEADERBOARD_METRICS.map((metric) => renderLeaderboard(r, metric, { now, top: 5000 })),
      renderModels(r, { now }),
    ]) {
      expect(limitViolations(m)).toEqual([]);
    }
  });

  it("a 5,000-person leaderboard is truncated with 'and N more' and split into sections", () => {
    const r = orgOf(5000);
    const m = renderLeaderboard(r, "cost", { now, top: 200 });
    const sections = m.blocks.filter((b) => b.type === "section");
    expect(sections.length).toBeGreaterThan(1);
    expect(text(m)).toMatch(/…and [\d,]+ more/);
  });
});

describe("renderPersonalReport", () => {
  it("tells a person their day, rank among people, share of the org and change", () => {
    const m = renderPersonalReport(sample(), "user:maria@example.com", {
      now,
      greeting: "Good morning!",
      hint: "`/claude-usage dm off` to stop these",
    });
    const [first, context] = m.blocks;
    expect(JSON.stringify(first)).toContain(
      "Good morning! Yesterday you ran *31 Claude Code sessions*: *4,100 lines* added, *3 commits*, *1 PR* — estimated *$142.10* (▲ 42% vs the day before).",
    );
    expect(JSON.stringify(context)).toContain(
      "You're #1 of 3 in your org · 40% of the org's spend · 90% of edits accepted · mostly opus-4-1",
    );
    expect(limitViolations(m)).toEqual([]);
  });

  it("says so when the person has no activity", () => {
    const m = renderPersonalReport(sample(), "user:nobody@example.com", {
      now,
      lookedUpAs: "nobody@example.com",
    });
    expect(m.text).toBe(
      "No Claude Code activity for you yesterday (Tue 24 Nov) (as nobody@example.com).",
    );
  });
});

describe("help and errors", () => {
  it("help lists the commands and every period form; a problem comes first", () => {
    const m = renderHelp({ problem: `I don't understand the period "fortnight".` });
    expect(text(m)).toContain("I don't understand the period");
    expect(text(m)).toContain("last N days, or Nd");
    expect(text(m)).toContain("/claude-usage top cost|sessions|lines|commits|prs [period]");
    expect(limitViolations(m)).toEqual([]);
  });

  it("errors carry the reference id; refusals point to `me`", () => {
    expect(renderError("the Anthropic admin key was rejected (401).", "a1b2c3").text).toContain(
      "ref `a1b2c3`",
    );
    expect(renderNotAllowed().text).toContain("/claude-usage me");
  });
});

describe("budgetLine (a person's DM)", () => {
  it("says the month, the spend against the budget and the pace, marked from 80 % and over 100 %", () => {
    const line = (spent: number) =>
      budgetLine(budgetStatus(spent, 500_00, "2026-11-24", PERSONAL_BUDGET_THRESHOLDS));
    expect(line(200_00)).toBe(
      "November so far: *$200.00* of your $500 budget (40%) · on pace for $250",
    );
    expect(line(410_00)).toMatch(/^💸 November so far: \*\$410\.00\* of your \$500 budget \(82%\)/);
    expect(line(520_00)).toMatch(/^🚨 November so far/);
  });
});

import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../../fakes/records.js";
import { parseRecords } from "../../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../../src/demo/synthetic-org.js";
import {
  budgetNews,
  limitViolations,
  monthToDateLine,
  renderAdminAlert,
  renderError,
  renderHelp,
  renderLeaderboard,
  renderModels,
  renderNotAllowed,
  renderOrgReport,
  renderPersonalReport,
  type SlackMessage,
  seatsLine,
} from "../../../src/render/blocks/index.js";
import { budgetLine } from "../../../src/render/blocks/personal.js";
import { budgetStatus, PERSONAL_BUDGET_THRESHOLDS } from "../../../src/usage/alerts.js";
import { mergeCompact } from "../../../src/usage/compact.js";
import { compactDay } from "../../../src/usage/day-builder.js";
import { type Cents, cents } from "../../../src/usage/money.js";
import { comparisonPeriod, parsePeriod } from "../../../src/usage/periods.js";
import {
  type ActorRow,
  buildReport,
  LEADERBOARD_METRICS,
  type UsageReport,
} from "../../../src/usage/report.js";
import { readBlocks } from "../../support/read-blocks.js";

const now = new Date("2026-11-25T09:00:00Z");
const OPUS = "claude-opus-4-1-20250805";
const SONNET = "claude-sonnet-4-5-20250929";

function report(
  specs: RecordSpec[],
  previous: RecordSpec[] = [],
  periodText = "yesterday",
): UsageReport {
  const period = parsePeriod(periodText, { now, timeZone: "UTC" });
  const before = comparisonPeriod(period);
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
        spentCents: cents(92_100),
        projectedCents: cents(257_880),
      }),
    ).toBe(":calendar: February so far: *$921* · on pace for $2,579 by 28 Feb");
    expect(
      monthToDateLine({
        month: "2026-11",
        through: "2026-11-24",
        spentCents: cents(921_000),
        projectedCents: cents(1_151_250),
        budgetCents: cents(1_000_000),
      }),
    ).toBe(
      ":calendar: November so far: *$9,210* · on pace for $11,513 by 30 Nov (115% of the $10,000 budget)",
    );
  });
});

describe("the budget as news", () => {
  const nov = (spent: number, through = "2026-11-24", projected = spent) => ({
    month: "2026-11",
    through,
    spentCents: cents(spent),
    projectedCents: cents(projected),
    budgetCents: cents(2_000_000) as Cents | undefined,
  });

  it("below 80 % it is no news: the context line tells the month so far", () => {
    expect(budgetNews(nov(1_500_000, "2026-11-24", 1_875_000))).toBeUndefined();
    expect(budgetNews({ ...nov(3_000_000), budgetCents: undefined })).toBeUndefined();
  });

  it("from 80 % it says where the month stands, the days to go, and on track or over", () => {
    expect(budgetNews(nov(1_840_000, "2026-11-24", 2_300_000))).toBe(
      ":warning: November is at 92% of the $20,000 budget with 6 days to go — on pace for $23,000, over budget.",
    );
    expect(budgetNews(nov(1_900_000, "2026-11-29", 1_965_517))).toBe(
      ":calendar: November is at 95% of the $20,000 budget with 1 day to go — on track.",
    );
    expect(budgetNews(nov(2_130_000, "2026-11-24", 2_662_500), (t) => `*${t}*`)).toBe(
      ":warning: *Over budget*: November is at $21,300, 107% of the $20,000 budget, with 6 days to go.",
    );
  });

  it("a closed month is told in the past tense, never 'on pace'", () => {
    const closed = { ...nov(4_243_600, "2026-11-30"), budgetCents: cents(4_200_000) };
    expect(budgetNews(closed)).toBe(
      ":warning: November closed at $42,436 — 101% of the $42,000 budget.",
    );
    expect(monthToDateLine({ ...closed, spentCents: cents(3_000_000) })).toBe(
      ":calendar: November closed at *$30,000* (71% of the $42,000 budget)",
    );
    expect(monthToDateLine({ ...closed, budgetCents: undefined })).not.toContain("pace");
  });

  it("moves into the headline, right under the story, and onto the lock screen", () => {
    const m = renderOrgReport(sample(), {
      now,
      monthToDate: { ...nov(4_243_600, "2026-11-30"), budgetCents: cents(4_200_000) },
    });
    expect(m.blocks[2]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: ":warning: November closed at *$42,436* — 101% of the $42,000 budget.",
      },
    });
    expect(text(m)).not.toContain("pace");
    expect(m.text).toMatch(/ November closed at \$42,436 — 101% of the \$42,000 budget\.$/);
    const quiet = renderOrgReport(sample(), {
      now,
      monthToDate: nov(1_000_000, "2026-11-24", 1_250_000),
    });
    expect(text(quiet)).not.toContain("budget with");
    expect(quiet.blocks.at(-2)).toMatchObject({
      type: "context",
      elements: [
        {
          text: ":calendar: November so far: *$10,000* · on pace for $12,500 by 30 Nov (63% of the $20,000 budget)",
        },
      ],
    });
  });
});

describe("renderOrgReport", () => {
  it("leads with the story: spend, its change against the baseline, and who drove it", () => {
    const m = renderOrgReport(sample(), {
      now,
      names: (a) =>
        a.key === "user:maria@example.com" ? { name: "Maria", mention: "<@U1>" } : undefined,
    });
    expect(m.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Claude Code · Tue 24 Nov", emoji: true },
    });
    expect(m.blocks[1]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: "*$359* spent, ▲ 259% vs Tue 17 Nov — biggest rise: 🔑 deploy-bot, ▲ $120.",
      },
    });
    expect(m.text).toBe(
      "Claude Code on Tue 24 Nov: $359 spent, ▲ 259% vs Tue 17 Nov — biggest rise: deploy-bot, ▲ $120.",
    );
  });

  it("the lock-screen line never shows an email: without a display name it says one person", () => {
    const whale = report(
      [
        { email: "maria@example.com", sessions: 9, models: [[OPUS, 119_500]] },
        { email: "sam@example.com", models: [[SONNET, 20_000]] },
        { email: "li@example.com", models: [[SONNET, 21_800]] },
      ],
      [
        { email: "sam@example.com", models: [[SONNET, 30_000]] },
        { email: "li@example.com", models: [[SONNET, 33_300]] },
      ],
    );
    const m = renderOrgReport(whale, { now });
    expect(m.text).toBe(
      "Claude Code on Tue 24 Nov: $1,613 spent, ▲ 155% vs Tue 17 Nov — one person drove it: $1,195 (74%). Everyone else: $418, ▼ 34%.",
    );
    const named = renderOrgReport(whale, {
      now,
      plainName: (a) => (a.name === "maria@example.com" ? "Maria" : undefined),
    });
    expect(named.text).toContain("one person drove it: Maria, $1,195 (74%)");
  });

  it("shows totals as fields with changes, top spenders with medals, models and a context line", () => {
    const m = renderOrgReport(sample(), {
      now,
      top: 2,
      names: (a) =>
        a.key === "user:maria@example.com" ? { name: "Maria", mention: "<@U1>" } : undefined,
    });
    const all = text(m);
    expect(m.blocks[2]).toEqual({
      type: "section",
      fields: [
        { type: "mrkdwn", text: "Active people\n*3*  ▲ 2" },
        { type: "mrkdwn", text: "Sessions\n*38*  ▲ 90%" },
        { type: "mrkdwn", text: "Lines added\n*4.1k*  new" },
        { type: "mrkdwn", text: "Pull requests\n*1*  ▲ 1" },
      ],
    });
    for (const gone of ["Accept rate", "Lines removed", "Commits", "Cache reads", "Tokens"]) {
      expect(all).not.toContain(`${gone}\\n`);
    }
    expect(all).toContain("commits, accept rate, cache reads and tokens: `/claude-usage models`");
    expect(all).toContain("🥇 <@U1>  $142.10 · 31 sessions · 4.1k lines");
    expect(all).toContain("🥈 🔑 deploy-bot  $120.33");
    expect(all).toContain("…and 2 more");
    expect(all).toContain(
      "*By model*   sonnet\u20114\u20115 $216 (60%) · opus\u20114\u20111 $142 (40%)",
    );
    expect(all).not.toMatch(/sonnet-|opus-/);
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

  describe("adoption", () => {
    const week = () =>
      report(
        [
          { email: "maria@example.com", models: [[OPUS, 100]] },
          { email: "new@example.com", models: [[OPUS, 50]] },
        ],
        [
          { email: "maria@example.com", models: [[OPUS, 100]] },
          { email: "gone@example.com", models: [[OPUS, 10]] },
          { email: "away@example.com", models: [[OPUS, 5]] },
        ],
        "last 7 days",
      );
    const known = (r: UsageReport): UsageReport => ({
      ...r,
      adoption: {
        newUsers: ["new@example.com"],
        newKnown: true,
        stoppedUsers: r.adoption?.stoppedUsers ?? [],
      },
    });
    const names = (a: Pick<ActorRow, "key">) =>
      a.key === "user:new@example.com" ? { name: "New", mention: "<@UNEW>" } : undefined;

    it("a channel gets who started by name and who stopped as a count", () => {
      const m = renderOrgReport(known(week()), { now, names, audience: "channel" });
      expect(text(m)).toContain(
        "👋 1 started using Claude Code: <@UNEW>\\n2 people active the week before were not in this one",
      );
      expect(text(m)).not.toContain("gone@example.com");
      expect(text(m)).not.toContain("away@example.com");
    });

    it("a channel is the default audience", () => {
      expect(text(renderOrgReport(known(week()), { now }))).not.toContain("gone@example.com");
    });

    it("a private view names who stopped", () => {
      const m = renderOrgReport(known(week()), { now, audience: "private" });
      expect(text(m)).toContain(
        "2 people active the week before were not in this one: gone@example.com, away@example.com",
      );
    });

    it("without a first-seen record, nobody is called new", () => {
      const m = renderOrgReport(week(), { now, audience: "private" });
      expect(text(m)).not.toContain("started using");
      expect(text(m)).toContain("2 people active the week before were not in this one");
    });

    it("a day says nothing of adoption", () => {
      const day = report(
        [{ email: "new@example.com", models: [[OPUS, 50]] }],
        [{ email: "gone@example.com", models: [[OPUS, 10]] }],
      );
      const m = renderOrgReport(known(day), { now, audience: "private" });
      expect(text(m)).not.toContain("started using");
      expect(text(m)).not.toContain("not in this one");
    });

    it("a calendar month says month", () => {
      const month = report(
        [{ email: "maria@example.com", models: [[OPUS, 100]] }],
        [{ email: "gone@example.com", models: [[OPUS, 10]] }],
        "2026-10",
      );
      expect(text(renderOrgReport(month, { now }))).toContain(
        "1 person active the month before was not in this one",
      );
    });
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

  it("an empty final day says so plainly, without a Share button", () => {
    const later = new Date("2026-11-27T09:00:00Z");
    const m = renderOrgReport(report([]), {
      now: later,
      share: { actionId: "share_report", value: "x" },
    });
    expect(text(m)).toContain("No Claude Code activity on Tue 24 Nov.");
    expect(m.text).toBe("Claude Code on Tue 24 Nov: no activity");
    expect(m.blocks.some((b) => b.type === "actions")).toBe(false);
  });

  it("an empty day whose data is not final says nothing is recorded yet, not 'no activity'", () => {
    // 9 h after yesterday ended: Anthropic's numbers for it may still be arriving.
    const m = renderOrgReport(report([]), { now });
    expect(text(m)).toContain(
      "Nothing recorded yet for Tue 24 Nov: Anthropic's usage data arrives an hour or more late and fills in over the next day. Check again later.",
    );
    expect(text(m)).not.toContain("No Claude Code activity");
    expect(m.text).toBe("Claude Code on Tue 24 Nov: nothing recorded yet");
  });

  it("an empty today names today; this month on the 1st is the same", () => {
    const first = new Date("2026-12-01T08:00:00Z");
    for (const periodText of ["today", "this month"]) {
      const period = parsePeriod(periodText, { now: first, timeZone: "UTC" });
      const empty = buildReport({ period, current: mergeCompact([]), generatedAt: first });
      const m = renderOrgReport(empty, { now: first });
      expect(text(m)).toContain("Nothing recorded yet for today (Tue 1 Dec)");
      expect(m.text).not.toContain("no activity");
    }
  });

  it("an empty week whose last day is not final says which days had none and which are not in", () => {
    const r = report([], [], "last 7 days");
    const m = renderOrgReport(r, { now });
    expect(text(m)).toContain(
      "No Claude Code activity on Wed 18 – Mon 23 Nov; nothing recorded yet for Tue 24 Nov",
    );
  });

  it("the configured final delay decides: after it, an empty yesterday is 'no activity'", () => {
    const m = renderOrgReport(report([]), { now, finalAfterMs: 3_600_000 });
    expect(text(m)).toContain("No Claude Code activity on Tue 24 Nov.");
  });

  it("a report that includes today says its numbers will grow", () => {
    const r = report(
      [{ email: "ada@example.com", sessions: 2, models: [[OPUS, 300]] }],
      [],
      "today",
    );
    const m = renderOrgReport(r, { now });
    expect(text(m)).toContain("Today (Wed 25 Nov) isn't over (UTC)");
    expect(text(m)).toContain("these numbers will grow");
    expect(text(renderOrgReport(sample(), { now }))).not.toContain("will grow");
  });

  it.each(["today", "this month"])(
    "`%s` isn't over: the headline says “so far”, compares nothing, and the ⏳ note is right under it",
    (periodText) => {
      const today = [
        { email: "ada@example.com", sessions: 2, models: [[OPUS, 300]] },
        { email: "bob@example.com", sessions: 1, models: [[OPUS, 100]] },
      ] satisfies RecordSpec[];
      // The baseline was a whole (bigger) day: a change against it would be a false drop.
      const before = [
        { email: "ada@example.com", sessions: 9, models: [[OPUS, 5000]] },
      ] satisfies RecordSpec[];
      const m = renderOrgReport(report(today, before, periodText), { now });
      const blocks = m.blocks.map((b) => JSON.stringify(b));
      expect(blocks[1]).toMatch(/spent so far/);
      expect(blocks[2]).toContain("isn't over (UTC)");
      expect(blocks[2]).toContain("these numbers will grow");
      // Said once, under the headline, not again above the footer.
      expect(text(m).match(/will grow/g)).toHaveLength(1);
      for (const said of [blocks[1], blocks[3], m.text]) {
        expect(said).not.toMatch(/[▲▼]|\bvs\b|up from|\(=\)/);
      }
      expect(m.text).toMatch(/: \$[\d.,]+ spent so far/);
    },
  );

  it("a finished day is still compared with its baseline, with no ⏳ note", () => {
    const m = renderOrgReport(
      report(
        [{ email: "ada@example.com", sessions: 2, models: [[OPUS, 300]] }],
        [{ email: "ada@example.com", sessions: 9, models: [[OPUS, 5000]] }],
      ),
      { now },
    );
    expect(m.text).toMatch(/spent, ▼ \d+% vs Tue 17 Nov/);
    expect(text(m)).not.toContain("so far");
  });

  it("the numbers that left the report are in `models`, model names unbroken", () => {
    const all = text(renderModels(sample(), { now }));
    expect(all).toContain("Accept rate\\n*90%*");
    expect(all).toContain("Lines removed\\n*0*");
    expect(all).toContain("Commits\\n*3*");
    expect(all).toContain("API keys\\n*1*  ▲ 1");
    expect(all).toContain("Tokens\\n*0*");
    expect(all).not.toMatch(/sonnet-|opus-/);
  });

  it("puts no sparkline in a code span", () => {
    const m = renderOrgReport(orgOf(50, "last 14 days"), { now });
    expect(text(m)).not.toMatch(/`[▁▂▃▄▅▆▇█]+`/);
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
  it("tells a person their spend first, then their work, rank and share of the org", () => {
    const m = renderPersonalReport(sample(), "user:maria@example.com", {
      now,
      greeting: "Good morning!",
      hint: "`/claude-usage dm off` to stop these",
    });
    const [first, context] = m.blocks;
    // No usual day known: no comparison (not with the day before, which may have been a Sunday).
    expect(JSON.stringify(first)).toContain(
      "Good morning! Yesterday your Claude Code cost an estimated *$142.10* — *31 sessions*, *4,100 lines* added, *3 commits*, *1 PR*.",
    );
    expect(JSON.stringify(context)).toContain(
      "You're #1 of 3 in your org · 40% of the org's spend · 90% of edits accepted · mostly opus-4-1",
    );
    expect(m.text).toBe("Yesterday: $142.10 · 31 Claude Code sessions, 4.1k lines");
    expect(limitViolations(m)).toEqual([]);
  });

  it("compares the day with the person's usual day, in words", () => {
    const said = (usual: number) =>
      renderPersonalReport(sample(), "user:maria@example.com", {
        now,
        usual: { cents: cents(usual), activeDays: 12 },
      });
    expect(said(761).text).toBe(
      "Yesterday: $142.10, 19× your usual day ($7.61) · 31 Claude Code sessions, 4.1k lines",
    );
    expect(said(13_000).text).toBe(
      "Yesterday: $142.10, about your usual $130 · 31 Claude Code sessions, 4.1k lines",
    );
    expect(text(said(4_700))).toContain(
      "Yesterday your Claude Code cost an estimated *$142.10*, 3× your usual day ($47) — ",
    );
    expect(text(said(10_000))).toContain("*$142.10*, more than your usual $100 — ");
    expect(text(said(20_000))).toContain("*$142.10*, less than your usual $200 — ");
    expect(text(said(40_000))).toContain("*$142.10*, under half your usual $400 — ");
  });

  it("over several days, compares the spend per day used", () => {
    const week = report(
      [{ email: "maria@example.com", sessions: 5, models: [[OPUS, 6000]] }],
      [],
      "last 7 days",
    );
    const me = week.actors[0];
    if (!me) throw new Error("no actor");
    const fiveDays = { ...week, actors: [{ ...me, activeDays: 5 }] };
    const m = renderPersonalReport(fiveDays, "user:maria@example.com", {
      now,
      usual: { cents: cents(1100), activeDays: 9 },
    });
    expect(text(m)).toContain(
      "your Claude Code cost an estimated *$60.00*, $12.00 a day over 5 active days, about your usual $11 — ",
    );
    // The lock-screen line does not compare a week's total with a day.
    expect(m.text).toBe(
      "In the last 7 days (Wed 18 – Tue 24 Nov): $60.00 · 5 Claude Code sessions, 0 lines",
    );
  });

  it("today with nothing for the person says it is not in yet, not 'no activity'", () => {
    const r = report(
      [{ email: "ada@example.com", sessions: 2, models: [[OPUS, 300]] }],
      [],
      "today",
    );
    const m = renderPersonalReport(r, "user:bob@example.com", { now });
    expect(m.text).toBe(
      "Nothing recorded for you yet for today (Wed 25 Nov): Anthropic's usage data arrives an hour or more late and fills in over the next day. Check again later.",
    );
  });

  it("someone with nothing in the period is told their last day and a period that has it", () => {
    const m = renderPersonalReport(sample(), "user:nobody@example.com", {
      now,
      lastActive: { day: "2026-11-13", lookbackDays: 90 },
    });
    expect(text(m)).toContain(
      "Your last day with Claude Code was *Fri 13 Nov*: try `/claude-usage me last 30 days`.",
    );
    const recent = renderPersonalReport(sample(), "user:nobody@example.com", {
      now,
      lastActive: { day: "2026-11-20", lookbackDays: 90 },
    });
    expect(text(recent)).toContain("try `/claude-usage me last 7 days`");
  });

  it("someone with nothing in 90 days either is told why that may be", () => {
    const m = renderPersonalReport(sample(), "user:nobody@example.com", {
      now,
      lastActive: { day: null, lookbackDays: 90 },
    });
    expect(text(m)).toContain("Nothing in the 90 days before either.");
    expect(text(m)).toContain("through a claude.ai seat");
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
  it("help is concrete examples and the periods in one line; a problem comes first", () => {
    const m = renderHelp({ problem: `I don't understand the period "fortnight".` });
    const said = m.blocks.map((b) => JSON.stringify(b));
    expect(said[0]).toContain("I don't understand the period");
    expect(text(m)).toContain("`/claude-usage` — yesterday, whole org");
    expect(text(m)).toContain("`/claude-usage top sessions last week` — who ran the most");
    expect(text(m)).toContain("Periods: today, yesterday, 2026-11-02,");
    expect(text(m)).not.toContain("|"); // no grammar to decode: every line types as it stands
    expect(m.blocks).toHaveLength(3);
    expect(limitViolations(m)).toEqual([]);
  });

  it("a typo's reply is only the question, with the whole command to copy", () => {
    const m = renderHelp({ problem: `I don't know "mee".`, suggestion: "me" });
    expect(m.text).toBe("Did you mean `/claude-usage me`?");
    expect(m.blocks).toHaveLength(1);
    expect(text(m)).toContain("Did you mean `/claude-usage me`?");
  });

  it("errors carry the reference id; refusals point to `me`", () => {
    const plain = renderError({ summary: "Usage is unavailable right now.", ref: "a1b2c3" });
    expect(plain.text).toBe("Usage is unavailable right now. — ref `a1b2c3`");
    expect(plain.blocks).toHaveLength(1);
    const admin = renderError({
      summary: "Usage is unavailable.",
      ref: "a1b2c3",
      detail: "the key <x>",
    });
    expect(text(admin)).toContain("For admins: the key &lt;x&gt;");
    expect(renderNotAllowed().text).toContain("/claude-usage me");
  });

  it("the admins' DM: what broke on the lock screen, the whole detail and the ref in the message", () => {
    const dm = renderAdminAlert({
      ref: "a1b2c3",
      detail:
        "the Anthropic admin key was rejected (401). An admin should check ANTHROPIC_ADMIN_KEY <x>.",
      during: "`/claude-usage me` by <@UADA>",
      quietFor: "the next hour",
    });
    expect(dm.text).toBe(
      "Claude Code usage needs an admin: the Anthropic admin key was rejected (401) — ref a1b2c3",
    );
    expect(readBlocks(dm.blocks)).toContain(
      "*Claude Code usage needs an admin*\\nThe Anthropic admin key was rejected (401). An admin should check ANTHROPIC_ADMIN_KEY &lt;x&gt;.",
    );
    expect(readBlocks(dm.blocks)).toContain(
      "ref `a1b2c3` · `/claude-usage me` by <@UADA> · more of the same in the next hour go to the logs only",
    );
  });
});

describe("budgetLine (a person's DM)", () => {
  it("says the month, the spend against the budget and the pace, marked from 80 % and over 100 %", () => {
    const line = (spent: number) =>
      budgetLine(
        budgetStatus(cents(spent), cents(500_00), "2026-11-24", PERSONAL_BUDGET_THRESHOLDS),
      );
    expect(line(200_00)).toBe(
      "November so far: *$200.00* of your $500 budget (40%) · on pace for $250",
    );
    expect(line(410_00)).toMatch(/^💸 November so far: \*\$410\.00\* of your \$500 budget \(82%\)/);
    expect(line(520_00)).toMatch(/^🚨 November so far/);
  });
});

describe("seatsLine (the monthly digest's seats)", () => {
  const november = { from: "2026-11-01" };
  it("says who used Claude Code in the month and who never has", () => {
    expect(seatsLine({ members: 120, active: 83, never: 21 }, november)).toBe(
      ":busts_in_silhouette: 83 of 120 members used Claude Code in November; 21 never have",
    );
  });
  it("one who never has; none who never has is left unsaid; one member is singular", () => {
    expect(seatsLine({ members: 5, active: 4, never: 1 }, november)).toMatch(/; 1 never has$/);
    expect(seatsLine({ members: 5, active: 5, never: 0 }, november)).toMatch(
      /5 of 5 members used Claude Code in November$/,
    );
    expect(seatsLine({ members: 1, active: 0, never: 1 }, november)).toContain(
      "0 of 1 member used",
    );
  });
});

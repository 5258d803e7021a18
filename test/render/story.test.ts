import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { PLAIN, type StoryStyle, storySentence } from "../../src/render/story.js";
import { aggregateDay } from "../../src/usage/day-builder.js";
import { comparisonPeriod, parsePeriod } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";

/* The headline sentence, read as a person reads it, from plain spend per person. */

const SONNET = "claude-sonnet-4-5-20250929";
const now = new Date("2026-11-25T10:00:00Z");
const period = parsePeriod("2026-11-24", { now, timeZone: "UTC" });

/** Spend per actor (cents) on Tue 24 Nov and, when given, on Tue 17 Nov; "key:x" is an API key. */
function report(today: Record<string, number>, before?: Record<string, number>) {
  const day = (date: string, spend: Record<string, number>) =>
    aggregateDay(
      date,
      parseRecords(
        Object.entries(spend).map(([who, cents]) =>
          apiRecord({
            day: date,
            ...(who.startsWith("key:") ? { apiKey: who.slice(4) } : { email: who }),
            sessions: 1,
            models: [[SONNET, cents]],
          }),
        ),
      ).records,
    );
  return buildReport({
    period,
    current: day("2026-11-24", today),
    previousPeriod: before ? comparisonPeriod(period) : null,
    previous: before ? day("2026-11-17", before) : null,
    generatedAt: now,
  });
}

const MRKDWN: StoryStyle = {
  name: (a) => (a.type === "api_key" ? `\`${a.name}\`` : `<${a.name}>`),
  strong: (t) => `*${t}*`,
};
const displayNames: StoryStyle = {
  ...PLAIN,
  name: (a) => PLAIN.name(a) ?? (a.name === "maria@x.com" ? "Maria" : undefined),
};

describe("storySentence", () => {
  const whale = report(
    { "maria@x.com": 119_500, "sam@x.com": 20_000, "li@x.com": 21_800 },
    { "maria@x.com": 10_000, "sam@x.com": 30_000, "li@x.com": 33_300 },
  );

  it("a whale day names the person who drove it, their share, and what everyone else did", () => {
    expect(storySentence(whale, now, MRKDWN)).toBe(
      "*$1,613* spent, ▲ 120% vs Tue 17 Nov — one person drove it: <maria@x.com>, $1,195 (74%). Everyone else: $418, ▼ 34%.",
    );
  });

  it("the lock-screen line says the same in plain words, by display name, never by email", () => {
    expect(storySentence(whale, now, displayNames)).toBe(
      "$1,613 spent, ▲ 120% vs Tue 17 Nov — one person drove it: Maria, $1,195 (74%). Everyone else: $418, ▼ 34%.",
    );
    const anonymous = storySentence(whale, now, PLAIN);
    expect(anonymous).toContain("one person drove it: $1,195 (74%)");
    expect(anonymous).not.toMatch(/@|maria/);
  });

  it("one person who explains most of a change is named with their change", () => {
    const r = report(
      { "a@x.com": 9_000, "b@x.com": 8_000, "c@x.com": 8_000, "d@x.com": 30_000 },
      { "a@x.com": 9_000, "b@x.com": 8_000, "c@x.com": 8_000, "d@x.com": 10_000 },
    );
    expect(storySentence(r, now, MRKDWN)).toContain(
      "▲ 57% vs Tue 17 Nov — one person drove it: <d@x.com>, $300 (55%)",
    );
    const spread = report(
      { "a@x.com": 9_000, "b@x.com": 8_000, "c@x.com": 8_000, "d@x.com": 9_000, "e@x.com": 6_000 },
      { "a@x.com": 9_000, "b@x.com": 8_000, "c@x.com": 8_000, "d@x.com": 1_000, "e@x.com": 6_000 },
    );
    expect(storySentence(spread, now, MRKDWN)).toBe(
      "*$400* spent, ▲ 25% vs Tue 17 Nov — most of the rise is one person: <d@x.com>, $90 (▲ $80). Everyone else: $310, the same.",
    );
  });

  it("two movers: the largest rise and the largest drop, by name", () => {
    const r = report(
      { "a@x.com": 15_000, "b@x.com": 5_000, "c@x.com": 10_000, "d@x.com": 10_000 },
      { "a@x.com": 10_000, "b@x.com": 10_000, "c@x.com": 10_000, "d@x.com": 10_000 },
    );
    expect(storySentence(r, now, MRKDWN)).toBe(
      "*$400* spent, the same as Tue 17 Nov — biggest rise: <a@x.com>, ▲ $50; biggest drop: <b@x.com>, ▼ $50.",
    );
  });

  it("a flat day says no one moved much", () => {
    const r = report(
      { "a@x.com": 10_100, "b@x.com": 9_900, "c@x.com": 10_000 },
      { "a@x.com": 10_000, "b@x.com": 10_000, "c@x.com": 9_800 },
    );
    expect(storySentence(r, now, MRKDWN)).toBe(
      "*$300* spent, ▲ 1% vs Tue 17 Nov; no one moved much.",
    );
  });

  it("an API key is named as a key, also on the lock screen", () => {
    const r = report({ "key:ci-bot": 50_000, "a@x.com": 10_000 }, { "a@x.com": 10_000 });
    expect(storySentence(r, now, PLAIN)).toBe(
      "$600 spent, ▲ 500% vs Tue 17 Nov — one API key drove it: ci-bot, $500 (83%). Everyone else: $100, the same.",
    );
  });

  it("spend from nothing, and a day without a baseline", () => {
    expect(storySentence(report({ "a@x.com": 500, "b@x.com": 500 }, {}), now, MRKDWN)).toBe(
      "*$10* spent, up from nothing on Tue 17 Nov — one person drove it: <a@x.com>, $5 (50%). Everyone else: $5.",
    );
    expect(
      storySentence(report({ "a@x.com": 3_000, "b@x.com": 1_000, "c@x.com": 900 }), now, MRKDWN),
    ).toBe("*$49* spent — one person drove it: <a@x.com>, $30 (61%). Everyone else: $19.");
    expect(
      storySentence(report({ "a@x.com": 2_900, "b@x.com": 2_500, "c@x.com": 2_000 }), now, MRKDWN),
    ).toBe("*$74* spent by 3 people; the largest was <a@x.com>, $29 (39%).");
  });

  it("an empty day says so, with what the baseline had", () => {
    expect(storySentence(report({}), now, MRKDWN)).toBe("No Claude Code activity on Tue 24 Nov.");
    expect(storySentence(report({}, { "a@x.com": 900 }), now, MRKDWN)).toBe(
      "No Claude Code activity on Tue 24 Nov ($9 on Tue 17 Nov).",
    );
  });
});

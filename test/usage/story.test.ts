import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { aggregateDay } from "../../src/usage/day-builder.js";
import { parsePeriod, previousPeriod } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";
import { storyOf } from "../../src/usage/story.js";

/* The story of a report's spend, from plain inputs: who spent what, now and in the baseline. */

const SONNET = "claude-sonnet-4-5-20250929";
const period = parsePeriod("2026-11-24", {
  now: new Date("2026-11-25T10:00:00Z"),
  timeZone: "UTC",
});

/** Spend per actor (cents), now and before; "key:x" is an API key. */
function report(now: Record<string, number>, before?: Record<string, number>) {
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
    current: day("2026-11-24", now),
    previousPeriod: before ? previousPeriod(period) : null,
    previous: before ? day("2026-11-23", before) : null,
  });
}

describe("storyOf", () => {
  it("an empty day is quiet", () => {
    expect(storyOf(report({}))).toEqual({ kind: "quiet" });
  });

  it("a whale day: one person is most of the spend, and everyone else is told apart", () => {
    const story = storyOf(
      report(
        { "maria@x.com": 119_500, "sam@x.com": 20_000, "li@x.com": 21_800 },
        { "maria@x.com": 10_000, "sam@x.com": 30_000, "li@x.com": 33_300 },
      ),
    );
    expect(story).toMatchObject({
      kind: "driver",
      because: "share",
      driver: { actor: { name: "maria@x.com" }, costCents: 119_500, deltaCents: 109_500 },
      others: { costCents: 41_800, previousCents: 63_300, actors: 2 },
    });
    expect(story.kind === "driver" && story.share).toBeCloseTo(0.7407, 3);
  });

  it("one person explains most of a change without being most of the spend", () => {
    const before = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`p${i}@x.com`, 10_000]),
    );
    const now = { ...before, "p3@x.com": 40_000 }; // +30,000 of a +30,000 change; 31% share
    const story = storyOf(report(now, before));
    expect(story).toMatchObject({
      kind: "driver",
      because: "change",
      driver: { actor: { name: "p3@x.com" }, deltaCents: 30_000 },
    });
  });

  it("a flat day: nobody moved enough to be news", () => {
    const spend = { "a@x.com": 10_000, "b@x.com": 10_000, "c@x.com": 10_000 };
    const story = storyOf(report({ ...spend, "a@x.com": 10_300 }, spend));
    expect(story).toEqual({ kind: "movers", up: null, down: null });
  });

  it("two movers: the largest rise and the largest fall, each material", () => {
    const before = { "a@x.com": 10_000, "b@x.com": 10_000, "c@x.com": 10_000, "d@x.com": 10_000 };
    const story = storyOf(
      report({ "a@x.com": 14_500, "b@x.com": 5_000, "c@x.com": 10_000, "d@x.com": 9_000 }, before),
    );
    expect(story).toMatchObject({
      kind: "movers",
      up: { actor: { name: "a@x.com" }, deltaCents: 4_500 },
      down: { actor: { name: "b@x.com" }, deltaCents: -5_000 },
    });
  });

  it("an API key can drive a day too", () => {
    const story = storyOf(report({ "key:ci-bot": 50_000, "a@x.com": 10_000 }));
    expect(story).toMatchObject({
      kind: "driver",
      driver: { actor: { type: "api_key", name: "ci-bot" } },
    });
  });

  it("a single actor is not 'one person drove it': there is no one else", () => {
    expect(storyOf(report({ "a@x.com": 5_000 }, { "a@x.com": 1_000 }))).toMatchObject({
      kind: "movers",
      up: { actor: { name: "a@x.com" }, deltaCents: 4_000 },
    });
  });
});

import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { compactDay } from "../../src/usage/day-builder.js";
import {
  median,
  usualDay,
  usualDays,
  usualWindow,
  versusUsual,
} from "../../src/usage/usual-day.js";

const SONNET = "claude-sonnet-4-5-20250929";
const spend = (...cents: number[]) => cents.map((costCents) => ({ costCents, sessions: 1 }));

function part(date: string, ...specs: RecordSpec[]) {
  return compactDay(date, parseRecords(specs.map((s) => apiRecord({ ...s, day: date }))).records);
}

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([])).toBeNaN();
  });
});

describe("usualDay", () => {
  it("no active days: no usual day", () => {
    expect(usualDay([])).toBeNull();
    expect(usualDay([{ costCents: 0, sessions: 0 }])).toBeNull();
  });

  it("one active day is not a usual yet; it is when asked for at least one", () => {
    expect(usualDay(spend(1100))).toBeNull();
    expect(usualDay(spend(1100), 1)).toEqual({ cents: 1100, activeDays: 1 });
  });

  it("an even count: the mean of the two middle days", () => {
    expect(usualDay(spend(900, 1300, 100, 5000))).toEqual({ cents: 1100, activeDays: 4 });
  });

  it("one heavy day does not move it", () => {
    expect(usualDay(spend(1000, 1100, 1200, 90_000))?.cents).toBe(1150);
  });

  it("a day used without spend counts as $0; a day with nothing at all is not a day used", () => {
    const days = [{ costCents: 0, sessions: 2 }, { costCents: 0, sessions: 0 }, ...spend(600, 800)];
    expect(usualDay(days)).toEqual({ cents: 600, activeDays: 3 });
  });

  it("someone new this week has too few days in the four weeks before for a usual", () => {
    expect(usualDay(spend(2400, 800))).toBeNull();
  });
});

describe("usualWindow", () => {
  it("is the 28 days before the period, not including its first day", () => {
    const w = usualWindow("2026-11-24");
    expect([w.from, w.to, w.days.length]).toEqual(["2026-10-27", "2026-11-23", 28]);
  });
});

describe("usualDays", () => {
  const parts = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"].map((day, i) =>
    part(
      day,
      { email: "ada@example.com", models: [[SONNET, 1000 + i * 100]] },
      { apiKey: "ci-bot", models: [[SONNET, 5000]] },
      ...(i < 2 ? [{ email: "new@example.com", models: [[SONNET, 50]] } as RecordSpec] : []),
    ),
  );

  it("reads every person's usual day in one pass; API keys have none", () => {
    expect(usualDays(parts)).toEqual(
      new Map([["user:ada@example.com", { cents: 1150, activeDays: 4 }]]),
    );
  });

  it("only the people asked for", () => {
    const only = new Set(["user:new@example.com"]);
    expect(usualDays(parts, { only, minActiveDays: 1 })).toEqual(
      new Map([["user:new@example.com", { cents: 50, activeDays: 2 }]]),
    );
  });
});

describe("versusUsual", () => {
  it("says about, more, less, under half, or how many times", () => {
    expect(versusUsual(1240, 1100)).toEqual({ kind: "about" });
    expect(versusUsual(900, 1100)).toEqual({ kind: "about" });
    expect(versusUsual(1500, 1100)).toEqual({ kind: "more" });
    expect(versusUsual(700, 1100)).toEqual({ kind: "less" });
    expect(versusUsual(500, 1100)).toEqual({ kind: "under-half" });
    expect(versusUsual(3300, 1100)).toEqual({ kind: "times", times: 3 });
    expect(versusUsual(2750, 1100)).toEqual({ kind: "times", times: 2.5 });
    expect(versusUsual(50_000, 1100)).toEqual({ kind: "times", times: 45 });
  });

  it("a usual of $0 is matched only by $0", () => {
    expect(versusUsual(0, 0)).toEqual({ kind: "about" });
    expect(versusUsual(300, 0)).toEqual({ kind: "more" });
  });
});

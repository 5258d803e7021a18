import { describe, expect, it } from "vitest";
import { parseRecords } from "../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import type { UsageAggregate } from "../../src/usage/aggregate.js";
import { type CompactAggregate, mergeCompact } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { periodBetween, shiftDay } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";
import { MAX_SPAN_DAYS, mergeSpan, spanCover } from "../../src/usage/spans.js";

/*
 * A period merged from spans must be the period merged day by day: the same report to the cent,
 * and the same order everywhere a tie could show it (actors, their terminals and models).
 */

const FIRST = "2026-07-30";
const DAYS = Array.from({ length: 75 }, (_, i) => shiftDay(FIRST, i));
// Days with no usage at all (a holiday, an outage): parts with no actors.
const EMPTY = new Set([DAYS[3], DAYS[31], DAYS[32], DAYS[50]]);
const org = createSyntheticOrg({ users: 150, seed: 11 });
const parts = new Map<string, CompactAggregate>(
  DAYS.map((day) => [
    day,
    compactDay(
      day,
      EMPTY.has(day) ? [] : parseRecords(org.records(day, 0, Number.MAX_SAFE_INTEGER)).records,
    ),
  ]),
);
const part = (day: string) => parts.get(day) as CompactAggregate;

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Everything order can show: actors in order, each with its terminals and model keys in order. */
function ordered(agg: UsageAggregate) {
  return {
    actors: [...agg.actors.values()].map((a) => ({
      ...a,
      terminals: [...a.terminals],
      modelKeys: Object.keys(a.modelCosts),
    })),
    models: [...agg.models.keys()],
    terminals: [...agg.terminals.keys()],
    tools: [...agg.tools.keys()],
  };
}

function fromSpans(days: readonly string[], spannable: (day: string) => boolean) {
  const runs = spanCover(days, spannable);
  return mergeCompact([mergeSpan(runs.map((run) => mergeSpan(run.map(part))))]);
}

describe("spanCover", () => {
  it("splits days into aligned power-of-two spans and single days, in order", () => {
    const next = random(1);
    for (let n = 0; n < 300; n++) {
      const start = Math.floor(next() * DAYS.length);
      const days = DAYS.slice(start, start + 1 + Math.floor(next() * 60));
      const blocked = new Set(days.filter(() => next() < 0.1));
      const runs = spanCover(days, (d) => !blocked.has(d));
      expect(runs.flat()).toEqual(days);
      for (const run of runs) {
        const size = run.length;
        expect(size & (size - 1)).toBe(0);
        expect(size).toBeLessThanOrEqual(MAX_SPAN_DAYS);
        if (size > 1) {
          const index = Date.parse(`${run[0]}T00:00:00Z`) / 86_400_000;
          expect(index % size).toBe(0);
          expect(run.some((d) => blocked.has(d))).toBe(false);
        }
      }
    }
  });

  it("a 30-day window is a few parts, and overlapping windows share their spans", () => {
    const window = DAYS.slice(10, 40);
    const runs = spanCover(window, () => true);
    expect(runs.length).toBeLessThanOrEqual(8);
    const later = spanCover(DAYS.slice(11, 41), () => true);
    const shared = later.filter((r) => runs.some((s) => s.join() === r.join()));
    expect(shared.flat().length).toBeGreaterThanOrEqual(16);
  });

  it("leaves days that do not follow one another as single days", () => {
    const gappy = [DAYS[0], DAYS[1], DAYS[3], DAYS[4], DAYS[5], DAYS[6]] as string[];
    const runs = spanCover(gappy, () => true);
    expect(runs.flat()).toEqual(gappy);
    for (const run of runs.filter((r) => r.length > 1)) {
      expect(run.every((d, i) => i === 0 || d === shiftDay(run[i - 1] as string, 1))).toBe(true);
    }
  });
});

describe("a period merged from spans", () => {
  it("equals the day-by-day merge for random windows, to the cent and in order", () => {
    const next = random(2);
    for (let n = 0; n < 60; n++) {
      // 1-day windows, windows across span edges and empty days, up to two months.
      const length = n < 5 ? 1 : 1 + Math.floor(next() * 62);
      const start = Math.floor(next() * (DAYS.length - length + 1));
      const days = DAYS.slice(start, start + length);
      const blocked = new Set(days.filter(() => next() < 0.15));
      const byDay = mergeCompact(days.map(part));
      const bySpan = fromSpans(days, (d) => !blocked.has(d));
      expect(ordered(bySpan)).toEqual(ordered(byDay));
      const period = periodBetween(days[0] as string, days.at(-1) as string);
      const generatedAt = new Date("2026-12-01T00:00:00Z");
      expect(buildReport({ period, current: bySpan, generatedAt })).toEqual(
        buildReport({ period, current: byDay, generatedAt }),
      );
    }
  });

  it("equals it with a baseline too, and with days missing from the window", () => {
    const days = DAYS.slice(20, 50).filter((_, i) => i % 7 !== 3);
    const before = DAYS.slice(0, 20);
    const period = periodBetween(DAYS[20] as string, DAYS[49] as string);
    const previousPeriod = periodBetween(DAYS[0] as string, DAYS[19] as string);
    const generatedAt = new Date("2026-12-01T00:00:00Z");
    const bySpan = buildReport({
      period,
      current: fromSpans(days, () => true),
      previousPeriod,
      previous: fromSpans(before, () => true),
      generatedAt,
    });
    const byDay = buildReport({
      period,
      current: mergeCompact(days.map(part)),
      previousPeriod,
      previous: mergeCompact(before.map(part)),
      generatedAt,
    });
    expect(bySpan).toEqual(byDay);
    expect(bySpan.totals.costCents).toBeGreaterThan(0);
  });

  it("spans of spans are the same span", () => {
    const days = DAYS.slice(32, 64);
    const flat = mergeSpan(days.map(part));
    const nested = mergeSpan([
      mergeSpan([mergeSpan(days.slice(0, 8).map(part)), mergeSpan(days.slice(8, 16).map(part))]),
      mergeSpan(days.slice(16).map(part)),
    ]);
    expect(nested).toEqual(flat);
    expect(flat.days).toEqual(days);
    expect(flat.daily.map((d) => d.day)).toEqual(days);
  });

  it("an empty day alone, and no parts at all, merge to nothing", () => {
    const empty = mergeCompact([mergeSpan([part(DAYS[3] as string)])]);
    expect(empty.actors.size).toBe(0);
    expect(empty.totals.costMicros).toBe(0);
    expect(mergeSpan([]).actors.keys).toEqual([]);
  });
});

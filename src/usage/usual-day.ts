import { ACTOR_TYPES, type CompactAggregate } from "./compact.js";
import { COLUMN, WIDTH } from "./metrics.js";
import { type Cents, microsToCents, storedMicros, cents as toCents } from "./money.js";
import { type Period, periodBetween, shiftDay } from "./periods.js";

/*
 * A person's usual day: what their numbers are compared with, instead of the day before (which
 * may have been a Sunday, or a day off). The median spend of the days they used Claude Code in
 * the four weeks before the period: one heavy day does not move it, and days off do not pull it
 * down.
 */

export const USUAL_WINDOW_DAYS = 28;
/** Fewer active days than this in the window is no "usual" yet (someone who just started). */
export const MIN_USUAL_DAYS = 3;

export interface DaySpend {
  costCents: number;
  sessions: number;
}

export interface UsualDay {
  /** Median spend of the active days. */
  cents: Cents;
  /** Active days in the window it was read from. */
  activeDays: number;
}

/** The 28 days before `firstDay` (not including it): where a usual day is read from. */
export function usualWindow(firstDay: string): Period {
  return periodBetween(shiftDay(firstDay, -USUAL_WINDOW_DAYS), shiftDay(firstDay, -1));
}

/** The middle value; the mean of the two middle ones for an even count. NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The usual day over a person's days in the window (days they do not appear on are not passed).
 * A day is active when it has a session or any spend; an active day without spend counts as $0.
 * Null with fewer than `minActiveDays` active days.
 */
export function usualDay(
  days: readonly DaySpend[],
  minActiveDays = MIN_USUAL_DAYS,
): UsualDay | null {
  const active = days.filter((d) => d.sessions > 0 || d.costCents > 0);
  if (active.length === 0 || active.length < minActiveDays) return null;
  return { cents: toCents(median(active.map((d) => d.costCents))), activeDays: active.length };
}

/**
 * Every person's usual day from the window's day parts (people only), or only the people in
 * `only`. One pass over each day's actor columns, whatever the number of people asked for.
 */
export function usualDays(
  parts: readonly CompactAggregate[],
  options: { only?: ReadonlySet<string>; minActiveDays?: number } = {},
): Map<string, UsualDay> {
  const byPerson = new Map<string, DaySpend[]>();
  for (const part of parts) {
    const { keys, types, data } = part.actors;
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row] as string;
      if (ACTOR_TYPES[types[row] ?? 2] !== "user" || (options.only && !options.only.has(key)))
        continue;
      const day = {
        costCents: microsToCents(storedMicros(data[row * WIDTH + COLUMN.costMicros] ?? 0)),
        sessions: data[row * WIDTH + COLUMN.sessions] ?? 0,
      };
      const days = byPerson.get(key);
      if (days) days.push(day);
      else byPerson.set(key, [day]);
    }
  }
  const out = new Map<string, UsualDay>();
  for (const [key, days] of byPerson) {
    const usual = usualDay(days, options.minActiveDays);
    if (usual) out.set(key, usual);
  }
  return out;
}

/** How a spend compares with the usual day, in steps that words can say. */
export type VersusUsual =
  | { kind: "about" | "more" | "less" | "under-half" }
  | { kind: "times"; times: number };

/** "about" within −20 % … +25 %; "times" from twice the usual; a $0 usual is "about" only at $0. */
export function versusUsual(cents: number, usualCents: number): VersusUsual {
  if (usualCents <= 0) return { kind: cents > 0 ? "more" : "about" };
  const ratio = cents / usualCents;
  if (ratio >= 2)
    return { kind: "times", times: ratio < 10 ? Math.round(ratio * 10) / 10 : Math.round(ratio) };
  if (ratio >= 1.25) return { kind: "more" };
  if (ratio > 0.8) return { kind: "about" };
  if (ratio > 0.5) return { kind: "less" };
  return { kind: "under-half" };
}

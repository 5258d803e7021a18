import { TZDate, tz } from "@date-fns/tz";
import {
  addDays,
  differenceInCalendarDays,
  endOfMonth,
  format,
  isValid,
  min,
  startOfISOWeek,
  startOfMonth,
  subMonths,
} from "date-fns";

/**
 * A report period: an inclusive range of UTC days, which is how the Admin API slices data.
 * "today" and "yesterday" are read on the calendar of the report timezone, then mapped to the
 * UTC day of the same date.
 */
export interface Period {
  from: string;
  to: string;
  /** Every UTC day from `from` to `to`, ascending. */
  days: string[];
  /** How the period was asked for, normalised ("yesterday", "last 7 days", "2026-11-01..2026-11-07"). */
  name: string;
}

export interface PeriodOptions {
  now: Date;
  /** IANA zone that decides what "today" is. */
  timeZone: string;
  /** Longest period accepted, in days. */
  maxDays?: number;
}

export const DEFAULT_MAX_PERIOD_DAYS = 92;

/** The month of `through` (a UTC day) from its 1st up to and including `through`. */
export function monthToDate(through: string): Period {
  return periodBetween(`${through.slice(0, 7)}-01`, through, "this month");
}
export const DEFAULT_PERIOD = "yesterday";

/** Accepted forms, shown with every period error and in help texts. */
export const PERIOD_FORMS: readonly { form: string; example: string }[] = [
  { form: "today", example: "today" },
  { form: "yesterday (the default)", example: "yesterday" },
  { form: "YYYY-MM-DD", example: "2026-11-02" },
  { form: "YYYY-MM-DD..YYYY-MM-DD", example: "2026-11-01..2026-11-07" },
  { form: "YYYY-MM (a calendar month)", example: "2026-10" },
  { form: "last N days, or Nd (N full days ending yesterday)", example: "last 7 days, 30d" },
  { form: "this week / last week (Monday to Sunday)", example: "last week" },
  { form: "this month / last month", example: "this month" },
];

/** The periods asked for by name (N: a number of days), for "did you mean" on a mistyped one. */
export const NAMED_PERIODS: readonly string[] = [
  "today",
  "yesterday",
  "this week",
  "last week",
  "this month",
  "last month",
  "last N days",
  "N days",
];

export class PeriodError extends Error {
  override readonly name = "PeriodError";
  readonly input: string;
  constructor(input: string, reason: string) {
    super(reason);
    this.input = input;
  }
}

const UTC = "UTC";
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** Parse a period as people type it. Throws PeriodError with a reason; callers add PERIOD_FORMS. */
export function parsePeriod(input: string | undefined, options: PeriodOptions): Period {
  const raw = (input ?? "").trim();
  const text = raw.toLowerCase().replace(/\s+/g, " ");
  const maxDays = options.maxDays ?? DEFAULT_MAX_PERIOD_DAYS;
  const today = todayIn(options.now, options.timeZone);

  const range = resolve(text || DEFAULT_PERIOD, today, raw);
  if (!range) throw new PeriodError(raw, `I don't understand the period "${clip(raw)}".`);
  const [from, to, name] = range;

  if (from > to) {
    throw new PeriodError(
      raw,
      `The period starts (${isoDay(from)}) after it ends (${isoDay(to)}).`,
    );
  }
  if (to > today) {
    throw new PeriodError(raw, `${isoDay(to)} is in the future (today is ${isoDay(today)}).`);
  }
  const length = differenceInCalendarDays(to, from) + 1;
  if (length > maxDays) {
    throw new PeriodError(
      raw,
      `That is ${length} days; the longest period I report on is ${maxDays} days.`,
    );
  }
  return makePeriod(from, to, name);
}

/**
 * Anthropic's numbers for a day arrive an hour or more late and keep filling in for a while after
 * the day ends; after this long a day is final (its figures will not change).
 */
export const DEFAULT_FINAL_AFTER_MS = 26 * 3_600_000;

/** Is this UTC day's data final at `now`: over, and long enough ago that nothing more arrives? */
export function isFinalDay(
  day: string,
  now: Date,
  finalAfterMs: number = DEFAULT_FINAL_AFTER_MS,
): boolean {
  return Date.parse(`${day}T00:00:00Z`) + 86_400_000 + finalAfterMs <= now.getTime();
}

/**
 * The days of a period whose numbers may still grow at `now`: `open`, the UTC day not over yet;
 * `settling`, over but not final. An empty report over them means "not in yet", not "nothing".
 */
export function unsettledDays(
  period: Pick<Period, "days">,
  now: Date,
  finalAfterMs: number = DEFAULT_FINAL_AFTER_MS,
): { open: string[]; settling: string[] } {
  const today = isoDay(now);
  const open: string[] = [];
  const settling: string[] = [];
  for (const day of period.days) {
    if (day >= today) open.push(day);
    else if (!isFinalDay(day, now, finalAfterMs)) settling.push(day);
  }
  return { open, settling };
}

/** The period of equal length that ends the day before `period` starts. */
export function previousPeriod(period: Period): Period {
  const from = utcDay(period.from);
  const length = period.days.length;
  return makePeriod(addDays(from, -length), addDays(from, -1), `previous ${length}d`);
}

/** How a period's comparison was chosen, for saying it in words. */
export type BaselineKind = "same weekday" | "week" | "month" | "equal";

/**
 * What a period is compared with, as people compare: a day with the same weekday a week earlier
 * (a Monday is not a Sunday); a calendar week with the week before; a calendar month with the
 * month before, to the same day when it is partial; anything else with the equal period before.
 */
export function comparisonPeriod(period: Period): Period & { baseline: BaselineKind } {
  const from = utcDay(period.from);
  const to = utcDay(period.to);
  if (isCalendarMonth(period, from, to)) {
    const start = startOfMonth(subMonths(from, 1));
    const end = endOfMonth(start);
    // A month to date: the month before to the same day (or its end, when it is shorter).
    const through =
      isoDay(to) === isoDay(endOfMonth(from)) ? end : addDays(start, to.getDate() - 1);
    return {
      ...makePeriod(start, min([through, end]), "the month before"),
      baseline: "month",
    };
  }
  if (period.days.length === 1) {
    const day = addDays(from, -7);
    return { ...makePeriod(day, day, "the same weekday a week earlier"), baseline: "same weekday" };
  }
  if (isoDay(startOfISOWeek(from)) === period.from && period.days.length <= 7) {
    return {
      ...makePeriod(addDays(from, -7), addDays(to, -7), "the week before"),
      baseline: "week",
    };
  }
  return { ...previousPeriod(period), baseline: "equal" };
}

/** A calendar month, whole or to date: asked for as a month, or running from a 1st to its end. */
function isCalendarMonth(period: Period, from: Date, to: Date): boolean {
  if (from.getDate() !== 1 || period.from.slice(0, 7) !== period.to.slice(0, 7)) return false;
  return (
    ISO_MONTH.test(period.name) ||
    period.name === "this month" ||
    period.name === "last month" ||
    isoDay(to) === isoDay(endOfMonth(from))
  );
}

/** The UTC day `by` days after (or before, if negative) an ISO day: shiftDay("2026-03-01", -1). */
export function shiftDay(day: string, by: number): string {
  return isoDay(addDays(utcDay(day), by));
}

/** Build a period from two ISO days (inclusive). */
export function periodBetween(from: string, to: string, name = `${from}..${to}`): Period {
  return makePeriod(utcDay(from), utcDay(to), name);
}

/** The calendar date in `timeZone` at `now`, as a UTC midnight. */
export function todayIn(now: Date, timeZone: string): TZDate {
  return utcDay(format(now, "yyyy-MM-dd", { in: tz(timeZone) }));
}

/** Is `timeZone` an IANA zone this runtime knows? */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

type Range = [from: Date, to: Date, name: string];

function resolve(text: string, today: Date, raw: string): Range | undefined {
  switch (text) {
    case "today":
      return [today, today, "today"];
    case "yesterday": {
      const y = addDays(today, -1);
      return [y, y, "yesterday"];
    }
    case "this week":
      return [startOfISOWeek(today), today, "this week"];
    case "last week": {
      const start = addDays(startOfISOWeek(today), -7);
      return [start, addDays(start, 6), "last week"];
    }
    case "this month":
      return [startOfMonth(today), today, "this month"];
    case "last month": {
      const start = startOfMonth(subMonths(today, 1));
      return [start, endOfMonth(start), "last month"];
    }
  }

  const lastN = /^(?:(?:last|past) )?(\d{1,4}) ?(?:d|days?)$/.exec(text);
  if (lastN) {
    const n = Number(lastN[1]);
    if (n < 1) throw new PeriodError(raw, "A period needs at least one day.");
    return [addDays(today, -n), addDays(today, -1), `last ${n} days`];
  }

  const between = /^(\S+?) ?(?:\.\.|to) ?(\S+)$/.exec(text);
  if (between?.[1] && between[2] && ISO_DAY.test(between[1]) && ISO_DAY.test(between[2])) {
    const from = parseDay(between[1], raw);
    const to = parseDay(between[2], raw);
    return [from, to, `${between[1]}..${between[2]}`];
  }

  if (ISO_DAY.test(text)) {
    const day = parseDay(text, raw);
    return [day, day, text];
  }

  const month = ISO_MONTH.exec(text);
  if (month) {
    const start = parseDay(`${text}-01`, raw);
    const end = endOfMonth(start);
    // The current month runs to today: a month-to-date report rather than a future-date error.
    return [start, end > today && start <= today ? today : end, text];
  }
  return undefined;
}

function parseDay(text: string, raw: string): TZDate {
  const day = utcDay(text);
  // Rejects 2026-02-30, which Date would roll over into March.
  if (!isValid(day) || isoDay(day) !== text) {
    throw new PeriodError(raw, `${text} is not a valid date.`);
  }
  return day;
}

function makePeriod(from: Date, to: Date, name: string): Period {
  const days: string[] = [];
  for (let d = new TZDate(from, UTC); d <= to; d = addDays(d, 1)) days.push(isoDay(d));
  return { from: isoDay(from), to: isoDay(to), days, name };
}

/** A YYYY-MM-DD day as midnight UTC, for day arithmetic that ignores the machine's zone. */
export function utcDay(isoDay: string): TZDate {
  const m = ISO_DAY.exec(isoDay);
  if (!m) return new TZDate(Number.NaN, UTC);
  return new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), UTC);
}

/** The UTC day of a moment, YYYY-MM-DD. */
export function isoDay(day: Date): string {
  return format(day, "yyyy-MM-dd", { in: tz(UTC) });
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

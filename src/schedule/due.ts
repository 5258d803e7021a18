import { TZDate, tz } from "@date-fns/tz";
import { format } from "date-fns";
import { CADENCES, type Cadence, type Subscription } from "../store/subscriptions.js";
import { type Period, periodBetween, shiftDay } from "../usage/periods.js";

/*
 * What is due, and about which days. Pure: a clock reading, the subscriptions and people's own
 * times in; deliveries out. Each delivery is due on its own local date from the first instant its
 * local time is reached, and stays due for the rest of that date (a process that was down catches
 * up): a time that a spring-forward skips (02:30) is due from the jump on; one that a fall-back
 * repeats (01:30) from its first occurrence, and still due when the clock shows 01:10 again.
 *
 * Working days are Monday to Friday. A daily digest (or DM) covers the days since the previous
 * working day: Monday's covers Friday to Sunday. A weekly digest goes out on Mondays about the
 * previous Monday to Sunday, in place of that channel's daily; a monthly one on the first working
 * day of a month, about the previous month. Periods are UTC day ids named by local dates, as the
 * reports' days are.
 */

export interface LocalMoment {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM, 24 h */
  time: string;
}

/** Is `timeZone` an IANA zone this runtime knows? */
export function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function localMoment(now: Date, timeZone: string): LocalMoment {
  const zone = tz(timeZone);
  return {
    date: format(now, "yyyy-MM-dd", { in: zone }),
    time: format(now, "HH:mm", { in: zone }),
  };
}

const MINUTE = 60_000;

/** Minutes east of UTC in `timeZone` at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  return -new TZDate(instant, timeZone).getTimezoneOffset();
}

/**
 * The first instant of local date `date` at which the clock in `timeZone` shows `time` or later:
 * its first occurrence, or, when a spring-forward skips it, the jump.
 */
export function dueInstant(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  // A day has at most two offsets: those twelve hours either side of the wall time.
  const candidates = [
    ...new Set([
      offsetAt(wall - 12 * 3600_000, timeZone),
      offsetAt(wall + 12 * 3600_000, timeZone),
    ]),
  ].map((offset) => wall - offset * MINUTE);
  const exact = candidates.filter((t) => {
    const local = localMoment(new Date(t), timeZone);
    return local.date === date && local.time === time;
  });
  if (exact.length > 0) return new Date(Math.min(...exact));
  // Skipped: between the two candidates the clock jumps past it; find the jump by the minute.
  let low = Math.min(...candidates);
  let high = Math.max(...candidates);
  while (high - low > MINUTE) {
    const mid = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    const local = localMoment(new Date(mid), timeZone);
    if (local.date > date || (local.date === date && local.time >= time)) high = mid;
    else low = mid;
  }
  return new Date(high);
}

/** Has `time` (HH:MM in `timeZone`) been reached on the local date of `now`? */
export function reachedToday(now: Date, time: string, timeZone: string): LocalMoment | null {
  const local = localMoment(now, timeZone);
  return now.getTime() >= dueInstant(local.date, time, timeZone).getTime() ? local : null;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWorkingDay(date: string): boolean {
  const day = weekday(date);
  return day >= 1 && day <= 5;
}

function previousWorkingDay(date: string): string {
  let day = shiftDay(date, -1);
  while (!isWorkingDay(day)) day = shiftDay(day, -1);
  return day;
}

function isFirstWorkingDayOfMonth(date: string): boolean {
  if (!isWorkingDay(date)) return false;
  for (let day = `${date.slice(0, 8)}01`; day < date; day = shiftDay(day, 1)) {
    if (isWorkingDay(day)) return false;
  }
  return true;
}

/** What a daily digest or DM of `date` covers: since the previous working day; null off work. */
export function dailyPeriod(date: string): Period | null {
  if (!isWorkingDay(date)) return null;
  const from = previousWorkingDay(date);
  const to = shiftDay(date, -1);
  if (from === to) return periodBetween(from, to, "yesterday");
  // "Claude Code since Friday (Fri 27 – Sun 29 Nov)".
  return periodBetween(from, to, `since ${WEEKDAYS[weekday(from)]}`);
}

/** The period a digest of `cadence` posted on `date` covers, or null when it is not due then. */
export function digestPeriod(cadence: Cadence, date: string): Period | null {
  if (cadence === "daily") return dailyPeriod(date);
  if (cadence === "weekly") {
    return weekday(date) === 1
      ? periodBetween(shiftDay(date, -7), shiftDay(date, -1), "last week")
      : null;
  }
  if (!isFirstWorkingDayOfMonth(date)) return null;
  const lastDay = shiftDay(`${date.slice(0, 8)}01`, -1);
  return periodBetween(`${lastDay.slice(0, 8)}01`, lastDay, "last month");
}

/** A digest of a cadence and the period it covers. */
export interface PlannedDigest {
  kind: Cadence;
  period: Period;
}

export interface DueDigest extends PlannedDigest {
  subscription: Subscription;
  /** The subscription's local date the digest is for (the ledger's run date). */
  date: string;
}

const ORDER: Record<Cadence, number> = { daily: 0, weekly: 1, monthly: 2 };
const targetOf = (s: Pick<Subscription, "channel" | "team">) => `${s.channel}\n${s.team ?? ""}`;

/** On Mondays the week replaces the day in a channel that gets both (as it always has). */
function weekReplacesDay(date: string): boolean {
  return weekday(date) === 1;
}

/**
 * The digests due at `now`: each subscription on its own local date once its time has passed.
 * With `on`, every digest of that date instead, whatever the time (`digest run --date`).
 */
export function dueDigests(
  now: Date,
  subscriptions: readonly Subscription[],
  options: { on?: string | undefined } = {},
): DueDigest[] {
  const weekly = new Set(subscriptions.filter((s) => s.cadence === "weekly").map(targetOf));
  const due: DueDigest[] = [];
  for (const subscription of subscriptions) {
    const date = options.on ?? reachedToday(now, subscription.time, subscription.timeZone)?.date;
    if (!date) continue;
    const period = digestPeriod(subscription.cadence, date);
    if (!period) continue;
    if (subscription.cadence === "daily" && weekReplacesDay(date)) {
      if (weekly.has(targetOf(subscription))) continue;
    }
    due.push({ subscription, date, kind: subscription.cadence, period });
  }
  // A channel's digests in order: the day, then the week, then the month.
  return due.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
}

/** The cadences on besides the daily digest (DIGEST_WEEKLY_ON_MONDAY, DIGEST_MONTHLY_ON_FIRST). */
export interface DigestPlanOptions {
  weeklyOnMonday: boolean;
  monthlyOnFirst: boolean;
}

/**
 * The digests of local date `date` for a channel that gets the daily digest and the cadences
 * `options` turn on: what dueDigests gives such a channel that date (none on a weekend). For runs
 * given no digests of their own (`runDigest`, `runTeamDigests` without `digests`).
 */
export function plannedDigests(date: string, options: DigestPlanOptions): PlannedDigest[] {
  const on: Record<Cadence, boolean> = {
    daily: true,
    weekly: options.weeklyOnMonday,
    monthly: options.monthlyOnFirst,
  };
  const plans: PlannedDigest[] = [];
  for (const kind of CADENCES) {
    if (!on[kind] || (kind === "daily" && on.weekly && weekReplacesDay(date))) continue;
    const period = digestPeriod(kind, date);
    if (period) plans.push({ kind, period });
  }
  return plans.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
}

/** A person's DM clock: their Slack time zone and the time they picked (or DM_LOCAL_TIME). */
export interface DmClock {
  timeZone: string;
  time: string;
}

/** Is this person's DM of local date `date` due at `now`? */
export function dmDue(now: Date, clock: DmClock, date: string): boolean {
  return isWorkingDay(date) && reachedToday(now, clock.time, clock.timeZone)?.date === date;
}

/** The zones furthest apart: every local date on Earth at `now` lies between theirs. */
const EARLIEST_ZONE = "Etc/GMT+12";
const LATEST_ZONE = "Pacific/Kiritimati";

/**
 * The working days that are someone's local date at `now` (two or three dates span the globe):
 * the DM batches a tick looks at. Oldest first.
 */
export function dmDates(now: Date): string[] {
  const earliest = localMoment(now, EARLIEST_ZONE).date;
  const latest = localMoment(now, LATEST_ZONE).date;
  const dates: string[] = [];
  for (let date = earliest; date <= latest; date = shiftDay(date, 1)) {
    if (isWorkingDay(date)) dates.push(date);
  }
  return dates;
}

/** A DM's ledger period: one day as the day itself (as before), several as "from..to". */
export function dmPeriodId(period: Period): string {
  return period.from === period.to ? period.from : `${period.from}..${period.to}`;
}

import { tz } from "@date-fns/tz";
import { format } from "date-fns";
import { createTask, validate } from "node-cron";

/*
 * Cron arithmetic in a timezone, on node-cron's own matcher (so it agrees with the live schedule,
 * DST included). Minute by minute: a weekday-morning expression is found within a few thousand
 * steps, which costs microseconds each.
 */

const MINUTE = 60_000;

export function isValidCron(expression: string): boolean {
  return validate(expression);
}

function matcher(expression: string, timeZone: string): (date: Date) => boolean {
  const task = createTask(expression, () => undefined, { timezone: timeZone });
  const match = (date: Date) => task.match(date);
  void task.destroy();
  return match;
}

/** The first scheduled minute strictly after `after`, searching up to `maxDays` ahead. */
export function nextRunAfter(
  expression: string,
  timeZone: string,
  after: Date,
  maxDays = 32,
): Date | null {
  const match = matcher(expression, timeZone);
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  const end = after.getTime() + maxDays * 86_400_000;
  for (; t <= end; t += MINUTE) if (match(new Date(t))) return new Date(t);
  return null;
}

/** The latest scheduled minute at or before `now` on the same local date, if any (catch-up). */
export function lastRunToday(expression: string, timeZone: string, now: Date): Date | null {
  const match = matcher(expression, timeZone);
  const today = localDate(now, timeZone);
  for (let t = Math.floor(now.getTime() / MINUTE) * MINUTE; ; t -= MINUTE) {
    const date = new Date(t);
    if (localDate(date, timeZone) !== today) return null;
    if (match(date)) return date;
  }
}

/** The calendar date in `timeZone` (YYYY-MM-DD). */
export function localDate(date: Date, timeZone: string): string {
  return format(date, "yyyy-MM-dd", { in: tz(timeZone) });
}

import { addDays, endOfMonth, startOfMonth, subMonths } from "date-fns";
import { isoDay, type Period, periodBetween } from "../usage/periods.js";

/*
 * Which digests a morning run posts. Pure: the run's local date in, periods out.
 * Every run covers yesterday; on Mondays (if enabled) the whole previous week instead, since the
 * default schedule skips weekends; on the 1st (if enabled) the previous month as well.
 */

export type DigestKind = "daily" | "weekly" | "monthly";

export interface PlannedDigest {
  kind: DigestKind;
  period: Period;
}

export interface DigestPlanOptions {
  weeklyOnMonday: boolean;
  monthlyOnFirst: boolean;
}

/** `localDate` is the date of the run in DIGEST_TIMEZONE (YYYY-MM-DD). */
export function plannedDigests(localDate: string, options: DigestPlanOptions): PlannedDigest[] {
  const today = new Date(`${localDate}T00:00:00Z`);
  const yesterday = isoDay(addDays(today, -1));
  const plans: PlannedDigest[] = [];

  if (options.weeklyOnMonday && today.getUTCDay() === 1) {
    plans.push({
      kind: "weekly",
      period: periodBetween(isoDay(addDays(today, -7)), yesterday, "last week"),
    });
  } else {
    plans.push({ kind: "daily", period: periodBetween(yesterday, yesterday, "yesterday") });
  }
  if (options.monthlyOnFirst && today.getUTCDate() === 1) {
    const start = startOfMonth(subMonths(today, 1));
    plans.push({
      kind: "monthly",
      period: periodBetween(isoDay(start), isoDay(endOfMonth(start)), "last month"),
    });
  }
  return plans;
}

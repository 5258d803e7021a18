import { type Period, periodBetween, unsettledDays } from "../../usage/periods.js";
import { formatPeriodDates } from "../format.js";

/*
 * What a report says about days whose data is not final. Anthropic's numbers arrive an hour or
 * more late and fill in over the next day, so an empty today is "not in yet", never "no activity".
 */

const LAG = "Anthropic's usage data arrives an hour or more late and fills in over the next day";

export interface NotFinalWords {
  /** Instead of "No Claude Code activity on …", when the period shows nothing. */
  empty: string;
  /** For the lock-screen line of an empty report: "numbers not in yet". */
  emptyShort: string;
}

/**
 * The words for an empty period some of whose days are not final, or undefined when every day is
 * final (then "no activity" is the truth). `finalAfterMs` as the loader's (DAY_CACHE_FINAL_AFTER_HOURS).
 */
export function emptyNotFinal(
  period: Period,
  now: Date,
  finalAfterMs?: number,
  /** Said to one person about their own numbers. */
  forYou = false,
): NotFinalWords | undefined {
  const { open, settling } = unsettledDays(period, now, finalAfterMs);
  const waiting = [...settling, ...open];
  const first = waiting[0];
  const last = waiting[waiting.length - 1];
  if (!first || !last) return undefined;
  const waitingSpan = spanWords(periodBetween(first, last), now);
  if (first === period.from) {
    return {
      empty: `Nothing recorded${forYou ? " for you" : ""} yet for ${waitingSpan}: ${LAG}. Check again later.`,
      emptyShort: "nothing recorded yet",
    };
  }
  const settled = periodBetween(period.from, shiftBefore(period, first));
  return {
    empty: `No Claude Code activity${forYou ? " for you" : ""} on ${formatPeriodDates(settled, now)}; nothing recorded yet for ${waitingSpan} (${LAG}).`,
    emptyShort: `no activity, ${waitingSpan} not in yet`,
  };
}

/** For a report with numbers: a note when part of it is still under way (today, UTC). */
export function stillComingIn(
  period: Period,
  now: Date,
  finalAfterMs?: number,
): string | undefined {
  const { open } = unsettledDays(period, now, finalAfterMs);
  const first = open[0];
  if (!first) return undefined;
  const span = spanWords(periodBetween(first, open[open.length - 1] ?? first), now);
  return `:hourglass_flowing_sand: ${capitalize(span)} isn't over (UTC), and Anthropic's data arrives an hour or more late: these numbers will grow.`;
}

function spanWords(span: Period, now: Date): string {
  const dates = formatPeriodDates(span, now);
  const today = now.toISOString().slice(0, 10);
  return span.from === today && span.to === today ? `today (${dates})` : dates;
}

/** The day before `day` within the period (days are consecutive). */
function shiftBefore(period: Period, day: string): string {
  const i = period.days.indexOf(day);
  return period.days[Math.max(0, i - 1)] ?? period.from;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

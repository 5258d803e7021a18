import { schedule } from "node-cron";
import type { Logger } from "../log.js";
import { shiftDay } from "../usage/periods.js";
import { lastRunToday, localDate, nextRunAfter } from "./cron.js";

/*
 * The morning schedule: node-cron fires the digest in DIGEST_TIMEZONE; at start-up, a run that
 * was missed earlier today (the process was down) is made up once. A run that leaves deliveries
 * failed (or held by another replica) runs again for the same date a little later, since
 * tomorrow's run plans other periods. Those retries wait in timers, which a restart loses: so at
 * start-up, the runs of the last few days that the ledger says were left unfinished run again
 * (oldest first, before the catch-up). Repeats are harmless: the ledger posts nothing twice.
 */

/** A Friday's unfinished run is still finished on Monday; an older digest is stale news. */
const RESUME_DAYS = 3;
/** How far before that unfinished runs are still reported (at warn) at start-up. */
const REPORT_STALE_DAYS = 14;

export interface SchedulerOptions {
  cron: string;
  timeZone: string;
  catchUp: boolean;
  /** Runs the digest for a local date (YYYY-MM-DD in timeZone). */
  run(localDate: string): Promise<{ failed: number; busy: number } | undefined>;
  logger: Logger;
  now?: () => Date;
  retryDelayMs?: number;
  maxRetries?: number;
  /**
   * Local dates (YYYY-MM-DD, oldest first) on or after `since` whose run left deliveries
   * unfinished: the ledger's `unfinished`. Without it, nothing is resumed at start-up.
   */
  unfinished?(since: string): Promise<string[]>;
  /** How many days back an unfinished run is still finished at start-up (default 3). */
  resumeDays?: number;
}

export interface Scheduler {
  /** The next scheduled run, for health checks and logs. */
  nextRun(): Date | null;
  /** Settles when the start-up runs (unfinished ones, then the catch-up, if any) have finished. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const { cron, timeZone, logger } = options;
  const now = options.now ?? (() => new Date());
  const log = logger.child({ component: "scheduler" });
  const retryDelayMs = options.retryDelayMs ?? 10 * 60_000;
  const maxRetries = options.maxRetries ?? 5;
  const retries = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const runFor = (date: string, reason: string, attempt = 0): Promise<void> => {
    if (stopped) return Promise.resolve();
    const run = runOnce(date, reason, attempt).finally(() => inFlight.delete(run));
    inFlight.add(run);
    return run;
  };

  const runOnce = async (date: string, reason: string, attempt: number): Promise<void> => {
    log.info({ date, reason }, "digest run starting");
    let again: boolean;
    try {
      const result = await options.run(date);
      again = (result?.failed ?? 0) + (result?.busy ?? 0) > 0;
    } catch (error) {
      log.error({ err: error, date }, "digest run failed");
      again = true;
    }
    if (!again || attempt >= maxRetries) return;
    log.warn({ date, inMs: retryDelayMs, attempt: attempt + 1 }, "deliveries left: retrying later");
    const timer = setTimeout(() => {
      retries.delete(timer);
      void runFor(date, "retry", attempt + 1);
    }, retryDelayMs);
    timer.unref();
    retries.add(timer);
  };

  const unfinishedRuns = async (
    unfinished: (since: string) => Promise<string[]>,
    today: string,
    catchingUp: boolean,
  ): Promise<string[]> => {
    const resumeDays = options.resumeDays ?? RESUME_DAYS;
    const due = await unfinishedToResume(unfinished, { today, resumeDays, catchingUp }, log);
    if (due.length > 0) {
      log.info({ dates: due }, "deliveries left unfinished before this start: running again");
    }
    return due;
  };

  /**
   * Oldest first, so that a channel gets its digests in order; today's catch-up last. Without
   * `unfinished`, the catch-up starts at once, before `startScheduler` returns.
   */
  const startUp = async (today: string, catchingUp: boolean): Promise<void> => {
    if (options.unfinished) {
      const dates = await unfinishedRuns(options.unfinished, today, catchingUp);
      for (const date of dates) await runFor(date, "unfinished");
    }
    if (catchingUp) await runFor(today, "catch-up");
  };

  const task = schedule(
    cron,
    (context) => runFor(localDate(context.date ?? now(), timeZone), "scheduled"),
    {
      timezone: timeZone,
      name: "digest",
      noOverlap: true,
    },
  );

  const missed = options.catchUp ? lastRunToday(cron, timeZone, now()) : null;
  if (missed) {
    log.info({ missed: missed.toISOString() }, "today's digest time has passed: catching up");
  }
  const caughtUp = startUp(localDate(now(), timeZone), missed !== null);
  log.info(
    { cron, timeZone, next: nextRunAfter(cron, timeZone, now())?.toISOString() },
    "digest scheduled",
  );

  return {
    nextRun: () => nextRunAfter(cron, timeZone, now()),
    caughtUp,
    /** No new runs; waits for a run in progress to finish (the caller bounds the wait). */
    async stop() {
      stopped = true;
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
      await task.destroy();
      // The start-up too: it may still be looking for unfinished runs (it starts no new one now).
      await Promise.all([...inFlight, caughtUp]);
    },
  };
}

/**
 * The unfinished runs to finish at start-up (the ledger's, through `resumable`), reporting the
 * stale ones. A failing look-up resumes nothing: the schedule itself must still start.
 */
export async function unfinishedToResume(
  unfinished: (since: string) => Promise<string[]>,
  options: { today: string; resumeDays?: number | undefined; catchingUp: boolean },
  log: Logger,
): Promise<string[]> {
  const { today, catchingUp } = options;
  const resumeDays = options.resumeDays ?? RESUME_DAYS;
  let dates: string[];
  try {
    dates = await unfinished(shiftDay(today, -(resumeDays + REPORT_STALE_DAYS)));
  } catch (error) {
    log.error({ err: error }, "could not look for runs left unfinished; none resumed");
    return [];
  }
  const { due, stale } = resumable(dates, { today, resumeDays, catchingUp });
  if (stale.length > 0) {
    log.warn(
      { dates: stale, resumeDays },
      "deliveries left unfinished too long ago to post now: not retried",
    );
  }
  return due;
}

/**
 * Which unfinished run dates to finish at start-up: those of the last `resumeDays` days, today's
 * included unless the catch-up runs it anyway. Older ones are `stale`; later ones (a run for a
 * future date, from the CLI) are left to their own morning.
 */
export function resumable(
  dates: readonly string[],
  options: { today: string; resumeDays: number; catchingUp: boolean },
): { due: string[]; stale: string[] } {
  const { today, catchingUp } = options;
  const oldest = shiftDay(today, -options.resumeDays);
  return {
    due: dates.filter(
      (date) => date >= oldest && (date < today || (date === today && !catchingUp)),
    ),
    stale: dates.filter((date) => date < oldest),
  };
}

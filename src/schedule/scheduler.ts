import { schedule } from "node-cron";
import type { Logger } from "../log.js";
import { lastRunToday, localDate, nextRunAfter } from "./cron.js";

/*
 * The morning schedule: node-cron fires the digest in DIGEST_TIMEZONE; at start-up, a run that
 * was missed earlier today (the process was down) is made up once. Making it up twice is harmless
 * anyway: the ledger posts nothing already delivered.
 */

export interface SchedulerOptions {
  cron: string;
  timeZone: string;
  catchUp: boolean;
  /** Runs the digest for a local date (YYYY-MM-DD in timeZone). */
  run(localDate: string): Promise<unknown>;
  logger: Logger;
  now?: () => Date;
}

export interface Scheduler {
  /** The next scheduled run, for health checks and logs. */
  nextRun(): Date | null;
  /** Settles when the start-up catch-up (if any) has finished. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const { cron, timeZone, logger } = options;
  const now = options.now ?? (() => new Date());
  const log = logger.child({ component: "scheduler" });

  const runFor = async (date: string, reason: string) => {
    log.info({ date, reason }, "digest run starting");
    try {
      await options.run(date);
    } catch (error) {
      log.error(
        { err: error, date },
        "digest run failed; undelivered messages go out on the next run",
      );
    }
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

  let caughtUp = Promise.resolve();
  const missed = options.catchUp ? lastRunToday(cron, timeZone, now()) : null;
  if (missed) {
    log.info({ missed: missed.toISOString() }, "today's digest time has passed: catching up");
    caughtUp = runFor(localDate(now(), timeZone), "catch-up");
  }
  log.info(
    { cron, timeZone, next: nextRunAfter(cron, timeZone, now())?.toISOString() },
    "digest scheduled",
  );

  return {
    nextRun: () => nextRunAfter(cron, timeZone, now()),
    caughtUp,
    async stop() {
      await task.destroy();
    },
  };
}

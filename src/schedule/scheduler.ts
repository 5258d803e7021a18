import { schedule } from "node-cron";
import type { Logger } from "../log.js";
import { lastRunToday, localDate, nextRunAfter } from "./cron.js";

/*
 * The morning schedule: node-cron fires the digest in DIGEST_TIMEZONE; at start-up, a run that
 * was missed earlier today (the process was down) is made up once. A run that leaves deliveries
 * failed (or held by another replica) runs again for the same date a little later, since
 * tomorrow's run plans other periods. Repeats are harmless: the ledger posts nothing twice.
 */

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
    /** No new runs; waits for a run in progress to finish (the caller bounds the wait). */
    async stop() {
      stopped = true;
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
      await task.destroy();
      await Promise.all(inFlight);
    },
  };
}

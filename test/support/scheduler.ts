import { createLogger } from "../../src/log.js";
import {
  type Scheduler,
  type SchedulerOptions,
  startScheduler,
} from "../../src/schedule/scheduler.js";

/**
 * A scheduler as most tests want it: the 9:00 weekday digest in UTC, catching up, silent, on
 * Wednesday 25 November 2026 at 10:30 (after today's run time). Tests set what they look at.
 */
export function morningScheduler(
  options: Partial<SchedulerOptions> & Pick<SchedulerOptions, "run">,
): Scheduler {
  return startScheduler({
    cron: "0 9 * * 1-5",
    timeZone: "UTC",
    catchUp: true,
    logger: createLogger({ sink: { write: () => undefined } }),
    now: () => new Date("2026-11-25T10:30:00Z"),
    ...options,
  });
}

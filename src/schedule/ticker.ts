import type { Logger } from "../log.js";
import type { SlackPerson } from "../slack/user-directory.js";
import type { Subscription } from "../store/subscriptions.js";
import { shiftDay } from "../usage/periods.js";
import type { Settled } from "./deliver.js";
import type { DmBatch } from "./digest-job.js";
import {
  type DueDigest,
  dailyPeriod,
  dmDates,
  dmDue,
  dueDigests,
  dueInstant,
  isKnownZone,
  localMoment,
} from "./due.js";
import type { DueWork } from "./morning.js";
import { unfinishedToResume } from "./scheduler.js";

/*
 * The delivery schedule: every minute, what has come due (schedule/due.ts) and is not yet done is
 * delivered, through the ledger, so that two replicas ticking at once post each item once. A
 * process that was down at the time catches up on its next tick, later the same local day. What
 * failed is tried again on a later tick, after a delay, until the ledger gives up on it; what is
 * done is remembered here, so that a tick costs a look at the subscriptions and the reports of the
 * periods with DMs still to send (from the loader's cache). At start-up, the runs of the last days
 * that the ledger says were left unfinished are run again, whole, oldest first.
 */

const MINUTE = 60_000;
/** How long settled deliveries are remembered: longer than any local date lasts anywhere. */
const REMEMBER_MS = 3 * 24 * 3600_000;

export interface TickerOptions {
  /** The digest subscriptions as they are now (the store's, changed in Slack). */
  subscriptions(): Promise<readonly Subscription[]>;
  /** DMs on each person's clock; absent when DMs are off. */
  dms?:
    | {
        /** People's own times (Slack user id → HH:MM). */
        times(): Promise<ReadonlyMap<string, string>>;
        /** DM_LOCAL_TIME. */
        defaultTime: string;
        /** For people whose Slack profile has no zone: DIGEST_TIMEZONE. */
        defaultTimeZone: string;
      }
    | undefined;
  /** Delivers one local date's due work (`runDue`). */
  run(work: DueWork): Promise<void>;
  /** Runs everything of a local date again (a run left unfinished before a restart). */
  runDate?(date: string): Promise<void>;
  /** The ledger's unfinished run dates on or after `since`, oldest first. */
  unfinished?(since: string): Promise<string[]>;
  /** The zone whose date is "today" for resuming unfinished runs: DIGEST_TIMEZONE. */
  timeZone: string;
  logger: Logger;
  now?: () => Date;
  /** Before a failed delivery is tried again (default 10 minutes). */
  retryDelayMs?: number;
  /** Before one another replica held is looked at again (default a minute). */
  busyDelayMs?: number;
  /** Between ticks (default a minute, aligned to the minute). */
  intervalMs?: number;
  /** No timer: ticks only when `tick()` is called (tests). */
  manual?: boolean;
}

export interface DeliveryTicker {
  /** One tick now: delivers what is due. Settles when done; a tick never overlaps another. */
  tick(): Promise<void>;
  /** The next subscription's time, for health checks. */
  nextRun(): Date | null;
  /** Settles when the start-up (unfinished runs resumed) has finished. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export function startDeliveryTicker(options: TickerOptions): DeliveryTicker {
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: "delivery-ticker" });
  const retryDelayMs = options.retryDelayMs ?? 10 * MINUTE;
  const busyDelayMs = options.busyDelayMs ?? MINUTE;
  const intervalMs = options.intervalMs ?? MINUTE;
  /** Ledger key → until when to leave it alone (done: long; failed or busy: its delay). */
  const leave = new Map<string, number>();
  let subscriptions: readonly Subscription[] = [];
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const onSettled = (key: string, outcome: Settled) => {
    const delay =
      outcome === "done" ? REMEMBER_MS : outcome === "failed" ? retryDelayMs : busyDelayMs;
    leave.set(key, now().getTime() + delay);
  };
  const skip = (key: string) => (leave.get(key) ?? 0) > now().getTime();
  /** A subscription in a zone nobody knows is left out (said once), not the whole tick. */
  const unknownZones = new Set<string>();
  const knownZone = (s: Subscription) => {
    if (isKnownZone(s.timeZone)) return true;
    if (!unknownZones.has(s.id)) {
      unknownZones.add(s.id);
      log.error(
        { subscription: s.id, channel: s.channel, timeZone: s.timeZone },
        "a subscription's time zone is unknown: it is not posted until it is changed",
      );
    }
    return false;
  };
  /** Likewise a person whose Slack zone is unknown here: DIGEST_TIMEZONE instead. */
  const zoneOf = (person: SlackPerson, fallback: string) =>
    person.tz && isKnownZone(person.tz) ? person.tz : fallback;

  async function tickOnce(): Promise<void> {
    const at = now();
    for (const [key, until] of leave) if (until <= at.getTime()) leave.delete(key);
    try {
      subscriptions = (await options.subscriptions()).filter(knownZone);
    } catch (error) {
      log.error({ err: error }, "could not read the subscriptions; trying again next minute");
      return;
    }
    const work = new Map<string, { digests: DueDigest[]; dms: DmBatch | null }>();
    const of = (date: string) => {
      let w = work.get(date);
      if (!w) {
        w = { digests: [], dms: null };
        work.set(date, w);
      }
      return w;
    };
    for (const digest of dueDigests(at, subscriptions)) {
      of(digest.date).digests.push(digest);
    }
    if (options.dms) {
      const { defaultTime, defaultTimeZone } = options.dms;
      let times: ReadonlyMap<string, string>;
      try {
        times = await options.dms.times();
      } catch (error) {
        log.warn({ err: error }, "could not read people's DM times; DM_LOCAL_TIME for everyone");
        times = new Map();
      }
      for (const date of dmDates(at)) {
        const period = dailyPeriod(date);
        if (!period) continue;
        const due = (person: SlackPerson) =>
          dmDue(
            at,
            {
              timeZone: zoneOf(person, defaultTimeZone),
              time: times.get(person.userId) ?? defaultTime,
            },
            date,
          );
        of(date).dms = { period, due };
      }
    }
    // Oldest date first: a channel gets its digests in order.
    for (const date of [...work.keys()].sort()) {
      const w = work.get(date);
      if (!w || stopped) continue;
      try {
        await options.run({ date, ...w, skip, onSettled });
      } catch (error) {
        log.error({ err: error, date }, "delivering what is due failed; trying again next minute");
      }
    }
  }

  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // A tick that runs long (a slow Slack) is not doubled: the next one waits for it.
    running ??= tickOnce()
      // A tick never fails the process: what went wrong is logged, and the next minute tries.
      .catch((error: unknown) => log.error({ err: error }, "tick failed; trying again next minute"))
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  /** The unfinished runs of the last days (not today's: the ticks do those), oldest first. */
  async function startUp(): Promise<void> {
    const { unfinished, runDate } = options;
    if (!unfinished || !runDate) return;
    const today = localMoment(now(), options.timeZone).date;
    const due = await unfinishedToResume(unfinished, { today, catchingUp: true }, log);
    for (const date of due) {
      if (stopped) return;
      log.info({ date }, "deliveries left unfinished before this start: running again");
      try {
        await runDate(date);
      } catch (error) {
        log.error({ err: error, date }, "resuming an unfinished run failed");
      }
    }
  }

  const caughtUp = startUp().then(() => tick());
  if (!options.manual) {
    // Aligned to the minute, so that a 09:00 subscription goes out at 09:00, not 09:00:59.
    const schedule = () => {
      if (stopped) return;
      const wait = intervalMs - (now().getTime() % intervalMs) || intervalMs;
      timer = setTimeout(() => {
        void caughtUp.then(() => tick()).finally(schedule);
      }, wait);
      timer.unref();
    };
    schedule();
  }
  log.info({ intervalMs }, "deliveries scheduled: each subscription and DM at its own time");

  return {
    tick,
    caughtUp,
    nextRun: () => nextDue(subscriptions, now()),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([caughtUp, running]);
    },
  };
}

/** The first time after `after` that a subscription comes due (within a fortnight). */
export function nextDue(subscriptions: readonly Subscription[], after: Date): Date | null {
  let best: number | null = null;
  for (const s of subscriptions) {
    let date = localMoment(after, s.timeZone).date;
    for (let i = 0; i < 14; i++, date = shiftDay(date, 1)) {
      if (dueDigests(after, [s], { on: date }).length === 0) continue;
      const at = dueInstant(date, s.time, s.timeZone).getTime();
      if (at <= after.getTime()) continue;
      if (best === null || at < best) best = at;
      break;
    }
  }
  return best === null ? null : new Date(best);
}

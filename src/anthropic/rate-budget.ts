import { setTimeout as sleep } from "node:timers/promises";

/*
 * A request budget: at most `perMinute` requests a minute on average, with bursts of up to
 * `burst` at once — the generic cell rate algorithm, so each caller learns its own start time at
 * once and concurrent callers are spread out, never released together.
 */

export interface RateBudget {
  /** Waits until this request may start (or the caller aborts). */
  take(signal?: AbortSignal): Promise<void>;
}

export interface RateBudgetOptions {
  perMinute: number;
  /** Requests that may start back to back; default a tenth of a minute's worth, at least 1. */
  burst?: number | undefined;
  now?: (() => number) | undefined;
}

/** No budget: every request starts at once. */
export const UNLIMITED: RateBudget = { take: async () => undefined };

export function createRateBudget(options: RateBudgetOptions): RateBudget {
  if (!(options.perMinute > 0)) return UNLIMITED;
  const now = options.now ?? Date.now;
  const interval = 60_000 / options.perMinute;
  const burst = Math.max(1, Math.floor(options.burst ?? options.perMinute / 10));
  const tolerance = interval * (burst - 1);
  // The theoretical arrival time of the next request.
  let tat = 0;
  return {
    async take(signal) {
      const at = now();
      tat = Math.max(tat, at);
      const wait = tat - tolerance - at;
      tat += interval;
      if (wait <= 0) return;
      try {
        await sleep(wait, undefined, { signal });
      } catch (error) {
        throw signal?.aborted ? signal.reason : error;
      }
    },
  };
}

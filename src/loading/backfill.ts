import { setTimeout as sleep } from "node:timers/promises";
import { addDays } from "date-fns";
import { isoDay, utcDay } from "../usage/periods.js";
import type { UsageLoader } from "./usage-loader.js";

/*
 * Warm by default: after start-up, the last days a report may cover are loaded in the background,
 * a day or two at a time (the loader's pool is shared, so people's reports wait for at most that),
 * newest first, and again every so often so that days that become final are kept for good. A
 * day known final and loaded is not asked for again. A failing pass (the API down, a 429 that
 * lasts) stops and the next one tries again.
 */

export interface BackfillStatus {
  /** Days the backfill covers (yesterday and the days before it). */
  total: number;
  /** Of those, days loaded (final or recent) in this process. */
  warm: number;
  running: boolean;
  lastPassAt: string | null;
  lastError: string | null;
}

export interface BackfillOptions {
  loader: Pick<UsageLoader, "loadDayParts" | "isFinal">;
  /** How many days back from yesterday (MAX_PERIOD_DAYS). */
  days: number;
  /** Days loaded at once (default 2). */
  concurrency?: number | undefined;
  /** Between passes (default 30 minutes). */
  intervalMs?: number | undefined;
  /** Before the first pass, so that start-up is not slowed (default 5 s). */
  delayMs?: number | undefined;
  now?: (() => Date) | undefined;
  onPass?: ((status: BackfillStatus) => void) | undefined;
}

export interface Backfill {
  status(): BackfillStatus;
  /** One pass now (tests, and the loop). */
  pass(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createBackfill(options: BackfillOptions): Backfill {
  const now = options.now ?? (() => new Date());
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const settled = new Set<string>();
  const warm = new Set<string>();
  let running = false;
  let lastPassAt: string | null = null;
  let lastError: string | null = null;
  let stopped = false;
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;

  /** Yesterday (UTC) back, newest first: the days people ask about most come first. */
  function wanted(): string[] {
    const yesterday = addDays(utcDay(isoDay(now())), -1);
    return Array.from({ length: options.days }, (_, i) => isoDay(addDays(yesterday, -i)));
  }

  async function pass(): Promise<void> {
    if (running) return;
    running = true;
    const days = wanted().filter((day) => !settled.has(day));
    try {
      for (let i = 0; i < days.length && !stopped; i += concurrency) {
        const batch = days.slice(i, i + concurrency);
        // Settled, not all: a pass never ends with its own requests still running.
        const results = await Promise.allSettled(
          batch.map((day) => options.loader.loadDayParts([day], stopping.signal)),
        );
        batch.forEach((day, j) => {
          if (results[j]?.status !== "fulfilled") return;
          warm.add(day);
          if (options.loader.isFinal(day)) settled.add(day);
        });
        const failed = results.find((r) => r.status === "rejected");
        if (failed) throw failed.reason;
      }
      lastError = null;
    } catch (error) {
      if (!stopped) lastError = error instanceof Error ? error.message : String(error);
    } finally {
      running = false;
      lastPassAt = now().toISOString();
      options.onPass?.(status());
    }
  }

  function status(): BackfillStatus {
    const days = new Set(wanted());
    return {
      total: days.size,
      warm: [...warm].filter((day) => days.has(day)).length,
      running,
      lastPassAt,
      lastError,
    };
  }

  return {
    status,
    pass,
    start() {
      if (loop) return;
      loop = (async () => {
        try {
          await sleep(options.delayMs ?? 5_000, undefined, { signal: stopping.signal, ref: false });
          while (!stopped) {
            await pass();
            await sleep(options.intervalMs ?? 30 * 60_000, undefined, {
              signal: stopping.signal,
              ref: false,
            });
          }
        } catch {
          // Stopped while waiting.
        }
      })();
    },
    async stop() {
      stopped = true;
      stopping.abort();
      await loop;
    },
  };
}

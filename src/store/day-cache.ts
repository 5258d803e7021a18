import type { CompactAggregate } from "../usage/compact.js";

/**
 * Where aggregated days are kept between reports. A *final* day (ended long enough ago that the
 * API's data has settled) is kept for good and never fetched again; a recent day is kept only
 * for a short TTL, because its numbers are still filling in. Days are kept in compact form.
 */
export interface DayCache {
  get(day: string): Promise<CompactAggregate | undefined>;
  set(day: string, aggregate: CompactAggregate, options: { final: boolean }): Promise<void>;
}

export interface MemoryDayCacheOptions {
  /** How long a recent (not final) day is reused. */
  recentTtlMs?: number;
  /** Most final days kept; the oldest inserted go first. */
  maxFinalDays?: number;
  now?: () => number;
}

export function createMemoryDayCache(options: MemoryDayCacheOptions = {}): DayCache {
  const recentTtlMs = options.recentTtlMs ?? 10 * 60_000;
  const maxFinalDays = options.maxFinalDays ?? 400;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { aggregate: CompactAggregate; expiresAt: number }>();

  return {
    async get(day) {
      const entry = entries.get(day);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(day);
        return undefined;
      }
      return entry.aggregate;
    },
    async set(day, aggregate, { final }) {
      entries.delete(day);
      entries.set(day, {
        aggregate,
        expiresAt: final ? Number.POSITIVE_INFINITY : now() + recentTtlMs,
      });
      while (entries.size > maxFinalDays) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
  };
}

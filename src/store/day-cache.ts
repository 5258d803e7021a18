import type { CompactAggregate } from "../usage/compact.js";
import { createTtlMap } from "./ttl-map.js";

/**
 * Where aggregated days are kept between reports. A *final* day (ended long enough ago that the
 * API's data has settled) is kept for good and never fetched again; a recent day is kept only
 * for a short TTL, because its numbers are still filling in. Days are kept in compact form.
 */
export interface DayCache {
  get(day: string): Promise<CompactAggregate | undefined>;
  /** `stored`: the aggregate already serialised (serializeCompact), if the caller has it. */
  set(
    day: string,
    aggregate: CompactAggregate,
    options: { final: boolean; stored?: string | undefined },
  ): Promise<void>;
}

export interface MemoryDayCacheOptions {
  /** How long a recent (not final) day is reused. */
  recentTtlMs?: number;
  /** Most days kept; the oldest inserted go first. */
  maxFinalDays?: number;
  now?: () => number;
}

export function createMemoryDayCache(options: MemoryDayCacheOptions = {}): DayCache {
  const recentTtlMs = options.recentTtlMs ?? 10 * 60_000;
  const entries = createTtlMap<CompactAggregate>({
    maxEntries: options.maxFinalDays ?? 400,
    now: options.now,
  });
  return {
    async get(day) {
      return entries.get(day);
    },
    async set(day, aggregate, { final }) {
      entries.set(day, aggregate, final ? Number.POSITIVE_INFINITY : recentTtlMs);
    },
  };
}

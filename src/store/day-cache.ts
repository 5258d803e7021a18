import { type CompactAggregate, compactBytes } from "../usage/compact.js";
import { createTtlMap } from "./ttl-map.js";

/**
 * Where aggregated days are kept between reports. A *final* day (ended long enough ago that the
 * API's data has settled) is kept for good and never fetched again; a recent day is kept only
 * for a short TTL, because its numbers are still filling in. Days are kept in compact form.
 */
export interface DayCache {
  get(day: string): Promise<CompactAggregate | undefined>;
  /**
   * `stored`: the aggregate already serialised (serializeCompact), if the caller has it.
   * `written`: the database has the day already (a fetch worker wrote it, stored-days.ts): it is
   * only kept in memory.
   */
  set(
    day: string,
    aggregate: CompactAggregate,
    options: { final: boolean; stored?: string | undefined; written?: boolean | undefined },
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

export interface MemoryFrontOptions {
  /** Most days kept decoded in memory (the least recently used go first). */
  maxDays: number;
  /** And at most this many bytes of them (compactBytes); default: no bound but maxDays. */
  maxBytes?: number | undefined;
  /** Whether a day is settled (kept until evicted) or recent (kept `recentTtlMs`). */
  isFinal: (day: string) => boolean;
  recentTtlMs?: number | undefined;
  now?: (() => number) | undefined;
}

/**
 * A bounded memory of decoded days in front of a stored cache: concurrent reports over the same
 * days decode each day once, not once per report; reading a stored day twice at the same moment
 * reads it once. A day written is kept in memory even if the store fails to keep it.
 */
export function withMemoryFront(backing: DayCache, options: MemoryFrontOptions): DayCache {
  const recentTtlMs = options.recentTtlMs ?? 10 * 60_000;
  const memory = createTtlMap<CompactAggregate>({
    maxEntries: options.maxDays,
    maxWeight: options.maxBytes,
    weigh: compactBytes,
    now: options.now,
  });
  const reading = new Map<string, Promise<CompactAggregate | undefined>>();
  const keep = (day: string, aggregate: CompactAggregate, final: boolean) =>
    memory.set(day, aggregate, final ? Number.POSITIVE_INFINITY : recentTtlMs);
  return {
    async get(day) {
      const hit = memory.get(day);
      if (hit) return hit;
      const pending = reading.get(day);
      if (pending) return pending;
      const read = backing
        .get(day)
        .then((aggregate) => {
          if (aggregate) keep(day, aggregate, options.isFinal(day));
          return aggregate;
        })
        .finally(() => reading.delete(day));
      reading.set(day, read);
      return read;
    },
    async set(day, aggregate, setOptions) {
      keep(day, aggregate, setOptions.final);
      await backing.set(day, aggregate, setOptions);
    },
  };
}

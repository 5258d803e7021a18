/**
 * An in-memory map whose entries expire; past `maxEntries` entries, or past `maxWeight` in all
 * (each entry weighed by `weigh`: bytes, say), the least recently used go first.
 */
export interface TtlMap<V> {
  get(key: string): V | undefined;
  /** `ttlMs` may be Infinity (kept until evicted). */
  set(key: string, value: V, ttlMs: number): void;
}

export function createTtlMap<V>(
  options: {
    maxEntries?: number;
    maxWeight?: number | undefined;
    weigh?: ((value: V) => number) | undefined;
    now?: () => number;
  } = {},
): TtlMap<V> {
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
  const weigh = options.weigh ?? (() => 0);
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: V; expiresAt: number; weight: number }>();
  let weight = 0;
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (entry) {
      entries.delete(key);
      weight -= entry.weight;
    }
    return entry;
  };
  return {
    get(key) {
      const entry = remove(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry); // used: now the newest
      weight += entry.weight;
      return entry.value;
    },
    set(key, value, ttlMs) {
      remove(key); // re-inserted last: the newest
      const entry = { value, expiresAt: now() + ttlMs, weight: weigh(value) };
      entries.set(key, entry);
      weight += entry.weight;
      while (entries.size > maxEntries || (weight > maxWeight && entries.size > 0)) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        remove(oldest);
      }
    },
  };
}

/**
 * An in-memory map whose entries expire; past `maxEntries` the least recently used go first.
 */
export interface TtlMap<V> {
  get(key: string): V | undefined;
  /** `ttlMs` may be Infinity (kept until evicted). */
  set(key: string, value: V, ttlMs: number): void;
}

export function createTtlMap<V>(
  options: { maxEntries?: number; now?: () => number } = {},
): TtlMap<V> {
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry); // used: now the newest
      return entry.value;
    },
    set(key, value, ttlMs) {
      entries.delete(key); // re-inserted last: the newest
      entries.set(key, { value, expiresAt: now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
  };
}

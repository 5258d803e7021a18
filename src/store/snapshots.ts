/*
 * The latest copy of a list read from elsewhere — the org's members and API keys, Slack user
 * groups — with when it was read, so that a restart or another replica does not read it again
 * before it is due. Defined here, with the store that implements it; a memory version for runs
 * without a store.
 */

export interface Snapshot {
  /** JSON text, as it was put. */
  payload: string;
  /** Epoch ms. */
  fetchedAt: number;
}

export interface Snapshots {
  get(name: string): Promise<Snapshot | undefined>;
  put(name: string, payload: string, fetchedAt: number): Promise<void>;
}

export function createMemorySnapshots(): Snapshots {
  const kept = new Map<string, Snapshot>();
  return {
    get: async (name) => kept.get(name),
    async put(name, payload, fetchedAt) {
      kept.set(name, { payload, fetchedAt });
    },
  };
}

import type { z } from "zod";
import type { Snapshots } from "../store/snapshots.js";

/*
 * A list read from elsewhere (the org's members, its API keys, the Slack user groups), kept in
 * memory and in the store's snapshots so that restarts and replicas share one copy, and read
 * again only when the copy is older than `maxAgeMs`. When reading fails, the last copy is used
 * and the failure said; the store failing only means no copy is shared.
 */

export type KeptRead<T> =
  | {
      value: T;
      /** When it was read, epoch ms. */
      fetchedAt: number;
      /** Why this copy is older than `maxAgeMs`, when reading it again failed. */
      failed?: unknown;
    }
  /** Never read, and reading fails now. */
  | { value?: undefined; failed: unknown };

export interface KeptCopyOptions<T> {
  /** The snapshot's name in the store. */
  name: string;
  /** How the store failures name it: "read the <label> snapshot". */
  label: string;
  /** What a stored copy must look like (a copy that does not is read again). */
  schema: z.ZodType<T, unknown>;
  read: () => Promise<T>;
  maxAgeMs: number;
  snapshots?: Snapshots | undefined;
  now?: (() => number) | undefined;
  onStoreError?: ((operation: string, error: unknown) => void) | undefined;
}

/** Callers at the same moment share one read. */
export function createKeptCopy<T>(options: KeptCopyOptions<T>): () => Promise<KeptRead<T>> {
  const now = options.now ?? Date.now;
  let kept: { value: T; fetchedAt: number } | undefined;
  let inFlight: Promise<KeptRead<T>> | undefined;
  const fresh = () => kept !== undefined && now() - kept.fetchedAt < options.maxAgeMs;

  async function stored() {
    try {
      const copy = await options.snapshots?.get(options.name);
      if (!copy) return undefined;
      const parsed = options.schema.safeParse(JSON.parse(copy.payload));
      return parsed.success ? { value: parsed.data, fetchedAt: copy.fetchedAt } : undefined;
    } catch (error) {
      options.onStoreError?.(`read the ${options.label} snapshot`, error);
      return undefined;
    }
  }

  async function load(): Promise<KeptRead<T>> {
    if (kept && fresh()) return kept;
    const copy = await stored();
    if (copy && (!kept || copy.fetchedAt > kept.fetchedAt)) kept = copy;
    if (kept && fresh()) return kept;
    try {
      const value = await options.read();
      kept = { value, fetchedAt: now() };
      await options.snapshots
        ?.put(options.name, JSON.stringify(value), kept.fetchedAt)
        .catch((error: unknown) =>
          options.onStoreError?.(`keep the ${options.label} snapshot`, error),
        );
      return kept;
    } catch (failed) {
      return kept ? { ...kept, failed } : { failed };
    }
  }

  return () => {
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

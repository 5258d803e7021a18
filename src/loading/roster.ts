import { z } from "zod";
import type { AdminClient } from "../anthropic/client.js";
import { AnthropicApiError } from "../anthropic/errors.js";
import { type ApiKeyInfo, apiKeySchema, type Member, memberSchema } from "../anthropic/roster.js";
import type { Snapshots } from "../store/snapshots.js";

/*
 * The org's roster — members and API keys — read from the Admin API at most once a day and kept
 * in the store's snapshots, so that replicas and restarts share one copy. When the API refuses or
 * fails, the last copy is used and said to be stale; the store failing only means no copy is kept.
 */

export const ROSTER_MAX_AGE_MS = 24 * 60 * 60_000;

export type RosterResult<T> =
  | {
      ok: true;
      items: T[];
      /** Entries the API sent that could not be read. */
      invalid: number;
      /** When the list was read from the API, epoch ms. */
      fetchedAt: number;
      /** Why this copy is older than a day, if it is (the API failed). */
      staleBecause: AnthropicApiError | undefined;
    }
  /** Never read, and the API fails now: say what is missing (a key without the permission…). */
  | { ok: false; error: AnthropicApiError };

export interface RosterLoader {
  members(): Promise<RosterResult<Member>>;
  apiKeys(): Promise<RosterResult<ApiKeyInfo>>;
}

export interface RosterLoaderOptions {
  client: Pick<AdminClient, "listMembers" | "listApiKeys">;
  snapshots?: Snapshots | undefined;
  maxAgeMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Told when the store fails (the roster still loads). */
  onStoreError?: ((operation: string, error: unknown) => void) | undefined;
}

export function createRosterLoader(options: RosterLoaderOptions): RosterLoader {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? ROSTER_MAX_AGE_MS;

  function list<T>(
    name: string,
    schema: z.ZodType<T>,
    fetch: () => Promise<{ items: T[]; invalid: number }>,
  ): () => Promise<RosterResult<T>> {
    const stored = z.object({ items: z.array(schema), invalid: z.number() });
    let inFlight: Promise<RosterResult<T>> | undefined;

    async function readCopy() {
      try {
        const copy = await options.snapshots?.get(name);
        if (!copy) return undefined;
        const parsed = stored.safeParse(JSON.parse(copy.payload));
        return parsed.success ? { ...parsed.data, fetchedAt: copy.fetchedAt } : undefined;
      } catch (error) {
        options.onStoreError?.(`read the ${name} snapshot`, error);
        return undefined;
      }
    }

    async function load(): Promise<RosterResult<T>> {
      const copy = await readCopy();
      if (copy && now() - copy.fetchedAt < maxAgeMs) {
        return { ok: true, ...copy, staleBecause: undefined };
      }
      try {
        const fresh = await fetch();
        const fetchedAt = now();
        await options.snapshots
          ?.put(name, JSON.stringify(fresh), fetchedAt)
          .catch((error: unknown) => options.onStoreError?.(`keep the ${name} snapshot`, error));
        return { ok: true, ...fresh, fetchedAt, staleBecause: undefined };
      } catch (error) {
        if (!(error instanceof AnthropicApiError)) throw error;
        return copy ? { ok: true, ...copy, staleBecause: error } : { ok: false, error };
      }
    }

    // Callers at the same moment share one read of the API.
    return () => {
      inFlight ??= load().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    };
  }

  return {
    members: list("members", memberSchema, () => options.client.listMembers()),
    apiKeys: list("api_keys", apiKeySchema, () => options.client.listApiKeys()),
  };
}

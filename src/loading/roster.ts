import { z } from "zod";
import type { AdminClient } from "../anthropic/client.js";
import { AnthropicApiError } from "../anthropic/errors.js";
import { type ApiKeyInfo, apiKeySchema, type Member, memberSchema } from "../anthropic/roster.js";
import type { Snapshots } from "../store/snapshots.js";
import { createKeptCopy } from "./kept-copy.js";

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
  const maxAgeMs = options.maxAgeMs ?? ROSTER_MAX_AGE_MS;

  function list<T>(
    name: string,
    schema: z.ZodType<T>,
    fetch: () => Promise<{ items: T[]; invalid: number }>,
  ): () => Promise<RosterResult<T>> {
    const copy = createKeptCopy({
      name,
      label: name,
      schema: z.object({ items: z.array(schema), invalid: z.number() }),
      read: fetch,
      maxAgeMs,
      snapshots: options.snapshots,
      now: options.now,
      onStoreError: options.onStoreError,
    });
    return async () => {
      const got = await copy();
      // Only the API's own failures are said; anything else is a bug, thrown.
      if (got.failed !== undefined && !(got.failed instanceof AnthropicApiError)) throw got.failed;
      const staleBecause = got.failed instanceof AnthropicApiError ? got.failed : undefined;
      if (got.value !== undefined) {
        return { ok: true, ...got.value, fetchedAt: got.fetchedAt, staleBecause };
      }
      if (staleBecause) return { ok: false, error: staleBecause };
      throw got.failed;
    };
  }

  return {
    members: list("members", memberSchema, () => options.client.listMembers()),
    apiKeys: list("api_keys", apiKeySchema, () => options.client.listApiKeys()),
  };
}

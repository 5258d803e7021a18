import type { WebClient } from "@slack/web-api";
import { createTtlMap } from "../store/ttl-map.js";
import type { CachedUser, UserCache } from "../store/user-cache.js";
import { slackErrorCode } from "./errors.js";

/*
 * Email ↔ Slack user, for mentions in leaderboards and for finding people's DMs. Answers are
 * cached, misses too (shorter), so a leaderboard of 25 does not cost 25 calls every time.
 * A Slack failure never breaks a report: the person is shown by email. Nor does a cache failure
 * (the store's database down): it is a miss, and Slack is asked.
 */

export interface UserDirectory {
  /** The Slack user with this email, or null if there is none (or Slack could not say). */
  lookupByEmail(email: string): Promise<{ userId: string } | null>;
  /**
   * The Slack user with this email, or null only when Slack says there is none
   * (`users_not_found`); a failure to ask (rate limit, Slack error, network) is thrown, for
   * callers that must not take "could not ask" for "not in Slack" (DMs).
   */
  findByEmail(email: string): Promise<{ userId: string } | null>;
  /** The email of a Slack user (users.info; needs users:read.email), or null. */
  emailOf(userId: string): Promise<string | null>;
}

export interface UserDirectoryOptions {
  client: WebClient;
  cache?: UserCache | undefined;
  hitTtlMs?: number | undefined;
  missTtlMs?: number | undefined;
  /** Told about Slack failures (not "users_not_found", which is an answer). */
  onError?: ((method: string, error: unknown) => void) | undefined;
  /** Told about cache failures, which are otherwise misses (get) and no-ops (set). */
  onCacheError?: ((operation: "get" | "set", error: unknown) => void) | undefined;
}

export function createMemoryUserCache(now: () => number = Date.now): UserCache {
  const entries = createTtlMap<CachedUser>({ now, maxEntries: 50_000 });
  return {
    async get(key) {
      return entries.get(key);
    },
    async set(key, value, ttlMs) {
      entries.set(key, value, ttlMs);
    },
  };
}

/**
 * A cache that cannot fail: a failing get is a miss, a failing set does nothing, and `onError`
 * is told. The cache only saves Slack calls; it must never stand between a report and Slack.
 */
export function optionalUserCache(
  cache: UserCache,
  onError: (operation: "get" | "set", error: unknown) => void,
): UserCache {
  return {
    async get(key) {
      try {
        return await cache.get(key);
      } catch (error) {
        onError("get", error);
        return undefined;
      }
    },
    async set(key, value, ttlMs) {
      try {
        await cache.set(key, value, ttlMs);
      } catch (error) {
        onError("set", error);
      }
    },
  };
}

export function createUserDirectory(options: UserDirectoryOptions): UserDirectory {
  const cache = optionalUserCache(
    options.cache ?? createMemoryUserCache(),
    options.onCacheError ?? (() => undefined),
  );
  const hitTtl = options.hitTtlMs ?? 24 * 3600_000;
  const missTtl = options.missTtlMs ?? 3600_000;
  const emails = createTtlMap<string | null>({ maxEntries: 50_000 });

  /** users_not_found is an answer (cached, shorter); any other failure is thrown. */
  async function findByEmail(email: string): Promise<{ userId: string } | null> {
    const key = `email:${email.trim().toLowerCase()}`;
    const cached = await cache.get(key);
    if (cached) return cached.userId ? { userId: cached.userId } : null;
    let userId: string | null;
    try {
      const result = await options.client.users.lookupByEmail({ email: email.trim() });
      userId = result.user?.deleted ? null : (result.user?.id ?? null);
    } catch (error) {
      if (slackErrorCode(error) !== "users_not_found") throw error;
      userId = null;
    }
    await cache.set(key, { userId }, userId ? hitTtl : missTtl);
    return userId ? { userId } : null;
  }

  return {
    findByEmail,

    async lookupByEmail(email) {
      try {
        return await findByEmail(email);
      } catch (error) {
        options.onError?.("users.lookupByEmail", error);
        return null;
      }
    },

    async emailOf(userId) {
      const cached = emails.get(userId);
      if (cached !== undefined) return cached;
      try {
        const result = await options.client.users.info({ user: userId });
        const email = result.user?.profile?.email?.toLowerCase() ?? null;
        emails.set(userId, email, email ? hitTtl : missTtl);
        return email;
      } catch (error) {
        options.onError?.("users.info", error);
        return null;
      }
    },
  };
}

/** Email → Slack user id (or null), as the jobs and mention lookups want it; no directory, no ids. */
export function userIdLookup(directory?: UserDirectory): (email: string) => Promise<string | null> {
  return async (email) =>
    directory ? ((await directory.lookupByEmail(email))?.userId ?? null) : null;
}

/** Email → Slack user id, or null when not in Slack; throws when Slack could not be asked. */
export function strictUserLookup(
  directory?: UserDirectory,
): (email: string) => Promise<string | null> {
  return async (email) =>
    directory ? ((await directory.findByEmail(email))?.userId ?? null) : null;
}

import type { WebClient } from "@slack/web-api";
import { clip } from "../render/blocks/limits.js";
import { createTtlMap } from "../store/ttl-map.js";
import type { CachedUser, UserCache } from "../store/user-cache.js";
import { slackErrorCode } from "./errors.js";

/*
 * Email ↔ Slack user, for mentions in leaderboards and for finding people's DMs. Answers are
 * cached, misses too (shorter), so a leaderboard of 25 does not cost 25 calls every time.
 * A Slack failure never breaks a report: the person is shown by email. Nor does a cache failure
 * (the store's database down): it is a miss, and Slack is asked.
 */

/** A Slack user as reports name them. */
export interface SlackPerson {
  userId: string;
  /** Display name, else real name, else handle; absent only from an old cache entry. */
  name?: string | undefined;
  /** Their Slack time zone (IANA, `tz`): when their DM is due. Absent when Slack has none. */
  tz?: string | undefined;
}

export interface UserDirectory {
  /** The Slack user with this email, or null if there is none (or Slack could not say). */
  lookupByEmail(email: string): Promise<SlackPerson | null>;
  /**
   * The Slack user with this email, or null only when Slack says there is none
   * (`users_not_found`); a failure to ask (rate limit, Slack error, network) is thrown, for
   * callers that must not take "could not ask" for "not in Slack" (DMs).
   */
  findByEmail(email: string): Promise<SlackPerson | null>;
  /** The email of a Slack user (users.info; needs users:read.email), or null. */
  emailOf(userId: string): Promise<string | null>;
  /** The name of a Slack user (users.info), or null if Slack could not say. */
  nameOf(userId: string): Promise<string | null>;
  /** The Slack time zone of a user (users.info `tz`, IANA), or null if Slack has none. */
  timeZoneOf(userId: string): Promise<string | null>;
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
  const profiles = createTtlMap<{
    email: string | null;
    name: string | null;
    tz: string | null;
  } | null>({
    maxEntries: 50_000,
  });

  /**
   * users_not_found is an answer (cached, shorter); any other failure is thrown. An entry kept
   * before names (or time zones) were is asked again, and is the answer only if Slack cannot be
   * asked.
   */
  async function findByEmail(email: string): Promise<SlackPerson | null> {
    const key = `email:${email.trim().toLowerCase()}`;
    const cached = await cache.get(key);
    if (cached && (!cached.userId || (cached.name && cached.tz))) return personOf(cached);
    let found: CachedUser;
    try {
      const result = await options.client.users.lookupByEmail({ email: email.trim() });
      const user = result.user?.deleted ? undefined : result.user;
      found = user?.id
        ? { userId: user.id, name: nameOfUser(user), tz: user.tz || undefined }
        : { userId: null };
    } catch (error) {
      if (slackErrorCode(error) !== "users_not_found") {
        if (cached) return personOf(cached);
        throw error;
      }
      found = { userId: null };
    }
    await cache.set(key, found, found.userId ? hitTtl : missTtl);
    return personOf(found);
  }

  /** users.info, once per TTL for both the email and the name. */
  async function profileOf(userId: string) {
    const cached = profiles.get(userId);
    if (cached !== undefined) return cached;
    try {
      const result = await options.client.users.info({ user: userId });
      const profile = result.user
        ? {
            email: result.user.profile?.email?.toLowerCase() ?? null,
            name: nameOfUser(result.user) ?? null,
            tz: result.user.tz || null,
          }
        : null;
      profiles.set(userId, profile, profile?.email ? hitTtl : missTtl);
      return profile;
    } catch (error) {
      options.onError?.("users.info", error);
      return null;
    }
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
      return (await profileOf(userId))?.email ?? null;
    },

    async nameOf(userId) {
      return (await profileOf(userId))?.name ?? null;
    },

    async timeZoneOf(userId) {
      return (await profileOf(userId))?.tz ?? null;
    },
  };
}

function personOf(cached: CachedUser): SlackPerson | null {
  if (!cached.userId) return null;
  return {
    userId: cached.userId,
    ...(cached.name ? { name: cached.name } : {}),
    ...(cached.tz ? { tz: cached.tz } : {}),
  };
}

/** How Slack shows a person: the display name they chose, else their full name, else handle. */
function nameOfUser(user: {
  name?: string | undefined;
  real_name?: string | undefined;
  profile?: { display_name?: string | undefined; real_name?: string | undefined } | undefined;
}): string | undefined {
  const name = [user.profile?.display_name, user.profile?.real_name, user.real_name, user.name]
    .map((n) => n?.trim())
    .find((n) => !!n);
  return name ? clip(name, 80) : undefined;
}

/** Email → Slack user and name (or null), as name look-ups want it; no directory, no one. */
export function personLookup(
  directory?: UserDirectory,
): (email: string) => Promise<SlackPerson | null> {
  return async (email) => (directory ? await directory.lookupByEmail(email) : null);
}

/** Email → Slack user id (or null), as the jobs want it; no directory, no ids. */
export function userIdLookup(directory?: UserDirectory): (email: string) => Promise<string | null> {
  return async (email) =>
    directory ? ((await directory.lookupByEmail(email))?.userId ?? null) : null;
}

/**
 * Email → Slack user (with their zone), or null when not in Slack; throws when Slack could not be
 * asked.
 */
export function strictPersonLookup(
  directory?: UserDirectory,
): (email: string) => Promise<SlackPerson | null> {
  return async (email) => (directory ? await directory.findByEmail(email) : null);
}

/** Email → Slack user id, or null when not in Slack; throws when Slack could not be asked. */
export function strictUserLookup(
  directory?: UserDirectory,
): (email: string) => Promise<string | null> {
  return async (email) =>
    directory ? ((await directory.findByEmail(email))?.userId ?? null) : null;
}

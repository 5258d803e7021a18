import type { Kysely } from "kysely";
import { CompactFormatError, parseCompact, serializeCompact } from "../usage/compact.js";
import {
  type Database,
  type DatabaseOptions,
  databaseLocation,
  openDatabase,
  type Schema,
} from "./database.js";
import type { DayCache } from "./day-cache.js";
import { StoreError } from "./errors.js";
import { createStoreFirstSeen, type FirstSeen } from "./first-seen.js";
import { createLedger, type DeliveryLedger } from "./ledger.js";
import { migrate } from "./migrations.js";
import type { Snapshots } from "./snapshots.js";
import { writeStoredDay } from "./stored-days.js";
import { createStoreSubscriptions, type Subscriptions } from "./subscriptions.js";
import type { UserCache } from "./user-cache.js";

/*
 * The store: the ledger, the day cache, DM preferences, the Slack user cache and who was first
 * seen when, on one database.
 */

export type DmPreference = "on" | "off";

export interface Preferences {
  getDmPreference(userId: string): Promise<DmPreference | undefined>;
  setDmPreference(userId: string, value: DmPreference): Promise<void>;
  /** Every stored preference (the digest reads them once per run). */
  allDmPreferences(): Promise<Map<string, DmPreference>>;
  /** The person's own DM time (HH:MM in their Slack time zone), if they chose one. */
  getDmTime(userId: string): Promise<string | undefined>;
  /** `undefined` goes back to the default (DM_LOCAL_TIME). */
  setDmTime(userId: string, time: string | undefined): Promise<void>;
  /** Every chosen DM time, by Slack user id. */
  allDmTimes(): Promise<Map<string, string>>;
}

export interface Store {
  ledger: DeliveryLedger;
  dayCache: DayCache;
  preferences: Preferences;
  userCache: UserCache;
  snapshots: Snapshots;
  /** Digest subscriptions, managed in Slack. */
  subscriptions: Subscriptions;
  /** Each person's first day in the data the bot has (adoption's "new"). */
  firstSeen: FirstSeen;
  database: Database;
  close(): Promise<void>;
}

export interface StoreOptions extends DatabaseOptions {
  /** How long a recent (not yet final) day is reused. */
  recentTtlMs?: number | undefined;
  now?: (() => number) | undefined;
}

/** Open the database, run migrations, and hand out the store's parts. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const database = await openMigrated(options);
  const now = options.now ?? Date.now;
  return {
    database,
    ledger: createLedger(database.db),
    dayCache: createStoreDayCache(database.db, options.recentTtlMs ?? 10 * 60_000, now),
    preferences: createPreferences(database),
    userCache: createStoreUserCache(database.db, now),
    snapshots: createStoreSnapshots(database.db),
    subscriptions: createStoreSubscriptions(database.db, database.location, now),
    firstSeen: createStoreFirstSeen(database.db),
    close: () => database.close(),
  };
}

/**
 * The database, migrated. One that cannot be opened is a StoreError that says where and why
 * (never with the password).
 */
async function openMigrated(options: StoreOptions): Promise<Database> {
  let database: Database | undefined;
  try {
    database = openDatabase(options);
    if (database.dialect === "postgres" && options.schema) {
      await database.db.schema.createSchema(options.schema).ifNotExists().execute();
    }
    await migrate(database.db as unknown as Kysely<unknown>);
    return database;
  } catch (error) {
    await database?.close().catch(() => undefined);
    throw new StoreError(databaseLocation(options), "open", error, {
      secrets: passwordOf(options.databaseUrl),
    });
  }
}

/** The connection string's password, to keep out of messages. */
function passwordOf(databaseUrl: string | undefined): string[] {
  if (!databaseUrl) return [];
  try {
    const password = new URL(databaseUrl).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

function createStoreDayCache(db: Kysely<Schema>, recentTtlMs: number, now: () => number): DayCache {
  return {
    async get(day) {
      const row = await db
        .selectFrom("day_cache")
        .select(["payload", "final", "expires_at"])
        .where("day", "=", day)
        .executeTakeFirst();
      if (!row || (!row.final && row.expires_at <= now())) return undefined;
      try {
        return parseCompact(row.payload);
      } catch (error) {
        // An entry written by another version, or damaged: fetch the day again.
        if (error instanceof CompactFormatError) return undefined;
        throw error;
      }
    },
    async set(day, aggregate, { final, stored, written }) {
      if (written) return;
      await writeStoredDay(db, day, stored ?? serializeCompact(aggregate), {
        final,
        at: now(),
        recentTtlMs,
      });
    },
  };
}

/** Preferences are what people asked for: a failure is a StoreError, which replies explain. */
function createPreferences({ db, location }: Database): Preferences {
  const failed = (operation: string) => (error: unknown) => {
    throw new StoreError(location, operation, error);
  };
  return {
    async getDmPreference(userId) {
      const row = await db
        .selectFrom("preferences")
        .select("dm")
        .where("user_id", "=", userId)
        .executeTakeFirst()
        .catch(failed("read your DM preference"));
      return row?.dm;
    },
    async setDmPreference(userId, dm) {
      const updated_at = Date.now();
      await db
        .insertInto("preferences")
        .values({ user_id: userId, dm, updated_at })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ dm, updated_at }))
        .execute()
        .catch(failed("save your DM preference"));
    },
    async allDmPreferences() {
      const rows = await db
        .selectFrom("preferences")
        .select(["user_id", "dm"])
        .execute()
        .catch(failed("read the DM preferences"));
      return new Map(rows.map((r) => [r.user_id, r.dm]));
    },
    async getDmTime(userId) {
      const row = await db
        .selectFrom("dm_times")
        .select("time")
        .where("user_id", "=", userId)
        .executeTakeFirst()
        .catch(failed("read your DM time"));
      return row?.time;
    },
    async setDmTime(userId, time) {
      if (time === undefined) {
        await db
          .deleteFrom("dm_times")
          .where("user_id", "=", userId)
          .execute()
          .catch(failed("save your DM time"));
        return;
      }
      const updated_at = Date.now();
      await db
        .insertInto("dm_times")
        .values({ user_id: userId, time, updated_at })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ time, updated_at }))
        .execute()
        .catch(failed("save your DM time"));
    },
    async allDmTimes() {
      const rows = await db
        .selectFrom("dm_times")
        .select(["user_id", "time"])
        .execute()
        .catch(failed("read the DM times"));
      return new Map(rows.map((r) => [r.user_id, r.time]));
    },
  };
}

function createStoreUserCache(db: Kysely<Schema>, now: () => number): UserCache {
  return {
    async get(key) {
      const row = await db
        .selectFrom("user_cache")
        .select(["user_id", "name", "tz", "expires_at"])
        .where("key", "=", key)
        .executeTakeFirst();
      if (!row || row.expires_at <= now()) return undefined;
      return {
        userId: row.user_id,
        ...(row.name === null ? {} : { name: row.name }),
        ...(row.tz === null ? {} : { tz: row.tz }),
      };
    },
    async set(key, value, ttlMs) {
      const expires_at = now() + ttlMs;
      const name = value.name || null;
      const tz = value.tz || null;
      await db
        .insertInto("user_cache")
        .values({ key, user_id: value.userId, name, tz, expires_at })
        .onConflict((oc) =>
          oc.column("key").doUpdateSet({ user_id: value.userId, name, tz, expires_at }),
        )
        .execute();
    },
  };
}

function createStoreSnapshots(db: Kysely<Schema>): Snapshots {
  return {
    async get(name) {
      const row = await db
        .selectFrom("snapshots")
        .select(["payload", "fetched_at"])
        .where("name", "=", name)
        .executeTakeFirst();
      return row ? { payload: row.payload, fetchedAt: row.fetched_at } : undefined;
    },
    async put(name, payload, fetched_at) {
      await db
        .insertInto("snapshots")
        .values({ name, payload, fetched_at })
        .onConflict((oc) => oc.column("name").doUpdateSet({ payload, fetched_at }))
        .execute();
    },
  };
}

import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { CompactFormatError, parseCompact } from "../usage/compact.js";
import { peopleOfDay } from "../usage/first-use.js";
import type { Schema } from "./database.js";
import { upsertFirstDays } from "./first-seen.js";

/* Schema migrations, in code, run at start-up. Append new ones; never edit a released one. */

/** Exported for tests that build a database as an earlier release left it. */
export const migrations: Readonly<Record<string, Migration>> = {
  "001_initial": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("deliveries")
        .ifNotExists()
        .addColumn("key", "varchar(400)", (c) => c.primaryKey())
        .addColumn("kind", "varchar(40)", (c) => c.notNull())
        .addColumn("target", "varchar(100)", (c) => c.notNull())
        .addColumn("period", "varchar(40)", (c) => c.notNull())
        .addColumn("status", "varchar(20)", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("owner", "varchar(100)", (c) => c.notNull())
        .addColumn("lease_until", "bigint", (c) => c.notNull())
        .addColumn("channel", "varchar(100)")
        .addColumn("ts", "varchar(40)")
        .addColumn("last_error", "varchar(1000)")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("deliveries_status")
        .ifNotExists()
        .on("deliveries")
        .columns(["status", "kind"])
        .execute();
      await db.schema
        .createTable("day_cache")
        .ifNotExists()
        .addColumn("day", "varchar(10)", (c) => c.primaryKey())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("final", "integer", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("preferences")
        .ifNotExists()
        .addColumn("user_id", "varchar(40)", (c) => c.primaryKey())
        .addColumn("dm", "varchar(3)", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("user_cache")
        .ifNotExists()
        .addColumn("key", "varchar(400)", (c) => c.primaryKey())
        .addColumn("user_id", "varchar(40)")
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  /*
   * Which run a delivery belongs to, so that a restarted process can finish the runs that failed.
   * Nullable: existing rows have no run date, and are simply never re-run at start-up.
   */
  "002_deliveries_run_date": {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("deliveries").addColumn("run_date", "varchar(10)").execute();
      await db.schema
        .createIndex("deliveries_run_date")
        .ifNotExists()
        .on("deliveries")
        .columns(["run_date", "status"])
        .execute();
    },
  },
  /*
   * Who is new: each person's first day in the data the bot has. Days already in the day cache
   * count, so the record starts from them (once, here), one cached day at a time in date order.
   */
  "003_actor_first_seen": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("actor_first_seen")
        .ifNotExists()
        .addColumn("actor_key", "varchar(400)", (c) => c.primaryKey())
        .addColumn("first_day", "varchar(10)", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("actor_first_seen_day")
        .ifNotExists()
        .on("actor_first_seen")
        .column("first_day")
        .execute();
      await backfillFirstSeen(db as unknown as Kysely<Schema>);
    },
  },
  /* Lists read from the Admin API and Slack (members, API keys, user groups), kept between runs. */
  "004_snapshots": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("snapshots")
        .ifNotExists()
        .addColumn("name", "varchar(100)", (c) => c.primaryKey())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("fetched_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  /*
   * People's Slack names, kept with their ids so that reports name them without asking Slack
   * each time. Nullable: older rows have none, and the directory asks again for those.
   */
  "005_user_cache_name": {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("user_cache").addColumn("name", "varchar(200)").execute();
    },
  },
  /*
   * Digest subscriptions managed in Slack (channel, cadence, team, local time and zone), each
   * person's own DM time, and people's Slack time zones kept with their names (DMs go out on the
   * recipient's clock).
   */
  "006_subscriptions": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("subscriptions")
        .ifNotExists()
        .addColumn("id", "varchar(40)", (c) => c.primaryKey())
        .addColumn("channel", "varchar(40)", (c) => c.notNull())
        .addColumn("cadence", "varchar(10)", (c) => c.notNull())
        // "" for the whole org: a unique index treats NULLs as distinct.
        .addColumn("team", "varchar(200)", (c) => c.notNull())
        .addColumn("time", "varchar(5)", (c) => c.notNull())
        .addColumn("time_zone", "varchar(64)", (c) => c.notNull())
        .addColumn("created_by", "varchar(40)", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("subscriptions_target")
        .ifNotExists()
        .on("subscriptions")
        .columns(["channel", "cadence", "team"])
        .unique()
        .execute();
      await db.schema
        .createTable("dm_times")
        .ifNotExists()
        .addColumn("user_id", "varchar(40)", (c) => c.primaryKey())
        .addColumn("time", "varchar(5)", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.alterTable("user_cache").addColumn("tz", "varchar(64)").execute();
    },
  },
};

async function backfillFirstSeen(db: Kysely<Schema>): Promise<void> {
  const { rows: days } = await sql<{ day: string }>`SELECT day FROM day_cache ORDER BY day`.execute(
    db,
  );
  const first = new Map<string, string>();
  for (const { day } of days) {
    const row = await db
      .selectFrom("day_cache")
      .select("payload")
      .where("day", "=", day)
      .executeTakeFirst();
    if (!row) continue;
    let people: string[];
    try {
      people = peopleOfDay(parseCompact(row.payload));
    } catch (error) {
      // Written by another version, or damaged: the loader fetches it again and records it then.
      if (error instanceof CompactFormatError) continue;
      throw error;
    }
    for (const key of people) if (!first.has(key)) first.set(key, day);
  }
  await upsertFirstDays(
    db,
    [...first].map(([actor_key, first_day]) => ({ actor_key, first_day })),
  );
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrate(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";

/*
 * One database, two engines: SQLite in DATA_DIR by default (nothing to run), PostgreSQL when
 * DATABASE_URL is set (several replicas share it). Kysely speaks both, so every query and
 * migration is written once.
 */

/** Millisecond timestamps are BIGINT in PostgreSQL; read them as numbers (safe below 2^53). */
pg.types.setTypeParser(20, (value) => Number(value));

export interface DeliveriesTable {
  key: string;
  kind: string;
  target: string;
  period: string;
  status: "claimed" | "delivered" | "failed";
  attempts: number;
  owner: string;
  lease_until: number;
  channel: string | null;
  ts: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  /**
   * The local date (YYYY-MM-DD) of the run that last claimed it: what to run again after a
   * restart. Null for rows claimed before the column existed, or without a run date.
   */
  run_date: string | null;
}

export interface DayCacheTable {
  day: string;
  payload: string;
  final: number;
  expires_at: number;
  updated_at: number;
}

export interface PreferencesTable {
  user_id: string;
  dm: "on" | "off";
  updated_at: number;
}

export interface UserCacheTable {
  key: string;
  user_id: string | null;
  /** Slack display name; null for misses and rows from before migration 003. */
  name: string | null;
  /** IANA time zone from Slack (users.info `tz`); null for misses and older rows. */
  tz: string | null;
  expires_at: number;
}

/** A digest subscription (store/subscriptions.ts). */
export interface SubscriptionsTable {
  id: string;
  channel: string;
  cadence: "daily" | "weekly" | "monthly";
  /** Lower-case team name; "" for the whole org. */
  team: string;
  /** HH:MM, local to time_zone. */
  time: string;
  time_zone: string;
  created_by: string;
  created_at: number;
}

/** A person's own DM time, HH:MM in their Slack time zone. */
export interface DmTimesTable {
  user_id: string;
  time: string;
  updated_at: number;
}

/** The latest copy of a list read from elsewhere (the org's members, its API keys, teams). */
export interface SnapshotsTable {
  name: string;
  payload: string;
  fetched_at: number;
}

/** The first day each actor appears in the data the bot has (store/first-seen.ts). */
export interface ActorFirstSeenTable {
  actor_key: string;
  /** YYYY-MM-DD, a UTC day. */
  first_day: string;
}

export interface Schema {
  snapshots: SnapshotsTable;
  deliveries: DeliveriesTable;
  day_cache: DayCacheTable;
  preferences: PreferencesTable;
  user_cache: UserCacheTable;
  actor_first_seen: ActorFirstSeenTable;
  subscriptions: SubscriptionsTable;
  dm_times: DmTimesTable;
}

export type Dialect = "sqlite" | "postgres";

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** Where it lives, without credentials (for logs and `doctor`). */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… ; when absent, SQLite in dataDir. */
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (tests isolate themselves in one). */
  schema?: string | undefined;
  /**
   * A pooled PostgreSQL connection was lost (a restart, a failover, a network cut). Nothing to
   * do: the pool drops it and the next query connects again (or fails on its own); this is told,
   * to log it.
   */
  onConnectionLost?: ((error: Error) => void) | undefined;
  /** How long a PostgreSQL query may wait for its answer (default 30 s; tests make it short). */
  queryTimeoutMs?: number | undefined;
}

/** How long a query waits for a new PostgreSQL connection before it fails (a host that is gone). */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long a query waits for its answer: a server that stops answering without closing the
 * connection (a network cut, a hung host) fails the query instead of holding it for ever.
 */
const QUERY_TIMEOUT_MS = 30_000;

export function openDatabase(options: DatabaseOptions): Database {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
    });
    const schema = options.schema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new Error(`invalid schema name: ${schema}`);
    }
    const lost = options.onConnectionLost ?? (() => undefined);
    // An idle connection that dies is an 'error' event on the pool, and one in use between two
    // queries (a transaction) an 'error' event on its client: unheard, either kills the process.
    pool.on("error", () => undefined); // the client's own listener below has told already
    pool.on("connect", (client) => {
      client.on("error", lost);
      if (schema) client.query(`SET search_path TO ${schema}`).catch(() => undefined);
    });
    return {
      db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }),
      dialect: "postgres",
      location: databaseLocation(options),
      async close() {
        await this.db.destroy();
      },
    };
  }
  const dir = options.dataDir ?? "./data";
  mkdirSync(dir, { recursive: true });
  const file = databaseLocation(options);
  const sqlite = new SQLite(file);
  // WAL: readers do not block the writer; busy_timeout: a second process waits instead of failing.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  return {
    db: new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) }),
    dialect: "sqlite",
    location: file,
    async close() {
      await this.db.destroy();
    },
  };
}

/** Where the database is, without credentials: for logs, `doctor` and error messages. */
export function databaseLocation(options: DatabaseOptions): string {
  if (!options.databaseUrl) return join(options.dataDir ?? "./data", "claude-usage.sqlite");
  const schema = options.schema ? ` (schema ${options.schema})` : "";
  try {
    const url = new URL(options.databaseUrl);
    return `${url.protocol}//${url.host}${url.pathname}${schema}`;
  } catch {
    return `an unreadable DATABASE_URL${schema}`;
  }
}

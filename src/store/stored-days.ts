import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Schema } from "./database.js";
import { StoreError } from "./errors.js";

/*
 * A day as the day cache keeps it in the database: one row, written by the store (store.ts) or,
 * on SQLite, by a fetch worker on a connection of its own (loading/day-worker.ts), so that the
 * main thread does not spend ~10 ms on each day of a cold report writing it (docs/PERFORMANCE.md).
 */

export interface StoredDayOptions {
  /** A final day is kept for good; a recent one until `at + recentTtlMs`. */
  final: boolean;
  /** ms since epoch: when it was written. */
  at: number;
  recentTtlMs: number;
}

export async function writeStoredDay(
  db: Kysely<Schema>,
  day: string,
  payload: string,
  { final, at, recentTtlMs }: StoredDayOptions,
): Promise<void> {
  const values = {
    payload,
    final: final ? 1 : 0,
    expires_at: final ? Number.MAX_SAFE_INTEGER : at + recentTtlMs,
    updated_at: at,
  };
  await db
    .insertInto("day_cache")
    .values({ day, ...values })
    .onConflict((oc) => oc.column("day").doUpdateSet(values))
    .execute();
}

export interface SqliteDayWriter {
  /** `payload`: serializeCompact's text of the day. */
  write(day: string, payload: string, final: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * A writer of days into the SQLite store at `file`, on a connection of its own, for another
 * thread. The store must exist and be migrated (openStore) before the first write.
 */
export function openSqliteDayWriter(file: string, recentTtlMs: number): SqliteDayWriter {
  let db: Kysely<Schema> | undefined;
  const connection = () => {
    if (!db) {
      // fileMustExist: a writer never creates a store, it writes into the one the app opened.
      const sqlite = new SQLite(file, { fileMustExist: true });
      // The main thread's writes (the ledger, first-seen) may hold the lock for a moment: wait.
      sqlite.pragma("busy_timeout = 5000");
      db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
    }
    return db;
  };
  return {
    async write(day, payload, final) {
      try {
        await writeStoredDay(connection(), day, payload, { final, at: Date.now(), recentTtlMs });
      } catch (error) {
        throw new StoreError(file, `keep ${day} from a fetch worker`, error);
      }
    },
    async close() {
      await db?.destroy();
      db = undefined;
    },
  };
}

import type { Kysely } from "kysely";
import type { Schema } from "./database.js";

/*
 * The first-seen record: the first day each actor appears in the data the bot has loaded, which
 * is what "new" means in adoption (usage/first-use.ts). It only ever moves earlier: every write
 * is a min-upsert, so replicas sharing PostgreSQL, days loaded in any order and repeats all
 * converge on the same row.
 */

export interface FirstSeen {
  /** These actors were active on `day`: their first day becomes `day` if it is earlier. */
  record(day: string, actorKeys: readonly string[]): Promise<void>;
  /** The actors whose first day is in [from, to] (inclusive UTC days): key → first day. */
  firstIn(from: string, to: string): Promise<Map<string, string>>;
}

/** Rows per statement: two parameters each, well under SQLite's and PostgreSQL's limits. */
const BATCH_ROWS = 500;

/**
 * Min-upsert rows, in batches, in one transaction (one commit per call). Keys go in sorted order,
 * so two replicas writing overlapping keys lock rows in the same order and cannot deadlock.
 */
export async function upsertFirstDays(
  db: Kysely<Schema>,
  rows: readonly { actor_key: string; first_day: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  const sorted = [...rows].sort((a, b) =>
    a.actor_key < b.actor_key ? -1 : a.actor_key > b.actor_key ? 1 : 0,
  );
  const write = async (tx: Kysely<Schema>) => {
    for (let at = 0; at < sorted.length; at += BATCH_ROWS) {
      await tx
        .insertInto("actor_first_seen")
        .values(sorted.slice(at, at + BATCH_ROWS))
        .onConflict((oc) =>
          oc
            .column("actor_key")
            .doUpdateSet({ first_day: (eb) => eb.ref("excluded.first_day") })
            .where("actor_first_seen.first_day", ">", (eb) => eb.ref("excluded.first_day")),
        )
        .execute();
    }
  };
  // A migration runs in a transaction already (PostgreSQL); Kysely does not nest them.
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}

/**
 * The store's record. What this process knows of it is kept in memory (read once, then kept up
 * with its own writes), so that a day already recorded costs no write: the database's day for a
 * key is never later than the one known here, because rows only move earlier.
 */
export function createStoreFirstSeen(db: Kysely<Schema>): FirstSeen {
  let known: Promise<Map<string, string>> | undefined;
  const knownDays = () => {
    known ??= db
      .selectFrom("actor_first_seen")
      .select(["actor_key", "first_day"])
      .execute()
      .then((rows) => new Map(rows.map((r) => [r.actor_key, r.first_day])))
      .catch((error: unknown) => {
        known = undefined; // read again next time
        throw error;
      });
    return known;
  };
  return {
    async record(day, actorKeys) {
      const days = await knownDays();
      const rows = [...new Set(actorKeys)]
        .filter((key) => {
          const first = days.get(key);
          return first === undefined || day < first;
        })
        .map((actor_key) => ({ actor_key, first_day: day }));
      await upsertFirstDays(db, rows);
      for (const { actor_key } of rows) {
        const first = days.get(actor_key);
        if (first === undefined || day < first) days.set(actor_key, day);
      }
    },
    async firstIn(from, to) {
      const rows = await db
        .selectFrom("actor_first_seen")
        .select(["actor_key", "first_day"])
        .where("first_day", ">=", from)
        .where("first_day", "<=", to)
        .execute();
      return new Map(rows.map((r) => [r.actor_key, r.first_day]));
    },
  };
}

/** In memory (tests): the data this process has loaded. */
export function createMemoryFirstSeen(): FirstSeen {
  const days = new Map<string, string>();
  return {
    async record(day, actorKeys) {
      for (const key of actorKeys) {
        const first = days.get(key);
        if (first === undefined || day < first) days.set(key, day);
      }
    },
    async firstIn(from, to) {
      return new Map([...days].filter(([, day]) => day >= from && day <= to));
    },
  };
}

import { setImmediate } from "node:timers/promises";
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

/** Rows the record writes in one transaction; the thread is handed back between them. */
const PIECE_ROWS = 1_000;

/**
 * The store's record. What this process knows of it is kept in memory (read once, then kept up
 * with its own writes), so that a day already recorded costs no write: the database's day for a
 * key is never later than the one known here, because rows only move earlier.
 *
 * Days recorded while a write is under way wait for the next write, which takes everything they
 * added at once, each person at their earliest day: a cold report loads its days out of order, and
 * writing each day's people as it came in moved the same people's first day again and again
 * (~100,000 rows written for a 60-day report at 10,000 people; merged, about one per person). A
 * write goes in pieces of PIECE_ROWS, each its own transaction and task, so that a Slack ack is not
 * kept waiting behind it (docs/PERFORMANCE.md). `record` resolves once its people are written.
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
  /** Recorded, not yet being written: key → earliest day. */
  let pending = new Map<string, string>();
  /** The write that will take `pending`, once the one under way is done. */
  let next: Promise<void> | undefined;
  let last: Promise<void> = Promise.resolve();

  async function write(days: Map<string, string>): Promise<void> {
    next = undefined; // what is recorded from now on goes into the write after this one
    const taken = pending;
    pending = new Map();
    const rows = [...taken]
      .filter(([key, day]) => {
        const first = days.get(key);
        return first === undefined || day < first;
      })
      .map(([actor_key, first_day]) => ({ actor_key, first_day }));
    for (let at = 0; at < rows.length; at += PIECE_ROWS) {
      if (at > 0) await setImmediate();
      const piece = rows.slice(at, at + PIECE_ROWS);
      await upsertFirstDays(db, piece);
      for (const { actor_key, first_day } of piece) {
        const first = days.get(actor_key);
        if (first === undefined || first_day < first) days.set(actor_key, first_day);
      }
    }
  }

  return {
    async record(day, actorKeys) {
      const days = await knownDays();
      let waits = false;
      for (const key of actorKeys) {
        const first = days.get(key);
        if (first !== undefined && first <= day) continue;
        waits = true;
        const queued = pending.get(key);
        if (queued === undefined || day < queued) pending.set(key, day);
      }
      if (!waits) return;
      if (!next) {
        // After the write under way, failed or not: a failure is its own callers' to hear.
        next = last.catch(() => undefined).then(() => write(days));
        last = next;
      }
      await next;
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

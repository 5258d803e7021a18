import type { ExpressionBuilder, Kysely } from "kysely";
import type { DeliveriesTable, Schema } from "./database.js";

/*
 * The delivery ledger: every message the bot posts on its own (digests, DMs, alerts) has a key,
 * and is posted only by whoever holds the key's claim. A claim is taken atomically — an insert
 * that only one writer wins, or a conditional update that only one writer can match — and carries
 * a lease: if its holder dies, another run takes it over once the lease has run out.
 *
 *   claim ──renew, post──▶ markDelivered(ts)  (done; never posted again)
 *     │   └─error────────▶ markFailed         (retried by a later run, up to maxAttempts)
 *     └─crash────────────▶ lease runs out → takeover (`resumed: true`: the post may have gone
 *                          out; the caller looks for it in Slack before posting again)
 *
 * `renew` before every post keeps the claim for the post's duration and tells a run that lost
 * its claim (it stalled past the lease and another run took over) not to post.
 *
 * A claim records the local date of the run that made it, so that a restarted process can ask
 * `unfinished` which runs to repeat: retries waiting in a timer die with the process.
 */

export interface DeliveryKey {
  /** digest | dm | alert … */
  kind: string;
  /** Channel or user id. */
  target: string;
  /** The period delivered, e.g. "2026-11-24" or "2026-11-16..2026-11-22". */
  period: string;
}

export type Delivery = DeliveriesTable;

export type ClaimResult =
  /** Yours to post. `resumed`: an earlier claim lapsed or failed, so look before posting. */
  | { status: "claimed"; resumed: boolean; attempts: number }
  | { status: "delivered"; delivery: Delivery }
  /** Someone else holds a live claim right now. */
  | { status: "busy"; owner: string }
  /** Failed too often; left for a person to look at. */
  | { status: "gave-up"; delivery: Delivery };

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  maxAttempts: number;
  now?: number;
  /**
   * The local date (YYYY-MM-DD) of the run claiming it, recorded so that a restarted process
   * knows which run to repeat if the delivery is left unfinished (see `unfinished`).
   */
  runDate?: string | undefined;
}

export interface DeliveryLedger {
  claim(key: DeliveryKey, options: ClaimOptions): Promise<ClaimResult>;
  markDelivered(
    key: DeliveryKey,
    owner: string,
    where: { channel: string; ts: string },
  ): Promise<boolean>;
  /** False when `owner` no longer held the claim (another run took it over). */
  markFailed(key: DeliveryKey, owner: string, error: string): Promise<boolean>;
  /**
   * Extend a live claim's lease, if `owner` still holds it. False means the claim was lost (it
   * lapsed and another run took it over, or it was settled): the caller must not post.
   */
  renew(key: DeliveryKey, owner: string, leaseMs: number, now?: number): Promise<boolean>;
  get(key: DeliveryKey): Promise<Delivery | undefined>;
  list(filter?: { kind?: string; status?: Delivery["status"] }): Promise<Delivery[]>;
  /**
   * The run dates, oldest first, on or after `since` (YYYY-MM-DD) that left a delivery a later
   * claim would take: failed with attempts left (under `maxAttempts`, the limit claims use), or
   * claimed by a holder whose lease ran out by `now`. Rows without a run date are not included.
   */
  unfinished(options: { since: string; maxAttempts: number; now?: number }): Promise<string[]>;
}

export function deliveryKey(key: DeliveryKey): string {
  return `${key.kind}:${key.target}:${key.period}`;
}

export function createLedger(db: Kysely<Schema>): DeliveryLedger {
  async function get(key: DeliveryKey) {
    return db
      .selectFrom("deliveries")
      .selectAll()
      .where("key", "=", deliveryKey(key))
      .executeTakeFirst();
  }

  return {
    get,

    async claim(key, { owner, leaseMs, maxAttempts, now = Date.now(), runDate }) {
      const id = deliveryKey(key);
      const inserted = await db
        .insertInto("deliveries")
        .values({
          key: id,
          kind: key.kind,
          target: key.target,
          period: key.period,
          status: "claimed",
          attempts: 1,
          owner,
          lease_until: now + leaseMs,
          channel: null,
          ts: null,
          last_error: null,
          created_at: now,
          updated_at: now,
          run_date: runDate ?? null,
        })
        .onConflict((oc) => oc.column("key").doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
        return { status: "claimed", resumed: false, attempts: 1 };
      }

      // Take over a failed delivery (attempts left) or a claim whose holder's lease ran out.
      const taken = await db
        .updateTable("deliveries")
        .set((eb) => ({
          status: "claimed",
          owner,
          lease_until: now + leaseMs,
          attempts: eb("attempts", "+", 1),
          updated_at: now,
          // The run taking it over is now the one to repeat if it is left unfinished again.
          ...(runDate ? { run_date: runDate } : {}),
        }))
        .where("key", "=", id)
        .where((eb) => takeable(eb, maxAttempts, now))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) {
        const row = await get(key);
        return { status: "claimed", resumed: true, attempts: row?.attempts ?? 0 };
      }

      const row = await get(key);
      if (!row) return { status: "busy", owner: "unknown" };
      if (row.status === "delivered") return { status: "delivered", delivery: row };
      if (row.status === "failed") return { status: "gave-up", delivery: row };
      return { status: "busy", owner: row.owner };
    },

    async markDelivered(key, owner, where) {
      const result = await db
        .updateTable("deliveries")
        .set({
          status: "delivered",
          channel: where.channel,
          ts: where.ts,
          last_error: null,
          updated_at: Date.now(),
        })
        .where("key", "=", deliveryKey(key))
        .where("owner", "=", owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markFailed(key, owner, error) {
      const result = await db
        .updateTable("deliveries")
        .set({
          status: "failed",
          last_error: error.slice(0, 1000),
          lease_until: 0,
          updated_at: Date.now(),
        })
        .where("key", "=", deliveryKey(key))
        .where("owner", "=", owner)
        .where("status", "=", "claimed")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async renew(key, owner, leaseMs, now = Date.now()) {
      const result = await db
        .updateTable("deliveries")
        .set({ lease_until: now + leaseMs, updated_at: now })
        .where("key", "=", deliveryKey(key))
        .where("owner", "=", owner)
        .where("status", "=", "claimed")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async list(filter = {}) {
      let query = db.selectFrom("deliveries").selectAll();
      if (filter.kind) query = query.where("kind", "=", filter.kind);
      if (filter.status) query = query.where("status", "=", filter.status);
      return query.orderBy("key").execute();
    },

    async unfinished({ since, maxAttempts, now = Date.now() }) {
      const rows = await db
        .selectFrom("deliveries")
        .select("run_date")
        .distinct()
        .where("run_date", "is not", null)
        .where("run_date", ">=", since)
        .where((eb) => takeable(eb, maxAttempts, now))
        .orderBy("run_date")
        .execute();
      return rows.flatMap((r) => (r.run_date ? [r.run_date] : []));
    },
  };
}

/**
 * What a claim may take over: a failed delivery with attempts left, or a claim whose holder's
 * lease ran out. One condition for `claim` and `unfinished`, so that they agree.
 */
function takeable(eb: ExpressionBuilder<Schema, "deliveries">, maxAttempts: number, now: number) {
  return eb.or([
    eb.and([eb("status", "=", "failed"), eb("attempts", "<", maxAttempts)]),
    eb.and([eb("status", "=", "claimed"), eb("lease_until", "<", now)]),
  ]);
}

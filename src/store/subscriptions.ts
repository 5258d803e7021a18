import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Schema } from "./database.js";
import { StoreError } from "./errors.js";

/*
 * Digest subscriptions: which channel gets which digest (daily, weekly, monthly; the org's or a
 * team's), at what local time. Managed in Slack (`/claude-usage subscribe`, the admin modal);
 * DIGEST_CHANNELS and TEAM_DIGESTS seed them once, on the first start that finds none.
 * Defined here with the store that implements them; a memory version for runs without a store.
 */

export type Cadence = "daily" | "weekly" | "monthly";
export const CADENCES: readonly Cadence[] = ["daily", "weekly", "monthly"];

export interface Subscription {
  id: string;
  /** Slack channel id (C…, G…). */
  channel: string;
  cadence: Cadence;
  /** Lower-case team name, or undefined for the whole org. */
  team?: string | undefined;
  /** HH:MM in `timeZone`. */
  time: string;
  /** IANA zone. */
  timeZone: string;
  /** Slack user id of who subscribed it; "config" for the seeded ones. */
  createdBy: string;
  /** Epoch ms. */
  createdAt: number;
}

export type NewSubscription = Omit<Subscription, "id" | "createdAt">;

/** What identifies a subscription: one digest of a cadence and team per channel. */
export interface SubscriptionTarget {
  channel: string;
  cadence: Cadence;
  team?: string | undefined;
}

export interface Subscriptions {
  /** Every subscription, oldest first. */
  list(): Promise<Subscription[]>;
  /** Adds it, or says which one already exists for the same channel, cadence and team. */
  add(
    subscription: NewSubscription,
  ): Promise<
    { added: true; subscription: Subscription } | { added: false; existing: Subscription }
  >;
  /** Removes those matching (every cadence when `cadence` is undefined); how many went. */
  remove(target: {
    channel: string;
    cadence?: Cadence | undefined;
    team?: string | undefined;
  }): Promise<Subscription[]>;
  /** Changes the time of one subscription; false when it no longer exists. */
  setTime(id: string, time: string, timeZone: string): Promise<boolean>;
  /**
   * Adds `seed` unless seeding was done before (by any replica): true when this call seeded.
   * A later change in Slack is never overwritten by the configuration. An empty seed seeds
   * nothing and marks nothing: a first run before DIGEST_CHANNELS is set (a CLI report, say)
   * must not keep the channels set afterwards from being seeded.
   */
  seedOnce(seed: readonly NewSubscription[]): Promise<boolean>;
}

/** The marker that seeding happened, in the snapshots table. */
const SEEDED = "subscriptions-seeded";

const sameTarget = (a: SubscriptionTarget, b: SubscriptionTarget) =>
  a.channel === b.channel && a.cadence === b.cadence && (a.team ?? "") === (b.team ?? "");

export function createMemorySubscriptions(now: () => number = Date.now): Subscriptions {
  const kept: Subscription[] = [];
  let seeded = false;
  const add: Subscriptions["add"] = async (subscription) => {
    const existing = kept.find((s) => sameTarget(s, subscription));
    if (existing) return { added: false, existing };
    const created = { ...subscription, id: randomUUID(), createdAt: now() };
    kept.push(created);
    return { added: true, subscription: created };
  };
  return {
    list: async () => kept.map((s) => ({ ...s })),
    add,
    async remove(target) {
      const gone = kept.filter(
        (s) =>
          s.channel === target.channel &&
          (target.cadence === undefined || s.cadence === target.cadence) &&
          (s.team ?? "") === (target.team ?? ""),
      );
      for (const s of gone) kept.splice(kept.indexOf(s), 1);
      return gone;
    },
    async setTime(id, time, timeZone) {
      const found = kept.find((s) => s.id === id);
      if (!found) return false;
      found.time = time;
      found.timeZone = timeZone;
      return true;
    },
    async seedOnce(seed) {
      if (seeded || seed.length === 0) return false;
      seeded = true;
      for (const s of seed) await add(s);
      return true;
    },
  };
}

type Row = Schema["subscriptions"];

function fromRow(row: Row): Subscription {
  return {
    id: row.id,
    channel: row.channel,
    cadence: row.cadence,
    team: row.team === "" ? undefined : row.team,
    time: row.time,
    timeZone: row.time_zone,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

export function createStoreSubscriptions(
  db: Kysely<Schema>,
  location: string,
  now: () => number = Date.now,
): Subscriptions {
  const failed = (operation: string) => (error: unknown) => {
    throw new StoreError(location, operation, error);
  };
  const find = (target: SubscriptionTarget) =>
    db
      .selectFrom("subscriptions")
      .selectAll()
      .where("channel", "=", target.channel)
      .where("cadence", "=", target.cadence)
      .where("team", "=", target.team ?? "")
      .executeTakeFirst();
  const add: Subscriptions["add"] = async (subscription) => {
    const row: Row = {
      id: randomUUID(),
      channel: subscription.channel,
      cadence: subscription.cadence,
      team: subscription.team ?? "",
      time: subscription.time,
      time_zone: subscription.timeZone,
      created_by: subscription.createdBy,
      created_at: now(),
    };
    const inserted = await db
      .insertInto("subscriptions")
      .values(row)
      .onConflict((oc) => oc.columns(["channel", "cadence", "team"]).doNothing())
      .executeTakeFirst()
      .catch(failed("save the subscription"));
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
      return { added: true, subscription: fromRow(row) };
    }
    const existing = await find(subscription).catch(failed("read the subscriptions"));
    // Removed again between the two statements: as good as added by someone else and removed.
    return existing
      ? { added: false, existing: fromRow(existing) }
      : { added: true, subscription: fromRow(row) };
  };
  return {
    async list() {
      const rows = await db
        .selectFrom("subscriptions")
        .selectAll()
        // Deterministic for rows added in the same millisecond (the seed).
        .orderBy("created_at")
        .orderBy("channel")
        .orderBy("cadence")
        .orderBy("team")
        .execute()
        .catch(failed("read the subscriptions"));
      return rows.map(fromRow);
    },
    add,
    async remove(target) {
      let query = db
        .deleteFrom("subscriptions")
        .where("channel", "=", target.channel)
        .where("team", "=", target.team ?? "");
      if (target.cadence) query = query.where("cadence", "=", target.cadence);
      const rows = await query.returningAll().execute().catch(failed("remove the subscription"));
      return rows.map(fromRow);
    },
    async setTime(id, time, timeZone) {
      const result = await db
        .updateTable("subscriptions")
        .set({ time, time_zone: timeZone })
        .where("id", "=", id)
        .executeTakeFirst()
        .catch(failed("change the subscription's time"));
      return Number(result.numUpdatedRows) > 0;
    },
    async seedOnce(seed) {
      if (seed.length === 0) return false;
      // The marker's insert is the lock: of two replicas starting at once, one seeds.
      const marked = await db
        .insertInto("snapshots")
        .values({ name: SEEDED, payload: "{}", fetched_at: now() })
        .onConflict((oc) => oc.column("name").doNothing())
        .executeTakeFirst()
        .catch(failed("seed the subscriptions"));
      if (Number(marked.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      for (const s of seed) await add(s);
      return true;
    },
  };
}

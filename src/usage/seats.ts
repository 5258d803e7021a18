import { differenceInCalendarDays } from "date-fns";
import { parseActorKey, userKey } from "./actor-key.js";
import { utcDay } from "./periods.js";
import { UNASSIGNED } from "./teams.js";

/*
 * Seats: who has a seat in the organisation and whether they use Claude Code. Pure: the members
 * come from the Admin API, the activity from the days the bot has.
 */

/** Days without use after which a seat counts as idle, shortest first. */
export const IDLE_THRESHOLDS = [14, 30] as const;

export interface SeatMember {
  email: string;
  name: string | null;
  role: string | null;
  /** YYYY-MM-DD, when known. */
  addedOn: string | null;
}

export interface Seat extends SeatMember {
  /** The last UTC day with any use, or null when never seen in the data the bot has. */
  lastActive: string | null;
  /** Days since `lastActive` (to `through`); null when never active. */
  idleDays: number | null;
  activeInPeriod: boolean;
}

export interface SeatSummary {
  members: number;
  /** Members active in the period. */
  active: number;
  /** Members never seen since the bot has data. */
  never: number;
  /** Members last active at least N days ago (never-active ones not counted), per threshold. */
  idle: Record<(typeof IDLE_THRESHOLDS)[number], number>;
  /** People who used Claude Code in the period but are not members (left, or another org's key). */
  activeNotMembers: number;
  seats: Seat[];
}

export interface SeatsInput {
  members: readonly SeatMember[];
  /** Each person's last active UTC day (by lower-case email), as the bot knows it. */
  lastActive: (email: string) => string | undefined;
  /** Emails of the people active in the period. */
  activeInPeriod: ReadonlySet<string>;
  /** The last UTC day of the period: idleness is counted to it. */
  through: string;
}

/** Every member's seat, least used first: never active, then longest idle, then by email. */
export function seatsOf(input: SeatsInput): SeatSummary {
  const through = utcDay(input.through);
  const memberEmails = new Set<string>();
  const seats: Seat[] = input.members.map((member) => {
    const email = member.email.toLowerCase();
    memberEmails.add(email);
    const last = input.lastActive(email) ?? null;
    return {
      ...member,
      email,
      lastActive: last,
      idleDays: last === null ? null : Math.max(0, differenceInCalendarDays(through, utcDay(last))),
      activeInPeriod: input.activeInPeriod.has(email),
    };
  });
  seats.sort(
    (a, b) =>
      (b.idleDays ?? Number.POSITIVE_INFINITY) - (a.idleDays ?? Number.POSITIVE_INFINITY) ||
      a.email.localeCompare(b.email),
  );
  const idle = Object.fromEntries(
    IDLE_THRESHOLDS.map((days) => [
      days,
      seats.filter((s) => s.idleDays !== null && s.idleDays >= days).length,
    ]),
  ) as SeatSummary["idle"];
  return {
    members: seats.length,
    active: seats.filter((s) => s.activeInPeriod).length,
    never: seats.filter((s) => s.lastActive === null).length,
    idle,
    activeNotMembers: [...input.activeInPeriod].filter((email) => !memberEmails.has(email)).length,
    seats,
  };
}

/** One team's seats: its members who hold one, and how many of them use it. */
export interface TeamSeats {
  team: string;
  /** Team members with a seat (on the org's member list). */
  members: number;
  active: number;
  never: number;
  /** People in the team who are not on the member list (no seat, or left). */
  withoutSeat: number;
}

/**
 * Seats per team. A person in two teams counts in both; seat holders in no team make the
 * "Unassigned" row (last, only when there are some). API keys in a team are not seats.
 */
export function teamSeatsOf(
  seats: readonly Seat[],
  teams: readonly { name: string; members: ReadonlySet<string> }[],
): TeamSeats[] {
  const byKey = new Map(seats.map((seat) => [userKey(seat.email), seat]));
  const assigned = new Set<string>();
  const rows = teams.map((team) => {
    const held: Seat[] = [];
    let withoutSeat = 0;
    for (const key of team.members) {
      const actor = parseActorKey(key);
      if (actor.type !== "user") continue;
      const seat = byKey.get(userKey(actor.email));
      if (!seat) {
        withoutSeat++;
        continue;
      }
      assigned.add(seat.email);
      held.push(seat);
    }
    return { team: team.name, ...counts(held), withoutSeat };
  });
  const rest = seats.filter((seat) => !assigned.has(seat.email));
  if (rest.length > 0) rows.push({ team: UNASSIGNED, ...counts(rest), withoutSeat: 0 });
  return rows;
}

function counts(seats: readonly Seat[]) {
  return {
    members: seats.length,
    active: seats.filter((s) => s.activeInPeriod).length,
    never: seats.filter((s) => s.lastActive === null).length,
  };
}

/** An API key as the roster lists it, with what the bot saw it used for. */
export interface ApiKeySeat {
  name: string;
  workspaceId: string | null;
  status: string | null;
  /** The creator's email when their id is a member's, else the id; null when not known. */
  creator: string | null;
  lastActive: string | null;
  activeInPeriod: boolean;
  /** Spend in the period, micro-dollars. */
  costMicros: number;
}

export interface ApiKeysSummary {
  /** Keys on the org's list. */
  keys: number;
  /** Of them, used in the period. */
  active: number;
  /** Least used first: not used in the period (never, then longest idle), then by spend. */
  list: ApiKeySeat[];
}

export interface ApiKeysInput {
  keys: readonly {
    name: string;
    workspace_id: string | null;
    status: string | null;
    created_by: { id: string; type: string | null } | null;
  }[];
  /** Members by id, for the creator's email. */
  members: readonly { id: string; email: string }[];
  /** What the bot saw of a key, by its name. */
  usage: (
    name: string,
  ) => { lastActive: string; costMicros: number; inPeriod: boolean } | undefined;
}

export function apiKeysOf(input: ApiKeysInput): ApiKeysSummary {
  const emailOfId = new Map(input.members.map((m) => [m.id, m.email.toLowerCase()]));
  const list: ApiKeySeat[] = input.keys.map((key) => {
    const used = input.usage(key.name);
    const by = key.created_by?.id ?? null;
    return {
      name: key.name,
      workspaceId: key.workspace_id,
      status: key.status,
      creator: by === null ? null : (emailOfId.get(by) ?? by),
      lastActive: used?.lastActive ?? null,
      activeInPeriod: used?.inPeriod ?? false,
      costMicros: used?.inPeriod ? used.costMicros : 0,
    };
  });
  list.sort(
    (a, b) =>
      Number(a.activeInPeriod) - Number(b.activeInPeriod) ||
      (a.lastActive ?? "").localeCompare(b.lastActive ?? "") ||
      a.costMicros - b.costMicros ||
      a.name.localeCompare(b.name),
  );
  return { keys: list.length, active: list.filter((k) => k.activeInPeriod).length, list };
}

import { differenceInCalendarDays } from "date-fns";
import { utcDay } from "./periods.js";

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

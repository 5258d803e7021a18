import type { AnthropicApiError } from "../anthropic/errors.js";
import type { RosterLoader } from "../loading/roster.js";
import type { TeamsLoader } from "../loading/teams.js";
import type { UsageLoader } from "../loading/usage-loader.js";
import type { FirstSeen } from "../store/first-seen.js";
import { parseActorKey, userKey } from "../usage/actor-key.js";
import { ACTOR_TYPES } from "../usage/compact.js";
import { COLUMN, WIDTH } from "../usage/metrics.js";
import { type Period, shiftDay } from "../usage/periods.js";
import {
  type ApiKeysSummary,
  apiKeysOf,
  type SeatSummary,
  seatsOf,
  type TeamSeats,
  teamSeatsOf,
} from "../usage/seats.js";

/*
 * Seats: the org's members (the Admin API's list, kept a day) against who used Claude Code. Each
 * member's last active day is read from the days of the window (the day cache makes it cheap
 * once warm); someone not in it but in the first-seen record was last active before it.
 */

export type SeatsReport =
  | {
      ok: true;
      period: Period;
      summary: SeatSummary;
      /** Seats per team (Unassigned last), when teams are configured. */
      teams: TeamSeats[] | undefined;
      /** The teams of each member in one (by email), when teams are configured. */
      memberTeams: Record<string, string[]> | undefined;
      /** The org's API keys against their use; undefined when the key list could not be read. */
      apiKeys: ApiKeysSummary | undefined;
      /** The days looked at for last active days (ending with the period). */
      window: { from: string; to: string };
      /** Members the API sent that could not be read. */
      invalid: number;
      /** The member list is older than a day because the API failed now. */
      stale: boolean;
    }
  | {
      ok: false;
      /** What is missing, in words. */
      missing: string;
      /** How to fix it. */
      fix: string;
      error?: AnthropicApiError | undefined;
    };

/** Without a member list at all (a surface built without one). */
export const NO_ROSTER: SeatsReport = {
  ok: false,
  missing: "This installation does not read the organisation's members.",
  fix: "Run the bot or the CLI with ANTHROPIC_ADMIN_KEY set (an Admin API key).",
};

export interface SeatsDeps {
  loader: Pick<UsageLoader, "loadDayParts">;
  roster: RosterLoader;
  firstSeen?: FirstSeen | undefined;
  /** Teams, for seats per team (TEAMS_FILE, TEAMS_FROM_USERGROUPS). */
  teams?: TeamsLoader | undefined;
  /** How many days back last active days are read (MAX_PERIOD_DAYS). */
  windowDays: number;
}

export async function loadSeats(deps: SeatsDeps, period: Period): Promise<SeatsReport> {
  const members = await deps.roster.members();
  if (!members.ok) return refused(members.error);
  const windowDays = Math.max(deps.windowDays, period.days.length);
  const days = Array.from({ length: windowDays }, (_, i) =>
    shiftDay(period.to, i - windowDays + 1),
  );
  const parts = await deps.loader.loadDayParts(days);

  const last = new Map<string, string>();
  const inPeriod = new Set<string>();
  const keyUse = new Map<string, { lastActive: string; costMicros: number; inPeriod: boolean }>();
  parts.forEach((part, i) => {
    const day = days[i] as string;
    const { keys, types, data } = part.actors;
    for (let row = 0; row < keys.length; row++) {
      const type = ACTOR_TYPES[types[row] ?? 2];
      const cost = data[row * WIDTH + COLUMN.costMicros] ?? 0;
      const used = cost > 0 || (data[row * WIDTH + COLUMN.sessions] ?? 0) > 0;
      if (!used) continue;
      if (type === "api_key") {
        const actor = parseActorKey(keys[row] as string);
        if (actor.type === "api_key") noteKeyUse(keyUse, actor.name, day, cost, period);
        continue;
      }
      if (type !== "user") continue;
      const email = emailOf(keys[row] as string);
      if (!email) continue;
      if ((last.get(email) ?? "") < day) last.set(email, day);
      if (day >= period.from && day <= period.to) inPeriod.add(email);
    }
  });
  // Seen before the window: active then, idle at least since. Their first day stands in for a
  // last day the bot no longer reads, which only makes them look idle longer than the window.
  const before = await deps.firstSeen
    ?.firstIn("0000-01-01", shiftDay(days[0] as string, -1))
    .catch(() => undefined);
  for (const [key, first] of before ?? []) {
    const email = emailOf(key);
    if (email && !last.has(email)) last.set(email, first);
  }

  const summary = seatsOf({
    members: members.items.map((m) => ({
      email: m.email,
      name: m.name,
      role: m.role,
      addedOn: m.added_at?.slice(0, 10) ?? null,
    })),
    lastActive: (email) => last.get(email),
    activeInPeriod: inPeriod,
    through: period.to,
  });
  const roster = deps.teams?.configured ? (await deps.teams.teams()).roster : undefined;
  const teams = roster ? teamSeatsOf(summary.seats, roster.teams) : undefined;
  const memberTeams = roster
    ? Object.fromEntries(
        summary.seats
          .map(
            (seat) => [seat.email, roster.teamsOf(userKey(seat.email)).map((t) => t.name)] as const,
          )
          .filter(([, names]) => names.length > 0),
      )
    : undefined;
  const keyList = await deps.roster.apiKeys();
  const apiKeys = keyList.ok
    ? apiKeysOf({ keys: keyList.items, members: members.items, usage: (name) => keyUse.get(name) })
    : undefined;
  return {
    ok: true,
    period,
    summary,
    teams,
    memberTeams,
    apiKeys,
    window: { from: days[0] as string, to: period.to },
    invalid: members.invalid,
    stale: members.staleBecause !== undefined,
  };
}

function noteKeyUse(
  use: Map<string, { lastActive: string; costMicros: number; inPeriod: boolean }>,
  name: string,
  day: string,
  costMicros: number,
  period: Period,
): void {
  const seen = use.get(name) ?? { lastActive: day, costMicros: 0, inPeriod: false };
  if (seen.lastActive < day) seen.lastActive = day;
  if (day >= period.from && day <= period.to) {
    seen.inPeriod = true;
    seen.costMicros += costMicros;
  }
  use.set(name, seen);
}

function emailOf(actorKey: string): string | undefined {
  const actor = parseActorKey(actorKey);
  return actor.type === "user" ? actor.email.toLowerCase() : undefined;
}

function refused(error: AnthropicApiError): SeatsReport {
  if (error.kind === "auth" || error.status === 403 || error.status === 404) {
    return {
      ok: false,
      missing: "The admin key cannot read the organisation's members.",
      fix: "Use an Admin API key (sk-ant-admin…) of an organisation admin in ANTHROPIC_ADMIN_KEY; usage reports keep working meanwhile.",
      error,
    };
  }
  return {
    ok: false,
    missing: "The organisation's member list could not be read right now.",
    fix: "Try again in a few minutes.",
    error,
  };
}

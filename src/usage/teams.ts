import type { ActorRow } from "./report.js";
import { closest } from "./suggest.js";

/*
 * Teams: who belongs where, and a period's numbers per team. Pure.
 *
 * A person (or an API key) may be in several teams: each team's totals count them, the org's
 * count them once (the org report is built from actors, not from teams). Active people in no team
 * are "Unassigned": shown, never dropped.
 */

export const UNASSIGNED = "Unassigned";

/** One row of membership, from the teams file or a Slack user group. */
export interface Membership {
  /** The member's actor key (`user:<email>` or `api_key:<name>`). */
  actorKey: string;
  team: string;
  costCenter?: string | undefined;
  /** The Slack user group's handle, when the team comes from one. */
  handle?: string | undefined;
}

/** A manager (lead) of a team, by email: they may be asked to see the team's report. */
export interface TeamLead {
  team: string;
  email: string;
}

export interface Team {
  name: string;
  handle: string | undefined;
  members: ReadonlySet<string>;
  costCenters: readonly string[];
  managers: readonly string[];
}

export interface TeamRoster {
  /** By name, case-insensitively ordered. */
  teams: readonly Team[];
  teamsOf(actorKey: string): readonly Team[];
  /** A team by name or Slack handle (`backend`, `@backend`, `Backend`), if there is one. */
  find(query: string): Team | undefined;
}

const norm = (name: string) => name.trim().replace(/^@/, "").toLowerCase();

/** Folds memberships into teams; a team named twice (any case) is one team, named as first seen. */
export function buildRoster(
  memberships: Iterable<Membership>,
  leads: Iterable<TeamLead> = [],
): TeamRoster {
  const byId = new Map<
    string,
    {
      name: string;
      handle: string | undefined;
      members: Set<string>;
      costCenters: Set<string>;
      managers: Set<string>;
    }
  >();
  for (const { team: named, ...row } of memberships) {
    const name = named.trim();
    if (!name) continue;
    const id = norm(name);
    let team = byId.get(id);
    if (!team) {
      team = {
        name,
        handle: undefined,
        members: new Set(),
        costCenters: new Set(),
        managers: new Set(),
      };
      byId.set(id, team);
    }
    team.members.add(row.actorKey);
    if (row.costCenter) team.costCenters.add(row.costCenter);
    team.handle ??= row.handle;
  }
  for (const lead of leads) byId.get(norm(lead.team))?.managers.add(lead.email.toLowerCase());
  const teams: Team[] = [...byId.values()]
    .map((t) => ({
      name: t.name,
      handle: t.handle,
      members: t.members,
      costCenters: [...t.costCenters].sort(),
      managers: [...t.managers].sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }));
  const ofActor = new Map<string, Team[]>();
  for (const team of teams) {
    for (const key of team.members) {
      const list = ofActor.get(key) ?? [];
      list.push(team);
      ofActor.set(key, list);
    }
  }
  const byQuery = new Map<string, Team>();
  for (const team of teams) {
    byQuery.set(norm(team.name), team);
    if (team.handle) byQuery.set(norm(team.handle), team);
  }
  return {
    teams,
    teamsOf: (actorKey) => ofActor.get(actorKey) ?? [],
    find: (query) => byQuery.get(norm(query)),
  };
}

/** A team's numbers for a period, beside the others. */
export interface TeamRow {
  /** The team's name, or UNASSIGNED. */
  name: string;
  /** Members on the roster (for Unassigned: the active people in no team). */
  members: number;
  /** Members with any activity in the period. */
  active: number;
  costCents: number;
  /** The same members' spend in the baseline, when there was one. */
  previousCostCents: number | null;
  sessions: number;
  linesAdded: number;
  pullRequests: number;
  /** Spend per active member; null when nobody was active. */
  costPerActiveCents: number | null;
}

type ActorNumbers = Pick<
  ActorRow,
  "key" | "costCents" | "sessions" | "linesAdded" | "pullRequests"
>;

/**
 * Every team's numbers for a period (biggest spend first), and Unassigned last for the active
 * actors in no team. `previousCosts` is each actor's spend in the baseline, cents (people who
 * stopped included), or null without a baseline.
 */
export function teamRows(
  actors: readonly ActorNumbers[],
  roster: TeamRoster,
  previousCosts: ReadonlyMap<string, number> | null,
): TeamRow[] {
  const byKey = new Map(actors.map((actor) => [actor.key, actor]));
  const row = (name: string, members: number, keys: Iterable<string>): TeamRow => {
    const sum = {
      active: 0,
      costCents: 0,
      previous: 0,
      sessions: 0,
      linesAdded: 0,
      pullRequests: 0,
    };
    for (const key of keys) {
      sum.previous += previousCosts?.get(key) ?? 0;
      const actor = byKey.get(key);
      if (!actor) continue;
      if (actor.costCents === 0 && actor.sessions === 0) continue;
      sum.active++;
      sum.costCents += actor.costCents;
      sum.sessions += actor.sessions;
      sum.linesAdded += actor.linesAdded;
      sum.pullRequests += actor.pullRequests;
    }
    return {
      name,
      members,
      active: sum.active,
      costCents: sum.costCents,
      previousCostCents: previousCosts ? sum.previous : null,
      sessions: sum.sessions,
      linesAdded: sum.linesAdded,
      pullRequests: sum.pullRequests,
      costPerActiveCents: sum.active > 0 ? sum.costCents / sum.active : null,
    };
  };
  const rows = roster.teams
    .map((team) => row(team.name, team.members.size, team.members))
    .sort((a, b) => b.costCents - a.costCents || a.name.localeCompare(b.name));
  const unassigned = actors
    .filter((actor) => roster.teamsOf(actor.key).length === 0)
    .filter((actor) => actor.costCents > 0 || actor.sessions > 0)
    .map((actor) => actor.key);
  if (unassigned.length > 0) rows.push(row(UNASSIGNED, unassigned.length, unassigned));
  return rows;
}

/**
 * The teams `query` was probably meant to name, closest first (at most three): a typo of a name
 * or handle, or the start of one ("back" → Backend).
 */
export function closestTeams(roster: TeamRoster, query: string): string[] {
  const q = norm(query);
  if (!q) return [];
  const found: string[] = [];
  const add = (name: string) => {
    if (!found.includes(name)) found.push(name);
  };
  const typo = closest(
    q,
    roster.teams.flatMap((t) => [t.name, ...(t.handle ? [t.handle] : [])]),
  );
  if (typo) {
    const team = roster.find(typo);
    if (team) add(team.name);
  }
  for (const team of roster.teams) {
    const names = [team.name, team.handle ?? ""].map(norm);
    if (names.some((name) => name.length > 0 && (name.startsWith(q) || q.startsWith(name)))) {
      add(team.name);
    }
  }
  return found.slice(0, 3);
}

/** Where an actor stands in a team by spend (1 = the most), among its active members. */
export interface TeamRank {
  team: string;
  rank: number;
  /** Active members of the team in the period. */
  of: number;
}

/** The actor's rank in each of their teams; empty when in none or not active. */
export function teamRanks(
  actors: readonly Pick<ActorRow, "key" | "costCents" | "sessions">[],
  roster: TeamRoster,
  actorKey: string,
): TeamRank[] {
  return roster.teamsOf(actorKey).flatMap((team) => {
    const active = actors.filter(
      (a) => team.members.has(a.key) && (a.costCents > 0 || a.sessions > 0),
    );
    const at = active.findIndex((a) => a.key === actorKey);
    return at < 0 ? [] : [{ team: team.name, rank: at + 1, of: active.length }];
  });
}

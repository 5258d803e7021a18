import type { TeamsLoader } from "../loading/teams.js";
import type { UsageLoader } from "../loading/usage-loader.js";
import { microsToCents } from "../usage/money.js";
import { comparisonPeriod, type Period } from "../usage/periods.js";
import type { UsageReport } from "../usage/report.js";
import { closestTeams, type Team, type TeamRow, teamRows } from "../usage/teams.js";

/*
 * Teams as use cases: one team's report (the org report narrowed to its members, exactly), and
 * every team side by side. Who may ask is the caller's rule.
 */

/** No team source is configured: the answer is how to add one. */
export class TeamsNotConfigured extends Error {
  override readonly name = "TeamsNotConfigured";
  constructor() {
    super("No teams are configured (TEAMS_FILE or TEAMS_FROM_USERGROUPS).");
  }
}

/** No team by that name or handle; `closest` are the names it was probably meant to be. */
export class TeamNotFound extends Error {
  override readonly name = "TeamNotFound";
  constructor(
    readonly query: string,
    readonly closest: readonly string[],
    /** Every team's name, to list when nothing is close. */
    readonly known: readonly string[],
  ) {
    super(`No team "${query}".`);
  }
}

export interface TeamReport {
  team: Team;
  /** The team's period: its members' numbers only, against the same members' baseline. */
  report: UsageReport;
}

export interface TeamsOverview {
  period: Period;
  /** The period the changes are against, or null without one. */
  baseline: Period | null;
  rows: TeamRow[];
}

/** The team `query` names (name or @handle), or TeamNotFound / TeamsNotConfigured. */
export async function findTeam(teams: TeamsLoader | undefined, query: string): Promise<Team> {
  if (!teams?.configured) throw new TeamsNotConfigured();
  const { roster } = await teams.teams();
  const team = roster.find(query);
  if (!team) {
    throw new TeamNotFound(
      query,
      closestTeams(roster, query),
      roster.teams.map((t) => t.name),
    );
  }
  return team;
}

export async function loadTeamReport(
  loader: UsageLoader,
  teams: TeamsLoader | undefined,
  query: string,
  period: Period,
): Promise<TeamReport> {
  const team = await findTeam(teams, query);
  const report = await loader.loadReport(period, { actors: (key) => team.members.has(key) });
  return { team, report };
}

/**
 * Every team's numbers for the period beside the others: the org's period (shared with other
 * reports through `orgReport`) and each actor's spend in the baseline, so that people who
 * stopped still count in their team's change.
 */
export async function loadTeamsOverview(
  loader: UsageLoader,
  teams: TeamsLoader | undefined,
  period: Period,
  orgReport: (period: Period) => Promise<UsageReport>,
): Promise<TeamsOverview> {
  if (!teams?.configured) throw new TeamsNotConfigured();
  const baseline = comparisonPeriod(period);
  const [{ roster }, report, before] = await Promise.all([
    teams.teams(),
    orgReport(period),
    loader.loadDays(baseline.days),
  ]);
  const previous = new Map<string, number>();
  for (const actor of before.actors.values()) {
    previous.set(actor.key, microsToCents(actor.costMicros));
  }
  return { period, baseline, rows: teamRows(report.actors, roster, previous) };
}

import type { RosterLoader } from "../loading/roster.js";
import type { TeamsLoader } from "../loading/teams.js";
import type { UsageLoader } from "../loading/usage-loader.js";
import type { ExportFile } from "../render/export.js";
import type { FirstSeen } from "../store/first-seen.js";
import { userKey } from "../usage/actor-key.js";
import type { BudgetStatus, PersonalBudgets } from "../usage/alerts.js";
import { DEFAULT_MAX_PERIOD_DAYS, isoDay, type Period, shiftDay } from "../usage/periods.js";
import type { PersonalReport } from "../usage/personal.js";
import type { UsageReport } from "../usage/report.js";
import { type Team, teamRanks } from "../usage/teams.js";
import { budgetStandings } from "./budgets.js";
import { type ExportOptions, loadExport } from "./export.js";
import { findLastActiveDay, LOOKBACK_DAYS } from "./last-active.js";
import { loadSeats, NO_ROSTER, type SeatsReport } from "./seats.js";
import {
  findTeam,
  loadTeamReport,
  loadTeamsOverview,
  type TeamReport,
  type TeamsOverview,
} from "./teams.js";
import { usualDaysBefore } from "./usual-days.js";

export type { SeatsReport } from "./seats.js";
export {
  TeamNotFound,
  type TeamReport,
  TeamsNotConfigured,
  type TeamsOverview,
} from "./teams.js";
export type { PersonalReport };

/*
 * The use cases every surface shares — the slash command, the Share button, the Home tab, the CLI —
 * so that each says the same thing: load, compute, and hand a renderer what it shows. No Slack
 * here; who may see what is the caller's rule.
 */

/** How many of a report's days (its baseline's included) are in. */
export interface Progress {
  done: number;
  total: number;
}

export interface Reports {
  /** The org's period, compared with the period before unless `compare: false`. */
  org(
    period: Period,
    options?: {
      compare?: boolean;
      /** Told as the report's days come in (for a "12 of 60 days" note while it is cold). */
      onProgress?: ((progress: Progress) => void) | undefined;
    },
  ): Promise<UsageReport>;
  /**
   * One person's period, and where they stand against their own budget; with `lookBack`, when
   * they were not active in it, their last active day before it (`/claude-usage me`).
   */
  personal(
    email: string,
    period: Period,
    options?: { lookBack?: boolean },
  ): Promise<PersonalReport>;
  /** Where a person stands against their monthly budget through yesterday (UTC), if they have one. */
  budgetOf(email: string): Promise<BudgetStatus | undefined>;
  /**
   * The CSV export of a period: one row per person and day, and a summary per person; `names`
   * fills the name column.
   */
  export(
    period: Period,
    options?: Pick<ExportOptions, "names">,
  ): Promise<{ files: ExportFile[]; comment: string }>;
  /** Whether any team source is configured (without one, team commands say how to add one). */
  readonly teamsConfigured: boolean;
  /**
   * One team's period (by name or @handle), exactly its members' numbers against their baseline;
   * throws TeamsNotConfigured or TeamNotFound (with the names it was probably meant to be).
   */
  team(query: string, period: Period): Promise<TeamReport>;
  /** Every team side by side, and Unassigned; throws TeamsNotConfigured. */
  teams(period: Period): Promise<TeamsOverview>;
  /** The team `query` names (name or @handle); throws TeamsNotConfigured or TeamNotFound. */
  findTeam(query: string): Promise<Team>;
  /** Every team's name, in order; none when no team source is configured. */
  teamNames(): Promise<string[]>;
  /** Whether the person (by email) leads the team `query` names, for TEAM_LEADS_SEE_TEAM. */
  leadsTeam(email: string, query: string): Promise<boolean>;
  /** Who has a seat and whether they use it; says what is missing when the key may not list members. */
  seats(period: Period): Promise<SeatsReport>;
}

export interface ReportsOptions {
  loader: UsageLoader;
  /** People's own monthly budgets (BUDGET_USER_MONTHLY_USD, BUDGET_USER_OVERRIDES). */
  personalBudgets?: PersonalBudgets | undefined;
  now?: (() => Date) | undefined;
  /** Teams (TEAMS_FILE, TEAMS_FROM_USERGROUPS); without them, team reports say how to add one. */
  teams?: TeamsLoader | undefined;
  /** The org's members and API keys (seats). */
  roster?: RosterLoader | undefined;
  /** Who was first seen when: seats read members last active before the window from it. */
  firstSeen?: FirstSeen | undefined;
  /** Days read back for last active days (MAX_PERIOD_DAYS). */
  maxPeriodDays?: number | undefined;
}

export function createReports(options: ReportsOptions): Reports {
  const { loader } = options;
  const now = options.now ?? (() => new Date());

  async function budgetOf(email: string): Promise<BudgetStatus | undefined> {
    const me = { key: userKey(email), type: "user" };
    const through = shiftDay(isoDay(now()), -1);
    const standing = await budgetStandings(loader, through, options.personalBudgets, { for: [me] });
    return standing(me);
  }

  // People asking for the same report at the same moment (a digest everyone opens) share one,
  // and each hears how far it is.
  interface InFlight {
    report: Promise<UsageReport>;
    listeners: Set<(progress: Progress) => void>;
    heard: { last?: Progress };
  }
  const orgInFlight = new Map<string, InFlight>();
  function org(
    period: Period,
    { compare = true, onProgress }: { compare?: boolean; onProgress?: (p: Progress) => void } = {},
  ): Promise<UsageReport> {
    const key = `${period.name}|${period.from}|${period.to}|${compare}`;
    let shared = orgInFlight.get(key);
    if (!shared) {
      const listeners = new Set<(p: Progress) => void>();
      const heard: { last?: Progress } = {};
      const report = loader
        .loadReport(period, {
          compare,
          onProgress: (progress) => {
            heard.last = progress;
            for (const listener of listeners) listener(progress);
          },
        })
        .finally(() => orgInFlight.delete(key));
      shared = { report, listeners, heard };
      orgInFlight.set(key, shared);
    }
    if (onProgress) {
      shared.listeners.add(onProgress);
      if (shared.heard.last) onProgress(shared.heard.last);
    }
    return shared.report;
  }

  return {
    org,
    budgetOf,
    async personal(email, period, { lookBack = false } = {}) {
      const actorKey = userKey(email);
      // The person is compared with their usual day, not the period before: no need to load it.
      const [report, budget, usual] = await Promise.all([
        org(period, { compare: false }),
        budgetOf(email),
        // Without it, the numbers are still theirs: a failure only leaves out the comparison.
        usualDaysBefore(loader, period.from, new Set([actorKey])).then(
          (usuals) => usuals.get(actorKey) ?? null,
          () => null,
        ),
      ]);
      const active = report.actors.some((a) => a.key === actorKey);
      const lastActiveDay =
        active || !lookBack
          ? undefined
          : await findLastActiveDay(loader, actorKey, period.from, LOOKBACK_DAYS);
      const ranks = options.teams?.configured
        ? teamRanks(report.actors, (await options.teams.teams()).roster, actorKey)
        : [];
      return {
        report,
        actorKey,
        email,
        budget,
        usual,
        lastActiveDay,
        lookbackDays: LOOKBACK_DAYS,
        teamRanks: ranks,
      };
    },
    export: (period, exportOptions) =>
      loadExport(loader, period, {
        now: now(),
        names: exportOptions?.names,
        teams: options.teams,
      }),
    teamsConfigured: options.teams?.configured ?? false,
    team: (query, period) => loadTeamReport(loader, options.teams, query, period),
    teams: (period) => loadTeamsOverview(loader, options.teams, period, (p) => org(p)),
    findTeam: (query) => findTeam(options.teams, query),
    async teamNames() {
      if (!options.teams?.configured) return [];
      return (await options.teams.teams()).roster.teams.map((t) => t.name);
    },
    async leadsTeam(email, query) {
      if (!options.teams?.configured) return false;
      const team = (await options.teams.teams()).roster.find(query);
      return team?.managers.includes(email.toLowerCase()) ?? false;
    },
    seats(period) {
      if (!options.roster) return Promise.resolve(NO_ROSTER);
      return loadSeats(
        {
          loader,
          roster: options.roster,
          firstSeen: options.firstSeen,
          teams: options.teams,
          windowDays: options.maxPeriodDays ?? DEFAULT_MAX_PERIOD_DAYS,
        },
        period,
      );
    },
  };
}

import { createSyntheticOrg, type SyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticRoster } from "../../src/demo/synthetic-roster.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createTeamsLoader } from "../../src/loading/teams.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { createReports } from "../../src/reports/index.js";
import type { DmSettings, SlackContext } from "../../src/slack/context.js";
import type { Preferences } from "../../src/store/store.js";
import { userKey } from "../../src/usage/actor-key.js";
import { cents } from "../../src/usage/money.js";
import type { Membership } from "../../src/usage/teams.js";

/*
 * A Slack context over the demo organisation for the Home tab's tests and previews: the viewer
 * UADA is person 0, UNEW a person with no activity, UNOMAIL has no email; who sees the org and
 * who is an admin are the test's.
 */

export const HOME_NOW = new Date("2026-11-25T09:00:00Z");

export interface HomeContextOptions {
  users?: number;
  /** Viewers who may see the org (default: UBOSS, UADA). */
  orgViewers?: readonly string[];
  admins?: readonly string[];
  /** "demo": the demo's four teams; a number: that many teams; none by default. */
  teams?: "demo" | number;
  teamLeadsSeeTeam?: boolean;
  /** Everyone's own monthly budget. */
  budgetUsd?: number;
  dm?: DmSettings;
  preferences?: Preferences;
  /** Every log line, parsed. */
  logs?: Record<string, unknown>[];
}

export function homeContext(options: HomeContextOptions = {}): {
  ctx: SlackContext;
  org: SyntheticOrg;
} {
  const org = createSyntheticOrg({ users: options.users ?? 40, seed: 7 });
  const loader = createUsageLoader({ source: createSyntheticSource(org), now: () => HOME_NOW });
  let teams: ReturnType<typeof createTeamsLoader> | undefined;
  if (options.teams === "demo") {
    teams = createTeamsLoader({ file: createSyntheticRoster(org).teams });
  } else if (typeof options.teams === "number") {
    const memberships: Membership[] = [];
    for (let i = 0; i < org.users; i++) {
      memberships.push({ actorKey: userKey(org.email(i)), team: teamName(i % options.teams) });
    }
    const leads = Array.from({ length: options.teams }, (_, i) => ({
      team: teamName(i),
      email: org.email(i),
    }));
    teams = createTeamsLoader({ file: { memberships, leads } });
  }
  const viewers = new Set(options.orgViewers ?? ["UBOSS", "UADA"]);
  const admins = new Set(options.admins ?? []);
  const emails: Record<string, string> = {
    UADA: org.email(0),
    UBOSS: org.email(1),
    ULEAD: org.email(2),
    UNEW: "new.person@example.com",
  };
  const logs = options.logs;
  const ctx: SlackContext = {
    periods: { timeZone: "UTC", maxPeriodDays: 92 },
    reports: createReports({
      loader,
      now: () => HOME_NOW,
      teams,
      personalBudgets: {
        defaultCents: options.budgetUsd === undefined ? undefined : cents(options.budgetUsd * 100),
        overrides: new Map(),
      },
    }),
    directory: {
      lookupByEmail: async (email) => {
        const id = Object.entries(emails).find(([, e]) => e === email)?.[0];
        return id ? { userId: id, name: id.slice(1).toLowerCase() } : null;
      },
      findByEmail: async () => null,
      emailOf: async (userId) => emails[userId] ?? null,
      nameOf: async () => null,
      // Everyone in Paris, as Slack would say.
      timeZoneOf: async (userId) => (emails[userId] ? "Europe/Paris" : null),
    },
    access: {
      restricted: true,
      isAdmin: async (userId) => admins.has(userId),
      canSeeOrg: async (userId) => viewers.has(userId),
    },
    logger: createLogger({
      level: "debug",
      sink: { write: (line) => void logs?.push(JSON.parse(line) as Record<string, unknown>) },
    }),
    now: () => HOME_NOW,
    teamLeadsSeeTeam: options.teamLeadsSeeTeam,
    dm: options.dm,
    preferences: options.preferences,
  };
  return { ctx, org };
}

/** Team names long enough to test clipping: "Team 007 — Payments and Billing Platform". */
export function teamName(i: number): string {
  return `Team ${String(i).padStart(3, "0")} — Payments and Billing Platform`;
}

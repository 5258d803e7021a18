import { newReferenceId } from "../log.js";
import { renderOrgReport } from "../render/blocks/index.js";
import { monthSoFar } from "../reports/month-to-date.js";
import { namesFor, peopleShown } from "../slack/mentions.js";
import { deliveryKey } from "../store/ledger.js";
import type { Cents } from "../usage/money.js";
import type { Period } from "../usage/periods.js";
import { monthToDate } from "../usage/periods.js";
import type { Team, TeamRoster } from "../usage/teams.js";
import { createDeliverer, type DeliveryCounts, emptyCounts } from "./deliver.js";
import {
  type ChannelDigest,
  type DigestDeps,
  type DigestRun,
  defaultOwner,
  deliveries,
  idOnlyLookup,
  runDelivery,
} from "./digest-job.js";
import { plannedDigests } from "./due.js";

/*
 * Team digests (TEAM_DIGESTS): each team's channel gets the org digest's plan — the days since
 * the previous working day, last week on Mondays, last month on a month's first working day —
 * with every report narrowed to the team's members, so that a team's channel never shows anyone
 * outside the team. Each post goes through the same ledger as the org's, under a key of its own.
 * A team named in TEAM_DIGESTS that the roster does not have is logged and counted as failed: the
 * operator must see it, the other teams still post.
 */

export interface TeamDigestsConfig {
  /** Team name (lower-case, as configured) → channel id. */
  channels: ReadonlyMap<string, string>;
  /** Team name (lower-case) → monthly budget: the daily digest's month line shows the share. */
  budgets?: ReadonlyMap<string, Cents> | undefined;
}

export interface TeamDigestsDeps
  extends Pick<
    DigestDeps,
    "loader" | "ledger" | "slack" | "lookupUser" | "lookupPerson" | "logger" | "owner" | "now"
  > {
  /** The org's teams, as now known (file and Slack user groups). */
  roster(): Promise<TeamRoster>;
  /** The org digest's plan, zone, lease and attempts: a team's digest follows the org's. */
  digest: DigestDeps["config"];
  teams: TeamDigestsConfig;
  render?: Pick<NonNullable<DigestDeps["render"]>, "orgReport"> | undefined;
}

export interface TeamDigestsSummary extends DeliveryCounts {
  /** Teams named in TEAM_DIGESTS that the roster does not have (each also counted as failed). */
  unknownTeams: string[];
}

const periodId = (period: Period) => `${period.from}..${period.to}`;

/** The ledger key of a team's digest: the org digest's, with the team after the period. */
export function teamDigestKey(kind: string, channel: string, period: string, team: string) {
  return { kind: `digest-${kind}`, target: channel, period: `${period}:team:${team}` };
}

/** A team's digest in a channel (a subscription with a team). */
export interface TeamDigest extends ChannelDigest {
  /** Lower-case, as subscribed. */
  team: string;
}

export async function runTeamDigests(
  options: Pick<DigestRun, "date" | "dryRun" | "skip" | "onSettled"> & {
    /** The teams' digests; without it, every TEAM_DIGESTS pair gets the date's plan. */
    digests?: readonly TeamDigest[] | undefined;
  },
  deps: TeamDigestsDeps,
): Promise<TeamDigestsSummary> {
  const summary: TeamDigestsSummary = { ...emptyCounts(), unknownTeams: [] };
  const skip = options.skip ?? (() => false);
  const plans = plannedDigests(options.date, deps.digest);
  const selected =
    options.digests ??
    [...deps.teams.channels].flatMap(([team, channel]) =>
      plans.map((plan) => ({ team, channel, ...plan })),
    );
  // Grouped by team, in order; what is settled already is left out before any report loads.
  const byTeam = new Map<string, TeamDigest[]>();
  for (const digest of selected) {
    const key = teamDigestKey(digest.kind, digest.channel, periodId(digest.period), digest.team);
    if (skip(deliveryKey(key))) continue;
    byTeam.set(digest.team, [...(byTeam.get(digest.team) ?? []), digest]);
  }
  if (byTeam.size === 0) return summary;
  const config = deps.digest;
  const now = deps.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !deps.slack)
    throw new Error("runTeamDigests needs a Slack client unless it is a dry run");
  const log = deps.logger.child({
    job: "team-digests",
    ref: newReferenceId(),
    date: options.date,
    dryRun,
  });
  const render = deps.render ?? { orgReport: renderOrgReport };
  const lookupPerson = deps.lookupPerson ?? idOnlyLookup(deps.lookupUser);
  const deliver = createDeliverer(
    runDelivery(deps, config, options, {
      owner: deps.owner ?? defaultOwner(),
      dryRun,
      log,
      counts: summary,
    }),
  );

  const roster = await deps.roster();
  for (const [name, digests] of byTeam) {
    const team = roster.find(name);
    const channels = [...new Set(digests.map((d) => d.channel))];
    if (!team) {
      summary.unknownTeams.push(name);
      summary.failed++;
      log.error(
        { team: name, channels, teams: roster.teams.map((t) => t.name) },
        "a team digest names a team the roster does not have: its digest is not posted",
      );
      // Failed, for the ticker: looked at again after its retry delay, not every minute.
      for (const d of digests) {
        const key = teamDigestKey(d.kind, d.channel, periodId(d.period), d.team);
        options.onSettled?.(deliveryKey(key), "failed");
      }
      continue;
    }
    // One team's failure (its reports could not load, say) leaves the other teams' digests.
    try {
      await teamDigest(team, name, digests);
    } catch (error) {
      summary.failed++;
      log.error({ err: error, team: team.name, channels }, "team digest failed");
    }
  }
  const quiet = summary.planned.length + deliveries(summary) === 0;
  log[quiet ? "debug" : "info"](
    { ...summary, planned: summary.planned.length },
    summary.unknownTeams.length > 0
      ? "team digests finished; some teams are unknown"
      : "team digests finished",
  );
  return summary;

  async function teamDigest(
    team: Team,
    configured: string,
    digests: readonly TeamDigest[],
  ): Promise<void> {
    const actors = (key: string) => team.members.has(key);
    const budget = deps.teams.budgets?.get(configured) ?? deps.teams.budgets?.get(team.name);
    for (const { channel, ...plan } of digests) {
      const report = await deps.loader.loadReport(plan.period, { actors });
      // A channel post: people by name, never a mention.
      const names = await namesFor(peopleShown(report, 10), lookupPerson, "channel");
      const month =
        plan.kind === "daily"
          ? await deps.loader.loadReport(monthToDate(plan.period.to), { compare: false, actors })
          : undefined;
      const message = render.orgReport(report, {
        now: now(),
        timeZone: config.timeZone,
        top: 5,
        names,
        tables: true,
        audience: "channel",
        team: team.name,
        monthToDate: month ? monthSoFar(month, plan.period.to, budget) : undefined,
        actions: { kind: "digest", period: plan.period, team: team.name },
      });
      await deliver(
        teamDigestKey(plan.kind, channel, periodId(plan.period), team.name.toLowerCase()),
        channel,
        message,
      );
    }
  }
}

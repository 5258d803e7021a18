import type { Subscription } from "../store/subscriptions.js";
import type { AlertsDeps } from "./alerts-job.js";
import { runAlerts } from "./alerts-job.js";
import { addCounts, type DeliveryCounts } from "./deliver.js";
import {
  type DigestDeps,
  type DigestRun,
  type DigestSummary,
  type DmBatch,
  runDigest,
} from "./digest-job.js";
import { type DueDigest, dailyPeriod, dueDigests } from "./due.js";
import { runTeamDigests, type TeamDigestsDeps, type TeamDigestsSummary } from "./team-digests.js";

/*
 * What is due, delivered: the org's channel digests and DMs, then the teams' digests. The ticker
 * runs it every minute with what has come due; `claude-usage digest run` with everything of a
 * date (`runMorning`), then (with an alert channel) the budget and spike alerts.
 */

export interface MorningDeps {
  digest: DigestDeps;
  /** Absent without TEAM_DIGESTS. */
  teamDigests?: TeamDigestsDeps | undefined;
  /** Absent without an alert channel. */
  alerts?: AlertsDeps | undefined;
}

export interface MorningResult {
  /** The org's digests and DMs, with the teams' digests' deliveries counted in. */
  digest: DigestSummary;
  /** The teams' digests alone (also counted in `digest`), with the teams the roster lacks. */
  teamDigests?: TeamDigestsSummary | undefined;
  alerts?: DeliveryCounts | undefined;
}

/** The deliveries due for one local date. */
export interface DueWork extends Pick<DigestRun, "date" | "dryRun" | "skip" | "onSettled"> {
  digests: readonly DueDigest[];
  /** The DMs due (a person's own clock decides), or null for none. */
  dms: DmBatch | null;
}

/** Delivers `work`: the org's digests and DMs, then the teams'. */
export async function runDue(
  work: DueWork,
  deps: Pick<MorningDeps, "digest" | "teamDigests">,
): Promise<Omit<MorningResult, "alerts">> {
  const { digests, ...run } = work;
  const org = digests
    .filter((d) => d.subscription.team === undefined)
    .map((d) => ({ channel: d.subscription.channel, kind: d.kind, period: d.period }));
  const teams = digests.flatMap(({ subscription: s, kind, period }) =>
    s.team === undefined ? [] : [{ team: s.team, channel: s.channel, kind, period }],
  );
  const digest = await runDigest({ ...run, digests: org }, deps.digest);
  const teamDigests =
    teams.length > 0 && deps.teamDigests
      ? await runTeamDigests({ ...run, digests: teams }, deps.teamDigests)
      : undefined;
  if (teamDigests) addCounts(digest, teamDigests);
  return { digest, teamDigests };
}

/** Everything of local date `date`, whatever its time: every subscription's digest, every DM. */
export function allOfDate(date: string, subscriptions: readonly Subscription[]): DueWork {
  const period = dailyPeriod(date);
  return {
    date,
    digests: dueDigests(new Date(), subscriptions, { on: date }),
    dms: period ? { period } : null,
  };
}

export async function runMorning(
  options: {
    date: string;
    /** The digest subscriptions (the store's; the configured ones in a demo). */
    subscriptions: readonly Subscription[];
    dryRun?: boolean;
    /**
     * Told of the digest before the alerts run: `digest run` prints it then, so that an alerts
     * failure does not hide what the digest posted.
     */
    onDigest?: (summary: DigestSummary) => void;
  },
  deps: MorningDeps,
): Promise<MorningResult> {
  const { onDigest, subscriptions, ...job } = options;
  const { digest, teamDigests } = await runDue(
    { ...allOfDate(job.date, subscriptions), dryRun: job.dryRun },
    deps,
  );
  onDigest?.(digest);
  const alerts = deps.alerts ? await runAlerts(job, deps.alerts) : undefined;
  return { digest, teamDigests, alerts };
}

/** What a later run must still do: failed deliveries, and those another run held (busy). */
export function leftForLater(result: MorningResult): { failed: number; busy: number } {
  return {
    failed: result.digest.failed + (result.alerts?.failed ?? 0),
    busy: result.digest.busy + (result.alerts?.busy ?? 0),
  };
}

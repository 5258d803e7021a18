import type { AlertsDeps } from "./alerts-job.js";
import { runAlerts } from "./alerts-job.js";
import type { DeliveryCounts } from "./deliver.js";
import { type DigestDeps, type DigestSummary, runDigest } from "./digest-job.js";
import { runTeamDigests, type TeamDigestsDeps, type TeamDigestsSummary } from "./team-digests.js";

/*
 * The morning run: channel digests and DMs, then the teams' digests (TEAM_DIGESTS), then (with an
 * alert channel) budget and spike alerts.
 * One composition for the scheduler and `claude-usage digest run`.
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

export async function runMorning(
  options: {
    date: string;
    dryRun?: boolean;
    /**
     * Told of the digest before the alerts run: `digest run` prints it then, so that an alerts
     * failure does not hide what the digest posted.
     */
    onDigest?: (summary: DigestSummary) => void;
  },
  deps: MorningDeps,
): Promise<MorningResult> {
  const { onDigest, ...job } = options;
  const digest = await runDigest(job, deps.digest);
  const teamDigests = deps.teamDigests ? await runTeamDigests(job, deps.teamDigests) : undefined;
  if (teamDigests) addCounts(digest, teamDigests);
  onDigest?.(digest);
  const alerts = deps.alerts ? await runAlerts(job, deps.alerts) : undefined;
  return { digest, teamDigests, alerts };
}

/** Counts another job's deliveries in `into`: one digest summary for retries and exit codes. */
function addCounts(into: DeliveryCounts, from: DeliveryCounts): void {
  into.posted += from.posted;
  into.alreadyDelivered += from.alreadyDelivered;
  into.recovered += from.recovered;
  into.busy += from.busy;
  into.failed += from.failed;
  into.gaveUp += from.gaveUp;
  into.planned.push(...from.planned);
}

/** What a later run must still do: failed deliveries, and those another run held (busy). */
export function leftForLater(result: MorningResult): { failed: number; busy: number } {
  return {
    failed: result.digest.failed + (result.alerts?.failed ?? 0),
    busy: result.digest.busy + (result.alerts?.busy ?? 0),
  };
}

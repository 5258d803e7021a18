import type { AlertsDeps } from "./alerts-job.js";
import { runAlerts } from "./alerts-job.js";
import type { DeliveryCounts } from "./deliver.js";
import { type DigestDeps, type DigestSummary, runDigest } from "./digest-job.js";

/*
 * The morning run: channel digests and DMs, then (with an alert channel) budget and spike alerts.
 * One composition for the scheduler and `claude-usage digest run`.
 */

export interface MorningDeps {
  digest: DigestDeps;
  /** Absent without an alert channel. */
  alerts?: AlertsDeps | undefined;
}

export interface MorningResult {
  digest: DigestSummary;
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
  onDigest?.(digest);
  const alerts = deps.alerts ? await runAlerts(job, deps.alerts) : undefined;
  return { digest, alerts };
}

/** What a later run must still do: failed deliveries, and those another run held (busy). */
export function leftForLater(result: MorningResult): { failed: number; busy: number } {
  return {
    failed: result.digest.failed + (result.alerts?.failed ?? 0),
    busy: result.digest.busy + (result.alerts?.busy ?? 0),
  };
}

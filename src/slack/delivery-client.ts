import { type Logger as SlackLogger, WebClient } from "@slack/web-api";

/*
 * The Slack client the bot posts with on its own (digests, DMs, alerts), and the policy that
 * bounds it. @slack/web-api's default policy retries one call for about 30 minutes, unseen by the
 * delivery ledger: a post whose answer was lost is sent again, and a run still retrying outlives
 * its claim's lease. This client makes one try per call, each with a timeout; the deliverer
 * decides on every repeat and first looks in Slack for the try whose answer it never got.
 */

export interface DeliveryPolicy {
  /** The longest one Slack call may take. */
  timeoutMs: number;
  /** Tries of one delivery in one run. */
  tries: number;
  /** A delivery's tries, checks and waits end within this, well below the lease. */
  budgetMs: number;
  /** The wait before another try after a failure that may have posted (doubles each time). */
  backoffMs: number;
}

/**
 * Derived from the claim's lease (DELIVERY_LEASE_SECONDS), so that the two cannot disagree: one
 * try (a look in Slack, opening a DM, the post: three calls) takes at most 3/10 of the lease, and a
 * delivery starts no try it could not finish within half of it.
 */
export function deliveryPolicy(leaseMs: number): DeliveryPolicy {
  return {
    timeoutMs: Math.min(30_000, Math.max(250, Math.floor(leaseMs / 10))),
    tries: 3,
    budgetMs: Math.floor(leaseMs / 2),
    backoffMs: Math.min(5_000, Math.max(10, Math.floor(leaseMs / 60))),
  };
}

export interface DeliveryClientOptions {
  leaseMs: number;
  /** Slack Web API base URL (tests). */
  slackApiUrl?: string | undefined;
  logger?: SlackLogger | undefined;
}

/** One try per call, a timeout on each, and rate limits reported instead of waited out. */
export function createDeliveryClient(token: string, options: DeliveryClientOptions): WebClient {
  const policy = deliveryPolicy(options.leaseMs);
  return new WebClient(token, {
    ...(options.slackApiUrl ? { slackApiUrl: withSlash(options.slackApiUrl) } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    timeout: policy.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

/**
 * For the job's look-ups (users.lookupByEmail): safe to repeat, so retried a little (rate limits
 * waited out), each call within the same timeout, so that one hung look-up cannot hold a DM lane.
 */
export function createLookupClient(token: string, options: DeliveryClientOptions): WebClient {
  const policy = deliveryPolicy(options.leaseMs);
  return new WebClient(token, {
    ...(options.slackApiUrl ? { slackApiUrl: withSlash(options.slackApiUrl) } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    timeout: policy.timeoutMs,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
  });
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

import {
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from "@slack/web-api";

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

/**
 * What a failed Slack call means for trying again:
 * - `rate-limited`: Slack did not process it; the same call may go again after the wait.
 * - `refused`: Slack answered no (`channel_not_found`, `not_in_channel` …); it did not post, and
 *   trying again now would get the same answer.
 * - `unclear`: no answer (network, timeout), an HTTP 5xx, or Slack's own `internal_error` /
 *   `fatal_error`, after which Slack says part of the operation may have succeeded: look before
 *   posting again.
 */
export type SlackFailure =
  | { kind: "rate-limited"; retryAfterMs: number; reason: string }
  | { kind: "refused"; code: string; reason: string }
  | { kind: "unclear"; reason: string };

/** Platform errors after which the operation may have happened anyway. */
const UNCLEAR_CODES = new Set(["internal_error", "fatal_error", "service_unavailable"]);

export function classifySlackFailure(error: unknown): SlackFailure {
  if (error instanceof WebAPIRateLimitedError) {
    return {
      kind: "rate-limited",
      retryAfterMs: error.retryAfter * 1000,
      reason: `rate limited by Slack (retry after ${error.retryAfter} s)`,
    };
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (code === "ratelimited" || code === "rate_limited")
      return {
        kind: "rate-limited",
        retryAfterMs: 1000,
        reason: `rate limited by Slack (${code})`,
      };
    if (UNCLEAR_CODES.has(code)) return { kind: "unclear", reason: `Slack error ${code}` };
    return { kind: "refused", code, reason: code };
  }
  if (error instanceof WebAPIHTTPError)
    return { kind: "unclear", reason: `Slack answered HTTP ${error.statusCode}` };
  if (error instanceof WebAPIRequestError) {
    const original = error.original;
    const timedOut = original.name === "TimeoutError" || original.name === "AbortError";
    return {
      kind: "unclear",
      reason: timedOut
        ? "no answer from Slack in time"
        : `no answer from Slack (${original.message})`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // A 429 without a usable retry-after comes back from the library as a plain error.
  if (message.startsWith("Retry header did not contain a valid timeout"))
    return { kind: "rate-limited", retryAfterMs: 1000, reason: "rate limited by Slack" };
  return { kind: "unclear", reason: message };
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

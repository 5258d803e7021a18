import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from "@slack/web-api";

/* Slack's failures, read through @slack/web-api's typed errors. */

/** The `error` code of a Slack platform error ("users_not_found"), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof WebAPIPlatformError ? error.data.error : undefined;
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

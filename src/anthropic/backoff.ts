/** Statuses worth another try: rate limits, gateway trouble and Anthropic's "overloaded" (529). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504, 529]);

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** No single wait is longer than this, unless the server asks for more with retry-after. */
  maxMs: number;
}

/**
 * Parse `retry-after-ms` (Anthropic's SDKs honour it) or `retry-after` (seconds or an HTTP date)
 * into milliseconds from `now`. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: { "retry-after"?: string | undefined; "retry-after-ms"?: string | undefined },
  now: number,
): number | undefined {
  const ms = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers["retry-after"]?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `retry` (1 for the first retry).
 * A server's retry-after wins (plus a little jitter so that waiting workers do not return in
 * lockstep); otherwise exponential backoff with "equal jitter": half fixed, half random.
 */
export function backoffDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs + random() * Math.min(1000, options.baseMs);
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** (retry - 1));
  return exp / 2 + random() * (exp / 2);
}

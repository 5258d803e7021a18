import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Logger } from "../log.js";
import { createTtlMap } from "../store/ttl-map.js";

/*
 * Bolt checks a request's signature and age (five minutes), not whether it has been seen: a signed
 * request sent again within those minutes — a replay, a proxy's duplicate, Slack's own retry of an
 * event — would run again. Every interaction has its own trigger_id and every event its own
 * event_id, so a request whose id was seen recently is acknowledged and dropped.
 */

/** Longer than Bolt's five-minute window, so a replay cannot outlive its memory. */
export const REPLAY_WINDOW_MS = 10 * 60_000;
/** Bounded memory: far more requests than one process sees in ten minutes. */
const MAX_REMEMBERED = 20_000;

/** The id Slack gives this request once: `event:Ev…` or `trigger:…`; undefined if none. */
export function requestId(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { event_id: eventId, trigger_id: triggerId } = body as Record<string, unknown>;
  if (typeof eventId === "string" && eventId) return `event:${eventId}`;
  if (typeof triggerId === "string" && triggerId) return `trigger:${triggerId}`;
  return undefined;
}

/** A global middleware that lets each request id through once per REPLAY_WINDOW_MS. */
export function dropReplays(options: {
  logger: Logger;
  now?: () => number;
  windowMs?: number;
}): Middleware<AnyMiddlewareArgs> {
  const seen = createTtlMap<true>({ maxEntries: MAX_REMEMBERED, now: options.now });
  const windowMs = options.windowMs ?? REPLAY_WINDOW_MS;
  return async (args) => {
    const id = requestId(args.body);
    if (id === undefined) return args.next();
    if (seen.get(id)) {
      // Events are acknowledged by Bolt before middleware runs; the rest must be, or Slack waits.
      const { ack } = args as { ack?: () => Promise<void> };
      await ack?.();
      options.logger.debug(
        { id, retryNum: args.context.retryNum, retryReason: args.context.retryReason },
        "duplicate Slack request dropped",
      );
      return;
    }
    seen.set(id, true, windowMs);
    await args.next();
  };
}

import { renderAdminAlert, type SlackMessage } from "../render/blocks/index.js";
import type { Scrubber } from "../scrub.js";

/*
 * Admins are told of failures that need one of them, by DM to ALLOWED_USERS: at most one DM per
 * kind of failure per hour per process, so an outage is one message, not one per click.
 */

export const ADMIN_ALERT_EVERY_MS = 60 * 60_000;

export interface AdminFailure {
  ref: string;
  /** One kind, one DM an hour ("anthropic auth", "slack missing_scope", "unexpected"). */
  kind: string;
  /** For admins; scrubbed here again before it is sent. */
  detail: string;
  /** What the person was doing, in mrkdwn. */
  during?: string | undefined;
}

export interface AdminAlerts {
  /**
   * DM the admins, unless this kind was told within the hour. True when admins have been told
   * of this kind of failure (now, or by the DM within the hour); false when there is no one to
   * tell or no DM went through.
   */
  tell(failure: AdminFailure): Promise<boolean>;
}

export interface AdminAlertsOptions {
  /** ALLOWED_USERS: the people who are DMed. */
  adminIds: readonly string[];
  post(userId: string, message: SlackMessage): Promise<void>;
  scrub: Scrubber;
  now?: (() => number) | undefined;
  everyMs?: number | undefined;
  onError?: ((userId: string, error: unknown) => void) | undefined;
}

export function createAdminAlerts(options: AdminAlertsOptions): AdminAlerts {
  const every = options.everyMs ?? ADMIN_ALERT_EVERY_MS;
  const now = options.now ?? Date.now;
  // Per kind: when its DM went out, and whether it reached anyone (shared by concurrent calls).
  const told = new Map<string, { at: number; reached: Promise<boolean> }>();

  async function send(failure: AdminFailure): Promise<boolean> {
    const message = renderAdminAlert({
      ref: failure.ref,
      detail: options.scrub(failure.detail),
      during: failure.during === undefined ? undefined : options.scrub(failure.during),
      quietFor: every === ADMIN_ALERT_EVERY_MS ? "the next hour" : "a while",
    });
    const results = await Promise.all(
      options.adminIds.map((id) =>
        options.post(id, message).then(
          () => true,
          (error: unknown) => {
            options.onError?.(id, error);
            return false;
          },
        ),
      ),
    );
    return results.some(Boolean);
  }

  return {
    async tell(failure) {
      if (options.adminIds.length === 0) return false;
      const last = told.get(failure.kind);
      if (last && now() - last.at < every) return last.reached;
      const entry = { at: now(), reached: send(failure) };
      told.set(failure.kind, entry);
      const reached = await entry.reached;
      // A DM that reached no one is tried again by the next failure of the kind.
      if (!reached && told.get(failure.kind) === entry) told.delete(failure.kind);
      return reached;
    },
  };
}

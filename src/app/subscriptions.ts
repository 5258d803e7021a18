import type { Logger } from "../log.js";
import type { NewSubscription, Subscription, Subscriptions } from "../store/subscriptions.js";
import type { Config } from "./config.js";

/*
 * DIGEST_CHANNELS and TEAM_DIGESTS seed the digest subscriptions on the first start that names
 * any (by any replica); from then on they are managed in Slack, and the configuration is not
 * applied again: an operator who changes it is told so, once a start.
 */

type SeedConfig = Pick<
  Config,
  | "DIGEST_CHANNELS"
  | "TEAM_DIGESTS"
  | "DIGEST_WEEKLY_ON_MONDAY"
  | "DIGEST_MONTHLY_ON_FIRST"
  | "DIGEST_CRON"
  | "DIGEST_TIMEZONE"
>;

/** The hour and minute of a plain cron ("30 8 * * 1-5"), else 09:00. */
export function cronTime(cron: string): string {
  const match = /^(\d{1,2})\s+(\d{1,2})\s/.exec(cron.trim());
  const minute = Number(match?.[1]);
  const hour = Number(match?.[2]);
  if (!match || minute > 59 || hour > 23) return "09:00";
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

/** The subscriptions the configuration describes: each channel's daily, weekly and monthly. */
export function configuredSubscriptions(config: SeedConfig): NewSubscription[] {
  const cadences = [
    "daily" as const,
    ...(config.DIGEST_WEEKLY_ON_MONDAY ? (["weekly"] as const) : []),
    ...(config.DIGEST_MONTHLY_ON_FIRST ? (["monthly"] as const) : []),
  ];
  const at = { time: cronTime(config.DIGEST_CRON), timeZone: config.DIGEST_TIMEZONE };
  const targets: { channel: string; team?: string }[] = [
    ...config.DIGEST_CHANNELS.map((channel) => ({ channel })),
    ...[...config.TEAM_DIGESTS].map(([team, channel]) => ({ channel, team })),
  ];
  return targets.flatMap((target) =>
    cadences.map((cadence) => ({ ...target, cadence, ...at, createdBy: "config" })),
  );
}

const targetOf = (s: Pick<Subscription, "channel" | "cadence" | "team">) =>
  `${s.channel}/${s.cadence}/${s.team ?? ""}`;

/** Seeds the store once; later, says when the configuration lists what the store does not. */
export async function seedSubscriptions(
  subscriptions: Subscriptions,
  config: SeedConfig,
  logger: Logger,
): Promise<void> {
  const seed = configuredSubscriptions(config);
  if (seed.length === 0) return;
  if (await subscriptions.seedOnce(seed)) {
    logger.info(
      { subscriptions: seed.map(targetOf) },
      "digest subscriptions seeded from DIGEST_CHANNELS and TEAM_DIGESTS; manage them in Slack from now on",
    );
    return;
  }
  const stored = new Set((await subscriptions.list()).map(targetOf));
  const unapplied = seed.map(targetOf).filter((t) => !stored.has(t));
  if (unapplied.length > 0) {
    logger.warn(
      { notApplied: unapplied },
      "DIGEST_CHANNELS or TEAM_DIGESTS lists digests the store does not have: subscriptions are managed in Slack now (/claude-usage subscribe); the configuration only seeds the first start",
    );
  }
}

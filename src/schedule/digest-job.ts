import { hostname } from "node:os";
import type { WebClient } from "@slack/web-api";
import pLimit from "p-limit";
import { type Logger, newReferenceId } from "../log.js";
import {
  type PersonalRenderOptions,
  type ReportRenderOptions,
  renderOrgReport,
  renderPersonalReport,
  type SlackMessage,
} from "../render/blocks/index.js";
import type { UsageLoader } from "../service/usage-loader.js";
import { mentionsFor } from "../slack/mentions.js";
import { slackErrorCode } from "../slack/user-directory.js";
import type { DeliveryKey, DeliveryLedger } from "../store/ledger.js";
import { deliveryKey } from "../store/ledger.js";
import type { Preferences } from "../store/store.js";
import { periodBetween } from "../usage/periods.js";
import type { UsageReport } from "../usage/report.js";
import { type DigestPlanOptions, plannedDigests } from "./digest-plan.js";

/*
 * The morning job: channel digests and personal DMs, each delivered exactly once.
 *
 * Every message goes through the ledger: claim, post (carrying its key in Slack message
 * metadata), mark delivered. A run that finds a lapsed claim — its holder died between posting and
 * marking — first looks for the key in the conversation's recent history, so a crash never makes
 * a second copy; a claim that failed is retried by the next run.
 */

export const DELIVERY_EVENT_TYPE = "claude_usage_delivery";

export type DmMode = "off" | "opt-in" | "all";

export interface DigestConfig extends DigestPlanOptions {
  channels: readonly string[];
  dmMode: DmMode;
  timeZone: string;
  /** DMs in flight at once (Slack allows ~1 message per second per channel, more across). */
  dmConcurrency?: number;
  /** A claim's lease: longer than any single post can take. */
  leaseMs?: number;
  /** Attempts per message before the ledger gives up on it. */
  maxAttempts?: number;
}

export interface DigestRenderers {
  orgReport(report: UsageReport, options: ReportRenderOptions): SlackMessage;
  personal(report: UsageReport, actorKey: string, options: PersonalRenderOptions): SlackMessage;
}

export interface DigestDeps {
  loader: UsageLoader;
  ledger: DeliveryLedger;
  preferences?: Preferences | undefined;
  /** Absent in a dry run. */
  slack?: WebClient | undefined;
  /** Email → Slack user id (cached), or null when the person is not in Slack. */
  lookupUser(email: string): Promise<string | null>;
  logger: Logger;
  config: DigestConfig;
  render?: DigestRenderers;
  /** Identifies this process in the ledger. */
  owner?: string;
  now?: () => Date;
}

export interface PlannedMessage {
  key: string;
  channel: string;
  text: string;
}

export interface DigestSummary {
  date: string;
  posted: number;
  /** Found delivered already (by this or another run or replica). */
  alreadyDelivered: number;
  /** Recovered after a crash: found in Slack, marked delivered, not posted again. */
  recovered: number;
  /** Another replica is delivering it right now. */
  busy: number;
  failed: number;
  gaveUp: number;
  notInSlack: number;
  optedOut: number;
  /** In a dry run: what would be posted. */
  planned: PlannedMessage[];
}

const defaultRenderers: DigestRenderers = {
  orgReport: renderOrgReport,
  personal: renderPersonalReport,
};

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

export async function runDigest(
  options: { date: string; dryRun?: boolean },
  deps: DigestDeps,
): Promise<DigestSummary> {
  const { config, logger } = deps;
  const render = deps.render ?? defaultRenderers;
  const owner = deps.owner ?? defaultOwner();
  const now = deps.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !deps.slack)
    throw new Error("runDigest needs a Slack client unless it is a dry run");
  const summary: DigestSummary = {
    date: options.date,
    posted: 0,
    alreadyDelivered: 0,
    recovered: 0,
    busy: 0,
    failed: 0,
    gaveUp: 0,
    notInSlack: 0,
    optedOut: 0,
    planned: [],
  };
  const log = logger.child({ job: "digest", ref: newReferenceId(), date: options.date, dryRun });

  async function deliver(key: DeliveryKey, channel: string, message: SlackMessage): Promise<void> {
    const id = deliveryKey(key);
    if (dryRun) {
      const existing = await deps.ledger.get(key);
      if (existing?.status === "delivered") summary.alreadyDelivered++;
      else summary.planned.push({ key: id, channel, text: message.text });
      return;
    }
    const slack = deps.slack as WebClient;
    const claim = await deps.ledger.claim(key, {
      owner,
      leaseMs: config.leaseMs ?? 5 * 60_000,
      maxAttempts: config.maxAttempts ?? 5,
    });
    if (claim.status === "delivered") {
      summary.alreadyDelivered++;
      return;
    }
    if (claim.status === "busy") {
      summary.busy++;
      return;
    }
    if (claim.status === "gave-up") {
      summary.gaveUp++;
      log.warn(
        { key: id, error: claim.delivery.last_error },
        "delivery given up after repeated failures",
      );
      return;
    }
    try {
      if (claim.resumed) {
        const earlier = await findEarlierPost(slack, channel, id);
        if (earlier) {
          await deps.ledger.markDelivered(key, owner, earlier);
          summary.recovered++;
          log.info(
            { key: id },
            "found an earlier post of an unfinished delivery; not posting again",
          );
          return;
        }
      }
      const result = await slack.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key: id } },
      });
      await deps.ledger.markDelivered(key, owner, {
        channel: result.channel ?? channel,
        ts: result.ts ?? "",
      });
      summary.posted++;
    } catch (error) {
      const reason = slackErrorCode(error) ?? (error as Error).message ?? String(error);
      await deps.ledger.markFailed(key, owner, reason);
      summary.failed++;
      log.warn(
        { key: id, reason, attempt: claim.attempts },
        "delivery failed; a later run retries it",
      );
    }
  }

  // Channel digests.
  const plans = plannedDigests(options.date, config);
  const reports = new Map<string, UsageReport>();
  for (const plan of plans) {
    const report = await deps.loader.loadReport(plan.period);
    reports.set(plan.kind, report);
    if (config.channels.length === 0) continue;
    const mention = await mentionsFor(report.actors.slice(0, 5), deps.lookupUser);
    const message = render.orgReport(report, {
      now: now(),
      timeZone: config.timeZone,
      top: 5,
      mention,
      hint: plan.kind === "daily" ? "`/claude-usage last 7 days` for the week" : undefined,
    });
    const period = `${plan.period.from}..${plan.period.to}`;
    for (const channel of config.channels) {
      await deliver({ kind: `digest-${plan.kind}`, target: channel, period }, channel, message);
    }
  }

  // Personal DMs, about yesterday.
  if (config.dmMode !== "off") {
    const yesterday =
      plans.find((p) => p.kind === "daily")?.period.from ?? previousDay(options.date);
    const report =
      reports.get("daily") ??
      (await deps.loader.loadReport(periodBetween(yesterday, yesterday, "yesterday")));
    const prefs = (await deps.preferences?.allDmPreferences()) ?? new Map();
    const limit = pLimit(config.dmConcurrency ?? 4);
    const people = report.actors.filter(
      (a) => a.type === "user" && (a.sessions > 0 || a.costCents > 0),
    );
    await Promise.all(
      people.map((person) =>
        limit(async () => {
          const userId = await deps.lookupUser(person.name);
          if (!userId) {
            summary.notInSlack++;
            return;
          }
          const preference = prefs.get(userId);
          if (preference === "off" || (config.dmMode === "opt-in" && preference !== "on")) {
            summary.optedOut++;
            return;
          }
          const message = render.personal(report, person.key, {
            now: now(),
            greeting: "Good morning!",
            hint: "`/claude-usage dm off` to stop these",
          });
          await deliver({ kind: "dm", target: userId, period: yesterday }, userId, message);
        }),
      ),
    );
  }

  log.info({ ...summary, planned: summary.planned.length }, "digest run finished");
  return summary;
}

/** A message this bot already posted for `key`, found by the metadata it carries. */
async function findEarlierPost(
  slack: WebClient,
  target: string,
  key: string,
): Promise<{ channel: string; ts: string } | null> {
  // A DM is addressed to the user; its history lives in the IM channel.
  const channel =
    target.startsWith("U") || target.startsWith("W")
      ? ((await slack.conversations.open({ users: target })).channel?.id ?? target)
      : target;
  const history = await slack.conversations.history({
    channel,
    limit: 100,
    include_all_metadata: true,
  });
  for (const message of history.messages ?? []) {
    const metadata = message.metadata as
      | { event_type?: string; event_payload?: { key?: unknown } }
      | undefined;
    if (
      metadata?.event_type === DELIVERY_EVENT_TYPE &&
      metadata.event_payload?.key === key &&
      message.ts
    ) {
      return { channel, ts: message.ts };
    }
  }
  return null;
}

function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log.js";
import type { SlackMessage } from "../render/blocks/index.js";
import { slackErrorCode } from "../slack/user-directory.js";
import { type DeliveryKey, type DeliveryLedger, deliveryKey } from "../store/ledger.js";

/*
 * Posting a message exactly once, for every job that posts on its own (digests, DMs, alerts):
 * claim the key, post (carrying the key in Slack message metadata), mark delivered. A lapsed claim
 * — its holder died between posting and marking — is resolved by finding the earlier post first.
 */

export const DELIVERY_EVENT_TYPE = "claude_usage_delivery";

export interface PlannedMessage {
  key: string;
  channel: string;
  text: string;
}

export interface DeliveryCounts {
  posted: number;
  /** Found delivered already (by this or another run or replica). */
  alreadyDelivered: number;
  /** Recovered after a crash: found in Slack, marked delivered, not posted again. */
  recovered: number;
  /** Another replica is delivering it right now. */
  busy: number;
  failed: number;
  gaveUp: number;
  /** In a dry run: what would be posted. */
  planned: PlannedMessage[];
}

export const emptyCounts = (): DeliveryCounts => ({
  posted: 0,
  alreadyDelivered: 0,
  recovered: 0,
  busy: 0,
  failed: 0,
  gaveUp: 0,
  planned: [],
});

export interface DelivererOptions {
  ledger: DeliveryLedger;
  /** Absent in a dry run. */
  slack?: WebClient | undefined;
  owner: string;
  leaseMs?: number | undefined;
  maxAttempts?: number | undefined;
  dryRun: boolean;
  log: Logger;
  /** Updated as messages go (or do not go) out. */
  counts: DeliveryCounts;
}

export type Deliver = (key: DeliveryKey, channel: string, message: SlackMessage) => Promise<void>;

export function createDeliverer(options: DelivererOptions): Deliver {
  const { ledger, owner, counts, log } = options;
  return async (key, channel, message) => {
    const id = deliveryKey(key);
    if (options.dryRun || !options.slack) {
      const existing = await ledger.get(key);
      if (existing?.status === "delivered") counts.alreadyDelivered++;
      else counts.planned.push({ key: id, channel, text: message.text });
      return;
    }
    const slack = options.slack;
    const claim = await ledger.claim(key, {
      owner,
      leaseMs: options.leaseMs ?? 5 * 60_000,
      maxAttempts: options.maxAttempts ?? 5,
    });
    if (claim.status === "delivered") {
      counts.alreadyDelivered++;
      return;
    }
    if (claim.status === "busy") {
      counts.busy++;
      return;
    }
    if (claim.status === "gave-up") {
      counts.gaveUp++;
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
          await ledger.markDelivered(key, owner, earlier);
          counts.recovered++;
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
      await ledger.markDelivered(key, owner, {
        channel: result.channel ?? channel,
        ts: result.ts ?? "",
      });
      counts.posted++;
    } catch (error) {
      const reason = slackErrorCode(error) ?? (error as Error).message ?? String(error);
      await ledger.markFailed(key, owner, reason);
      counts.failed++;
      log.warn(
        { key: id, reason, attempt: claim.attempts },
        "delivery failed; a later run retries it",
      );
    }
  };
}

/** A message this bot already posted for `key`, found by the metadata it carries. */
async function findEarlierPost(
  slack: WebClient,
  target: string,
  key: string,
): Promise<{ channel: string; ts: string } | null> {
  // A DM is addressed to the user; its history lives in the IM channel.
  const channel = /^[UW]/.test(target)
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

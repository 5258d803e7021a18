import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log.js";
import type { SlackMessage } from "../render/blocks/index.js";
import { createFileSender, type FileToSend } from "../slack/files.js";
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

/** Attempts per message before the ledger gives up on it, unless a job says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface DelivererOptions {
  ledger: DeliveryLedger;
  /** The local date the job runs for (YYYY-MM-DD): recorded with each claim, for restarts. */
  runDate: string;
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

/** Files (charts) into a channel, or into the thread of a message there. */
export type DeliverFiles = (
  key: DeliveryKey,
  channel: string,
  upload: { files: readonly FileToSend[]; comment: string; threadTs?: string | undefined },
) => Promise<void>;

type Where = { channel: string; ts: string };

/**
 * Exactly once, whatever is sent: claim the key, look for an earlier send when taking over a
 * claim whose holder may have sent before dying, send, mark delivered.
 */
function deliveryRunner(options: DelivererOptions) {
  const { ledger, owner, counts, log } = options;
  return async (
    key: DeliveryKey,
    planned: PlannedMessage,
    send: (slack: WebClient) => Promise<Where>,
    findEarlier: (slack: WebClient) => Promise<Where | null>,
  ): Promise<void> => {
    const id = planned.key;
    if (options.dryRun || !options.slack) {
      const existing = await ledger.get(key);
      if (existing?.status === "delivered") counts.alreadyDelivered++;
      else counts.planned.push(planned);
      return;
    }
    const slack = options.slack;
    const claim = await ledger.claim(key, {
      owner,
      leaseMs: options.leaseMs ?? 5 * 60_000,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      runDate: options.runDate,
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
        const earlier = await findEarlier(slack);
        if (earlier) {
          await ledger.markDelivered(key, owner, earlier);
          counts.recovered++;
          log.info(
            { key: id },
            "found an earlier send of an unfinished delivery; not sending again",
          );
          return;
        }
      }
      await ledger.markDelivered(key, owner, await send(slack));
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

export function createDeliverer(options: DelivererOptions): Deliver {
  const run = deliveryRunner(options);
  return (key, channel, message) => {
    const id = deliveryKey(key);
    return run(
      key,
      { key: id, channel, text: message.text },
      async (slack) => {
        const result = await slack.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key: id } },
        });
        return { channel: result.channel ?? channel, ts: result.ts ?? "" };
      },
      (slack) => findEarlierPost(slack, channel, id),
    );
  };
}

/**
 * Files carry no message metadata, so an earlier upload is recognised by the title of its first
 * file in the thread it went to (titles name the report and its dates).
 */
export function createFilesDeliverer(options: DelivererOptions): DeliverFiles {
  const run = deliveryRunner(options);
  return (key, channel, upload) => {
    const id = deliveryKey(key);
    const names = fileNames(upload.files);
    return run(
      key,
      { key: id, channel, text: `${upload.comment} [files: ${names}]` },
      async (slack) => {
        await createFileSender(slack).toChannel(
          channel,
          upload.files,
          upload.comment,
          upload.threadTs,
        );
        return { channel, ts: upload.threadTs ?? "" };
      },
      async (slack) => {
        const title = upload.files[0]?.title;
        if (!upload.threadTs || !title) return null;
        const replies = await slack.conversations.replies({
          channel,
          ts: upload.threadTs,
          limit: 200,
        });
        const found = (replies.messages ?? []).find((m) =>
          (m.files ?? []).some((f) => f.title === title),
        );
        return found?.ts ? { channel, ts: upload.threadTs } : null;
      },
    );
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

function fileNames(files: readonly FileToSend[]): string {
  return files.map((f) => f.filename).join(", ");
}

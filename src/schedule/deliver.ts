import { setTimeout as delay } from "node:timers/promises";
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log.js";
import type { SlackMessage } from "../render/blocks/index.js";
import { type DeliveryPolicy, deliveryPolicy } from "../slack/delivery-client.js";
import { classifySlackFailure } from "../slack/errors.js";
import { createFileSender, type FileToSend } from "../slack/files.js";
import { type DeliveryKey, type DeliveryLedger, deliveryKey } from "../store/ledger.js";

/*
 * Posting a message exactly once, for every job that posts on its own (digests, DMs, alerts):
 * claim the key, post (carrying the key in Slack message metadata), mark delivered. Nothing is
 * posted blind a second time: before a try that may repeat one that reached Slack (a claim whose
 * holder died, or our own try whose answer was lost) the earlier post is looked for first. The
 * Slack client makes one try per call (slack/delivery-client.ts); the repeats are decided here.
 */

export const DELIVERY_EVENT_TYPE = "claude_usage_delivery";

export interface PlannedMessage {
  key: string;
  channel: string;
  text: string;
  /** The message as it would be posted (a dry run's preview); absent for file uploads. */
  message?: SlackMessage | undefined;
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

/** A claim's lease unless a job says otherwise (DELIVERY_LEASE_SECONDS' default). */
export const DEFAULT_LEASE_MS = 5 * 60_000;

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
  /** How tries are bounded; derived from the lease unless given. */
  policy?: DeliveryPolicy | undefined;
  /** Waits between tries (tests make them instant). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /**
   * Told how each delivery ended (not in a dry run): `done` (delivered, now or before, or given
   * up), `failed` (a later run retries it) or `busy` (another run holds it): the ticker's memory.
   */
  onSettled?: ((key: string, outcome: Settled) => void) | undefined;
}

export type Settled = "done" | "failed" | "busy";

/**
 * `legacyKey`: the key the same message had in an earlier release; delivered under it means
 * delivered (an upgrade on the day of a run must not post it again). `threadTs`: a reply in the
 * thread of that message (looked for there, too, before any repeat).
 */
export type Deliver = (
  key: DeliveryKey,
  channel: string,
  message: SlackMessage,
  legacyKey?: DeliveryKey,
  threadTs?: string,
  extras?: Extras,
) => Promise<void>;

/**
 * What makes a message richer (an image uploaded for it), made once, just before its first post:
 * never for a message found posted already, so a rerun uploads nothing. Without it — it failed,
 * or Slack refused the richer message — the message goes out plain: extras never block a post.
 */
export interface Extras {
  enrich(slack: WebClient): Promise<SlackMessage>;
  /** Told, once it is posted, whether the message went out with its extras. */
  posted?(enriched: boolean): void;
}

/** Slack may not have finished with a fresh upload: one wait before the image is given up. */
export const FILE_SETTLE_MS = 2_000;

/** Files (charts) into a channel, or into the thread of a message there. */
export type DeliverFiles = (
  key: DeliveryKey,
  channel: string,
  upload: { files: readonly FileToSend[]; comment: string; threadTs?: string | undefined },
) => Promise<void>;

type Where = { channel: string; ts: string };

/**
 * Exactly once, whatever is sent: claim the key; before any try that may repeat an earlier one
 * (a claim taken over, or this run's own try whose answer was lost) look for that earlier send in
 * Slack; renew the claim (a run that lost it stops there); send; mark delivered. Tries are
 * bounded by the policy, well within the lease; what is left fails, for a later run.
 */
function deliveryRunner(options: DelivererOptions) {
  const settled = options.onSettled;
  if (!settled || options.dryRun || !options.slack) return countingRunner(options);
  // Each delivery counted on its own first (deliveries run side by side), so that how it ended
  // can be told; then added to the run's counts.
  return async (...args: Parameters<ReturnType<typeof countingRunner>>): Promise<void> => {
    const own = emptyCounts();
    try {
      await countingRunner({ ...options, counts: own })(...args);
    } finally {
      addCounts(options.counts, own);
    }
    const key = args[1].key;
    if (own.failed > 0) settled(key, "failed");
    else if (own.busy > 0) settled(key, "busy");
    else if (own.posted + own.alreadyDelivered + own.recovered + own.gaveUp > 0)
      settled(key, "done");
  };
}

/** Adds `from`'s deliveries to `into`. */
export function addCounts(into: DeliveryCounts, from: DeliveryCounts): void {
  into.posted += from.posted;
  into.alreadyDelivered += from.alreadyDelivered;
  into.recovered += from.recovered;
  into.busy += from.busy;
  into.failed += from.failed;
  into.gaveUp += from.gaveUp;
  into.planned.push(...from.planned);
}

function countingRunner(options: DelivererOptions) {
  const { ledger, owner, counts, log } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const policy = options.policy ?? deliveryPolicy(leaseMs);
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  return async (
    key: DeliveryKey,
    planned: PlannedMessage,
    send: (slack: WebClient) => Promise<Where>,
    findEarlier: (slack: WebClient) => Promise<Where | null>,
    legacyKey?: DeliveryKey,
  ): Promise<void> => {
    const id = planned.key;
    const legacy = legacyKey ? await ledger.get(legacyKey) : undefined;
    if (legacy?.status === "delivered") {
      counts.alreadyDelivered++;
      return;
    }
    const slack = options.dryRun ? undefined : options.slack;
    if (!slack) {
      const existing = await ledger.get(key);
      if (existing?.status === "delivered") counts.alreadyDelivered++;
      else counts.planned.push(planned);
      return;
    }
    const claim = await ledger.claim(key, {
      owner,
      leaseMs,
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
      await tryToDeliver(slack, key, id, claim, send, findEarlier, legacy !== undefined);
    } catch (error) {
      // Not Slack's answer but ours: the store failed mid-way. Left failed (or, if even that
      // fails, claimed until its lease ends), a later run looks in Slack before posting again.
      await ledger.markFailed(key, owner, errorText(error)).catch(() => undefined);
      counts.failed++;
      log.error({ key: id, err: error }, "delivery failed in the store; a later run retries it");
    }
  };

  async function tryToDeliver(
    slack: WebClient,
    key: DeliveryKey,
    id: string,
    claim: { resumed: boolean; attempts: number },
    send: (slack: WebClient) => Promise<Where>,
    findEarlier: (slack: WebClient) => Promise<Where | null>,
    hadLegacyClaim: boolean,
  ): Promise<void> {
    const deadline = Date.now() + policy.budgetMs;
    // An earlier try may have reached Slack: a claim taken over, or a try of ours without answer.
    let mayHaveSent = claim.resumed || hadLegacyClaim;
    let reason = "not tried";
    for (let attempt = 1; attempt <= policy.tries; attempt++) {
      let sent: Where | undefined;
      // Which side a failure came from: Slack's (tried again here) or the store's (thrown).
      let calling: "slack" | "store" = "slack";
      try {
        const earlier = mayHaveSent ? await findEarlier(slack) : null;
        calling = "store";
        if (earlier) {
          await ledger.markDelivered(key, owner, earlier);
          // Our own try of this run got through although its answer was lost: posted, once.
          if (attempt > 1) counts.posted++;
          else counts.recovered++;
          log.info({ key: id, attempt }, "found the earlier send in Slack; not sending again");
          return;
        }
        if (!(await ledger.renew(key, owner, leaseMs))) {
          counts.busy++;
          log.warn({ key: id }, "lost the claim to another run; not sending");
          return;
        }
        calling = "slack";
        sent = await send(slack);
      } catch (error) {
        if (calling === "store") throw error;
        const failure = classifySlackFailure(error);
        reason = failure.reason;
        if (failure.kind === "refused") break;
        if (failure.kind === "unclear") mayHaveSent = true;
        const wait =
          failure.kind === "rate-limited"
            ? failure.retryAfterMs
            : policy.backoffMs * 2 ** (attempt - 1);
        // Another try is three calls at most (look, open the DM, post), each within the timeout.
        if (Date.now() + wait + 3 * policy.timeoutMs > deadline) break;
        log.info({ key: id, reason, attempt, inMs: wait }, "delivery try failed; trying again");
        await sleep(wait);
        continue;
      }
      await ledger.markDelivered(key, owner, sent);
      counts.posted++;
      return;
    }
    if (!(await ledger.markFailed(key, owner, reason))) {
      counts.busy++;
      log.warn({ key: id, reason }, "delivery failed, and another run has taken it over meanwhile");
      return;
    }
    counts.failed++;
    log.warn(
      { key: id, reason, attempt: claim.attempts },
      "delivery failed; a later run retries it",
    );
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a delivery posts: the message, its key in the metadata (to find it after a crash). */
export function postMessageBody(
  key: string,
  channel: string,
  message: SlackMessage,
  threadTs?: string | undefined,
) {
  return {
    channel,
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key } },
  };
}

export function createDeliverer(options: DelivererOptions): Deliver {
  const run = deliveryRunner(options);
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  return (key, channel, message, legacyKey, threadTs, extras) => {
    const id = deliveryKey(key);
    const post = async (slack: WebClient, body: SlackMessage) => {
      const result = await slack.chat.postMessage(postMessageBody(id, channel, body, threadTs));
      return { channel: result.channel ?? channel, ts: result.ts ?? "" };
    };
    // Made once a run, whatever the tries: a try after a lost answer reuses it.
    let enriched: Promise<SlackMessage> | undefined;
    const richer = (slack: WebClient, enrich: Extras["enrich"]) => {
      enriched ??= enrich(slack).catch((error: unknown) => {
        options.log.warn({ key: id, err: error }, "could not add the message's extras; plain");
        return message;
      });
      return enriched;
    };
    return run(
      key,
      { key: id, channel, text: message.text, message },
      async (slack) => {
        if (!extras) return post(slack, message);
        const body = await richer(slack, extras.enrich);
        if (body === message) {
          const sent = await post(slack, message);
          extras.posted?.(false);
          return sent;
        }
        for (let attempt = 1; ; attempt++) {
          try {
            const sent = await post(slack, body);
            extras.posted?.(true);
            return sent;
          } catch (error) {
            const failure = classifySlackFailure(error);
            if (failure.kind !== "refused") throw error;
            if (failure.code === "invalid_blocks" && attempt === 1) {
              await sleep(FILE_SETTLE_MS);
              continue;
            }
            options.log.warn(
              { key: id, reason: failure.reason },
              "Slack refused the message with its extras; posting it plain",
            );
            break;
          }
        }
        const sent = await post(slack, message);
        extras.posted?.(false);
        return sent;
      },
      (slack) =>
        threadTs
          ? findEarlierReply(slack, channel, threadTs, id)
          : findEarlierPost(slack, channel, id),
      legacyKey,
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

/** A reply this bot already posted in a thread for `key`, found by the metadata it carries. */
async function findEarlierReply(
  slack: WebClient,
  channel: string,
  threadTs: string,
  key: string,
): Promise<{ channel: string; ts: string } | null> {
  const replies = await slack.conversations.replies({
    channel,
    ts: threadTs,
    limit: 200,
    include_all_metadata: true,
  });
  const found = (replies.messages ?? []).find((m) => m.ts !== threadTs && carriesKey(m, key));
  return found?.ts ? { channel, ts: found.ts } : null;
}

function carriesKey(message: { metadata?: unknown }, key: string): boolean {
  const metadata = message.metadata as
    | { event_type?: string; event_payload?: { key?: unknown } }
    | undefined;
  return metadata?.event_type === DELIVERY_EVENT_TYPE && metadata.event_payload?.key === key;
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
    if (message.ts && carriesKey(message, key)) return { channel, ts: message.ts };
  }
  return null;
}

function fileNames(files: readonly FileToSend[]): string {
  return files.map((f) => f.filename).join(", ");
}

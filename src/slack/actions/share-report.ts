import { randomUUID } from "node:crypto";
import type { App, BlockButtonAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/web-api";
import { clip, escapeMrkdwn, type SlackMessage } from "../../render/blocks/limits.js";
import { type ClaimResult, type DeliveryKey, deliveryKey } from "../../store/ledger.js";
import type { PeriodOptions } from "../../usage/periods.js";
import type { ReportCommand } from "../commands/parse-command.js";
import type { SlackContext } from "../context.js";
import { ackFirst, orgAccessOnly } from "../middleware.js";
import {
  answerCommand,
  COMMAND,
  failureMessage,
  SHARE_ACTION_ID,
  shareValueSchema,
} from "../report-messages.js";
import { ActionValueError, periodOfValue, readJsonValue } from "./action-value.js";

/**
 * "Share in channel": the same report, posted for everyone through the button's response_url
 * (no extra scope, works wherever the command was used). Same access rule as the command.
 */
export function registerShareReportAction(app: App, ctx: SlackContext): void {
  app.action<BlockButtonAction>(
    SHARE_ACTION_ID,
    ackFirst,
    orgAccessOnly<SlackActionMiddlewareArgs<BlockButtonAction>>(ctx),
    shareReport(ctx),
  );
}

/**
 * The Share button's listener, once acknowledged and allowed: rebuild the report, post it once
 * (names in plain text, no pings, who shared it on top), then take the button off the private
 * copy, so that it reads "Shared in #channel" instead of inviting a second post.
 */
export function shareReport(ctx: SlackContext) {
  return async ({
    body,
    action,
    respond,
  }: Pick<SlackActionMiddlewareArgs<BlockButtonAction>, "body" | "action" | "respond">) => {
    const userId = body.user.id;
    const log = { user: userId, action: SHARE_ACTION_ID };
    try {
      const command = shareCommand(action.value, {
        now: ctx.now(),
        timeZone: ctx.periods.timeZone,
        maxDays: ctx.periods.maxPeriodDays,
      });
      const key = shareKey(body, action);
      const claim = await claimShare(ctx, key, log);
      if ("status" in claim) {
        if (claim.status !== "busy") await respond(alreadyHandled(claim.status, body));
        return;
      }
      let message: SlackMessage;
      try {
        message = await answerCommand(command, userId, ctx, { share: false, audience: "channel" });
        const sharer = await sharerName(body, ctx);
        await respond({
          response_type: "in_channel",
          replace_original: false,
          text: message.text,
          blocks: [contextLine(`Shared by ${escapeMrkdwn(sharer)}`), ...message.blocks],
        });
        await claim.delivered();
      } catch (error) {
        await claim.failed(error);
        throw error;
      }
      ctx.logger.info({ ...log, kind: command.kind }, "report shared");
      await markShared(body, message, respond).catch((err: unknown) =>
        ctx.logger.warn({ ...log, err }, "could not take the Share button off the private copy"),
      );
    } catch (error) {
      const reply =
        error instanceof ActionValueError
          ? unshareable(error, ctx, log)
          : await failureMessage(error, ctx, log, { during: `Share in channel, by <@${userId}>` });
      await respond({ response_type: "ephemeral", replace_original: false, ...reply });
    }
  };
}

/** A second click on a report shared already (or that failed to share too often). */
function alreadyHandled(
  status: NotOurs["status"],
  body: BlockButtonAction,
): Parameters<SlackActionMiddlewareArgs<BlockButtonAction>["respond"]>[0] {
  const text =
    status === "delivered"
      ? `This report is already shared in ${whereShared(body)}.`
      : `This report could not be shared. Run \`${COMMAND}\` again and share the new report.`;
  return {
    response_type: "ephemeral",
    replace_original: false,
    text,
    blocks: [
      contextLine(status === "delivered" ? `:white_check_mark: ${text}` : `:warning: ${text}`),
    ],
  };
}

/** The private copy, replaced: the same report without its buttons, and where it went. */
async function markShared(
  body: BlockButtonAction,
  shared: SlackMessage,
  respond: SlackActionMiddlewareArgs<BlockButtonAction>["respond"],
): Promise<void> {
  // Slack sends the message's blocks for ordinary messages, not for ephemeral ones: those are
  // shown again as shared (by name, which reads the same).
  const original = (body.message?.blocks as SlackMessage["blocks"] | undefined) ?? shared.blocks;
  await respond({
    response_type: "ephemeral",
    replace_original: true,
    text: shared.text,
    blocks: [
      ...original.filter((block) => block.type !== "actions"),
      contextLine(`:white_check_mark: Shared in ${whereShared(body)}`),
    ],
  });
}

/** "#general" when Slack named the channel, else a channel link, else "this conversation". */
function whereShared(body: BlockButtonAction): string {
  const { id, name } = body.channel ?? {};
  if (name && !/^(directmessage|privategroup|mpdm-)/.test(name)) return `#${escapeMrkdwn(name)}`;
  if (id && /^[CG]/.test(id)) return `<#${id}>`;
  return "this conversation";
}

/** Who clicked, as Slack shows them; never a mention (the post is for everyone). */
async function sharerName(body: BlockButtonAction, ctx: SlackContext): Promise<string> {
  const user = body.user as { name?: string; username?: string };
  return (await ctx.directory.nameOf(body.user.id)) ?? user.name ?? user.username ?? "someone";
}

function contextLine(text: string): KnownBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text }] };
}

/** Long enough that a replay (Bolt accepts requests up to five minutes old) finds the claim. */
const SHARE_LEASE_MS = 10 * 60_000;

/**
 * One report, one share: the key is the message the button is on, so a replay of the click (here
 * or on another replica) and a double-click both find the first one's claim. A message Slack
 * gives no ts falls back to the moment of the click.
 */
function shareKey(body: BlockButtonAction, action: ButtonAction): DeliveryKey {
  const container = body.container as { message_ts?: unknown; channel_id?: unknown };
  const messageTs =
    typeof container.message_ts === "string" ? container.message_ts : (body.message?.ts ?? "");
  const channel =
    body.channel?.id ??
    (typeof container.channel_id === "string" ? container.channel_id : body.user.id);
  return { kind: "share", target: channel, period: messageTs || action.action_ts };
}

interface ShareClaim {
  delivered(): Promise<void>;
  failed(error: unknown): Promise<void>;
}

/** Someone else's claim: being shared now (busy), shared, or failed too often. */
interface NotOurs {
  status: Exclude<ClaimResult["status"], "claimed">;
}

/**
 * The post is the bot's own, so it goes through the delivery ledger like digests: only the holder
 * of the claim posts. Undefined when someone else has it (or had it). Without a ledger, or if the
 * ledger fails, the click is shared anyway — the in-process replay guard still drops repeats here.
 */
async function claimShare(
  ctx: SlackContext,
  key: DeliveryKey,
  log: Record<string, unknown>,
): Promise<ShareClaim | NotOurs> {
  const unclaimed: ShareClaim = { delivered: async () => {}, failed: async () => {} };
  const ledger = ctx.ledger;
  if (!ledger) return unclaimed;
  const owner = `share-${randomUUID()}`;
  const id = deliveryKey(key);
  let result: ClaimResult;
  try {
    // A share that failed may be clicked again, a few times.
    result = await ledger.claim(key, { owner, leaseMs: SHARE_LEASE_MS, maxAttempts: 3 });
  } catch (error) {
    ctx.logger.warn({ ...log, key: id, err: error }, "could not claim the share; sharing anyway");
    return unclaimed;
  }
  if (result.status !== "claimed") {
    ctx.logger.debug({ ...log, key: id, status: result.status }, "share already handled");
    return { status: result.status };
  }
  // The ledger only records what happened; a failure to record it must not undo the post.
  const record = async (what: string, write: () => Promise<unknown>) => {
    await write().catch((err: unknown) =>
      ctx.logger.warn({ ...log, key: id, err }, `could not mark the share ${what}`),
    );
  };
  return {
    // A response_url post has no ts to record.
    delivered: () =>
      record("delivered", () => ledger.markDelivered(key, owner, { channel: key.target, ts: "" })),
    failed: (error) =>
      record("failed", () =>
        ledger.markFailed(key, owner, error instanceof Error ? error.message : String(error)),
      ),
  };
}

/**
 * The command a Share button's value stands for. Its value outlives the code that wrote it (an
 * old message, a release later), so each way it can fail has its own reason.
 */
function shareCommand(raw: string | undefined, options: PeriodOptions): ReportCommand {
  const value = readJsonValue(raw, shareValueSchema);
  const period = periodOfValue(value.period, options, raw);
  const base = { period, periodText: value.period };
  switch (value.kind) {
    case "top":
      return { kind: "top", metric: value.metric ?? "cost", ...base };
    case "team":
      if (!value.team) throw new ActionValueError("its value names no team", raw);
      return { kind: "team", team: value.team, ...base };
    default:
      return { kind: value.kind, ...base };
  }
}

function unshareable(
  error: ActionValueError,
  ctx: SlackContext,
  log: Record<string, unknown>,
): SlackMessage {
  ctx.logger.warn({ ...log, reason: error.message, value: error.value }, "Share value unusable");
  const text = clip(
    `This Share button's report can no longer be rebuilt (${escapeMrkdwn(error.message)}). Run \`${COMMAND}\` again and share the new report.`,
    3000,
  );
  return {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `:warning: ${text}` } }],
  };
}

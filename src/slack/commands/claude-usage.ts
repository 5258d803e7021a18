import type { App, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { newReferenceId } from "../../log.js";
import { escapeMrkdwn, type SlackMessage } from "../../render/blocks/limits.js";
import { formatInt, formatPeriodDates } from "../../render/format.js";
import type { Progress } from "../../reports/index.js";
import type { SlackContext } from "../context.js";
import { ackFirst, orgAccessOnly } from "../middleware.js";
import { respondWithProgress, STILL_FETCHING_AFTER_MS } from "../progress.js";
import { answerCommand, COMMAND, failureMessage, seesFailureDetail } from "../report-messages.js";
import {
  isSubscriptionCommand,
  needsOrgAccess,
  parseCommand,
  teamAsked,
  type UsageCommand,
} from "./parse-command.js";
import { answerSubscriptionCommand } from "./subscriptions.js";

/**
 * `/claude-usage`: ack at once (Slack allows 3 s; a cold 30-day report takes longer), then
 * answer through response_url — after a short "still fetching" note when the answer is slow.
 * Replies are ephemeral; the Share button makes them public.
 */
export function registerClaudeUsageCommand(app: App, ctx: SlackContext): void {
  app.command(
    COMMAND,
    ackFirst,
    orgAccessOnly<SlackCommandMiddlewareArgs>(ctx, ({ command }) =>
      needsOrg(parseSlashText(command.text, ctx), command.user_id, ctx),
    ),
    answerSlashCommand(ctx),
  );
}

/**
 * Whether answering needs org access. One team's report does, except for that team's lead when
 * TEAM_LEADS_SEE_TEAM is on (people who may see the org are not looked up).
 */
export async function needsOrg(
  command: UsageCommand,
  userId: string,
  ctx: Pick<SlackContext, "access" | "directory" | "reports" | "teamLeadsSeeTeam">,
): Promise<boolean> {
  const team = teamAsked(command);
  if (team === undefined) return needsOrgAccess(command);
  if (!ctx.teamLeadsSeeTeam || (await ctx.access.canSeeOrg(userId))) return true;
  const email = await ctx.directory.emailOf(userId);
  return !(email && (await ctx.reports.leadsTeam(email, team)));
}

/** What was asked, read on the report calendar; anything unreadable becomes help. */
function parseSlashText(text: string | undefined, ctx: SlackContext): UsageCommand {
  // Slack may leave `text` out of the body when nothing was typed.
  return parseCommand(text ?? "", {
    now: ctx.now(),
    timeZone: ctx.periods.timeZone,
    maxDays: ctx.periods.maxPeriodDays,
  });
}

/** The command's listener, once acknowledged and allowed: parse, answer, respond. */
export function answerSlashCommand(ctx: SlackContext) {
  return async ({
    command,
    respond,
    client,
  }: Pick<SlackCommandMiddlewareArgs, "command" | "respond"> & {
    /** Opens the Settings modal (`settings`); without it, that command points to the Home tab. */
    client?: Pick<WebClient, "views" | "users"> | undefined;
  }): Promise<void> => {
    const text = command.text ?? "";
    // Every command gets a reference id, in its log lines and in any error reply.
    const log = { ref: newReferenceId(), user: command.user_id, text: text.slice(0, 200) };
    let parsed: UsageCommand | undefined;
    let progress: Progress | undefined;
    const failed = async (error: unknown): Promise<SlackMessage> =>
      failureMessage(error, ctx, log, {
        showDetail: await seesFailureDetail(ctx, command.user_id),
        during: `\`${[COMMAND, escapeMrkdwn(text.slice(0, 100).replaceAll("`", "'"))].join(" ").trim()}\` by <@${command.user_id}>`,
      });
    const first = parseSlashText(text, ctx);
    if (isSubscriptionCommand(first)) {
      // Quick (the store and one Slack call), and `settings` answers with a modal: no note.
      let reply: SlackMessage | undefined;
      try {
        reply = await answerSubscriptionCommand(
          first,
          { userId: command.user_id, channelId: command.channel_id, triggerId: command.trigger_id },
          ctx,
          client,
        );
        ctx.logger.info({ ...log, kind: first.kind }, "slash command answered");
      } catch (error) {
        reply = await failed(error);
      }
      if (reply) await respond({ response_type: "ephemeral", ...reply });
      return;
    }
    const answer = (async (): Promise<SlackMessage> => {
      try {
        parsed = first;
        const message = await answerCommand(first, command.user_id, ctx, {
          share: true,
          audience: "private",
          onProgress: (p) => {
            progress = p;
          },
        });
        ctx.logger.info({ ...log, kind: first.kind }, "slash command answered");
        return message;
      } catch (error) {
        return failed(error);
      }
    })();
    await respondWithProgress(respond, answer, {
      afterMs: ctx.stillFetchingAfterMs ?? STILL_FETCHING_AFTER_MS,
      note: () => stillFetching(parsed, progress, ctx.now()),
      onNoteError: (error) => ctx.logger.warn({ ...log, err: error }, "could not post the note"),
    });
  };
}

/** "Fetching 12 of 60 days (Mon 2 – Sun 29 Nov and the month before)…": how far, in words. */
export function stillFetching(
  command: UsageCommand | undefined,
  progress: Progress | undefined,
  now: Date,
): SlackMessage {
  const when = command && "period" in command ? formatPeriodDates(command.period, now) : undefined;
  const text =
    progress && progress.total > 1
      ? `Fetching ${formatInt(progress.done)} of ${formatInt(progress.total)} days${when ? ` for ${when}` : ""}, the first time from Anthropic's API…`
      : when
        ? `Still fetching the numbers for ${when}…`
        : "Still working on it…";
  // The emoji only in the block: the fallback text is what a notification shows, code and all.
  return {
    text,
    blocks: [
      { type: "context", elements: [{ type: "mrkdwn", text: `:hourglass_flowing_sand: ${text}` }] },
    ],
  };
}

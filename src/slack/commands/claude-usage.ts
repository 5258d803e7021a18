import type { App } from "@slack/bolt";
import { newReferenceId } from "../../log.js";
import type { SlackContext } from "../context.js";
import { answerCommand, COMMAND, failureMessage } from "../report-messages.js";
import { parseCommand } from "./parse-command.js";

/**
 * `/claude-usage`: ack at once (Slack allows 3 s; a cold 30-day report takes longer), then
 * answer through response_url. Replies are ephemeral; the Share button makes them public.
 */
export function registerClaudeUsageCommand(app: App, ctx: SlackContext): void {
  app.command(COMMAND, async ({ command, ack, respond }) => {
    await ack();
    // Slack may leave `text` out of the body when nothing was typed.
    const text = command.text ?? "";
    // Every command gets a reference id, in its log lines and in any error reply.
    const log = { ref: newReferenceId(), user: command.user_id, text: text.slice(0, 200) };
    let message: Awaited<ReturnType<typeof answerCommand>>;
    try {
      const parsed = parseCommand(text, {
        now: ctx.now(),
        timeZone: ctx.config.REPORT_TIMEZONE,
        maxDays: ctx.config.MAX_PERIOD_DAYS,
      });
      message = await answerCommand(parsed, command.user_id, ctx, { share: true });
      ctx.logger.info({ ...log, kind: parsed.kind }, "slash command answered");
    } catch (error) {
      message = failureMessage(error, ctx, log);
    }
    await respond({ response_type: "ephemeral", ...message });
  });
}

import type { App, BlockButtonAction } from "@slack/bolt";
import { renderNotAllowed } from "../../render/blocks/index.js";
import { SHARE_ACTION_ID } from "../../render/blocks/org-report.js";
import { parsePeriod } from "../../usage/periods.js";
import type { SlackContext } from "../context.js";
import { answerCommand, COMMAND, failureMessage, shareValueSchema } from "../report-messages.js";

/**
 * "Share in channel": the same report, posted for everyone through the button's response_url
 * (no extra scope, works wherever the command was used). Same access rule as the command.
 */
export function registerShareReportAction(app: App, ctx: SlackContext): void {
  app.action<BlockButtonAction>(SHARE_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    const userId = body.user.id;
    const log = { user: userId, action: SHARE_ACTION_ID };
    try {
      if (!(await ctx.access.canSeeOrg(userId))) {
        await respond({
          response_type: "ephemeral",
          replace_original: false,
          ...renderNotAllowed(COMMAND),
        });
        return;
      }
      const value = shareValueSchema.parse(JSON.parse(action.value ?? "{}"));
      const period = parsePeriod(value.period, {
        now: ctx.now(),
        timeZone: ctx.config.REPORT_TIMEZONE,
        maxDays: ctx.config.MAX_PERIOD_DAYS,
      });
      const base = { period, periodText: value.period };
      const command =
        value.kind === "top"
          ? { kind: "top" as const, metric: value.metric ?? "cost", ...base }
          : { kind: value.kind, ...base };
      const message = await answerCommand(command, userId, ctx, { share: false });
      await respond({
        response_type: "in_channel",
        replace_original: false,
        text: message.text,
        blocks: [
          ...message.blocks,
          { type: "context", elements: [{ type: "mrkdwn", text: `Shared by <@${userId}>` }] },
        ],
      });
      ctx.logger.info({ ...log, kind: value.kind }, "report shared");
    } catch (error) {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        ...failureMessage(error, ctx, log),
      });
    }
  });
}

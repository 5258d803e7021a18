import type {
  App,
  BlockButtonAction,
  BlockOverflowAction,
  SlackActionMiddlewareArgs,
} from "@slack/bolt";
import type { KnownBlock } from "@slack/web-api";
import {
  DM_CHANGE_TIME,
  DM_LAST_7_DAYS,
  DM_MORE,
  DM_STOP,
  type SlackMessage,
} from "../../render/blocks/index.js";
import type { SlackContext } from "../context.js";
import { ackFirst } from "../middleware.js";
import { COMMAND, failureMessage, setDms } from "../report-messages.js";
import { answerFor, clickListener, lastSevenDays } from "./click-answer.js";

/*
 * A daily DM's buttons (render/blocks/message-actions.ts): "My last 7 days", and an overflow
 * menu with "Stop these DMs" and "Change the time".
 */

export const DMS_STOPPED = `You won't get these DMs any more. \`${COMMAND} dm on\` to start again.`;

export function registerDmButtons(app: App, ctx: SlackContext): void {
  app.action<BlockButtonAction>(DM_LAST_7_DAYS, ackFirst, dmLastSevenDays(ctx));
  app.action<BlockOverflowAction>(DM_MORE, ackFirst, dmMore(ctx));
}

/** "My last 7 days": the person's own week, as `me last 7 days` gives it. */
export function dmLastSevenDays(ctx: SlackContext) {
  return clickListener(ctx, DM_LAST_7_DAYS, "me last 7 days", (click) =>
    answerFor({ kind: "me", ...lastSevenDays(ctx) }, click, ctx),
  );
}

type OverflowArgs = Pick<
  SlackActionMiddlewareArgs<BlockOverflowAction>,
  "body" | "action" | "respond"
>;

/** The overflow menu: stop the DMs (the DM then says so in place of its buttons), or where the time is set. */
export function dmMore(ctx: SlackContext) {
  return async ({ body, action, respond }: OverflowArgs): Promise<void> => {
    const userId = body.user.id;
    const picked = action.selected_option?.value;
    const log = { user: userId, action: DM_MORE, picked };
    try {
      if (picked === DM_STOP) await stopDms(body, ctx, respond);
      else if (picked === DM_CHANGE_TIME) await privately(respond, changeTime(body));
      else {
        ctx.logger.warn(log, "an overflow option this version does not know");
        await privately(
          respond,
          plain(
            `That option is from another version of the app. \`${COMMAND} dm off\` stops these DMs; \`${COMMAND} dm on\` starts them again.`,
          ),
        );
      }
    } catch (error) {
      const reply = await failureMessage(error, ctx, log, {
        during: `a DM's menu, by <@${userId}>`,
      });
      await privately(respond, reply).catch((err: unknown) =>
        ctx.logger.warn({ ...log, err }, "could not answer the click through its response_url"),
      );
    }
  };
}

/**
 * DMs off for the clicker; the DM loses its buttons and says so, in the place they were. Where
 * the DM cannot be changed (Slack sent no blocks), the confirmation comes as a private reply.
 */
async function stopDms(
  body: BlockOverflowAction,
  ctx: SlackContext,
  respond: OverflowArgs["respond"],
): Promise<void> {
  const set = await setDms(false, body.user.id, ctx);
  if (!set.ok) return privately(respond, set.message);
  ctx.logger.info({ user: body.user.id }, "daily DMs stopped from a DM's menu");
  const original = body.message?.blocks as KnownBlock[] | undefined;
  if (!original) return privately(respond, plain(DMS_STOPPED));
  await respond({
    replace_original: true,
    text: typeof body.message?.text === "string" ? body.message.text : DMS_STOPPED,
    blocks: [
      ...original.filter((block) => block.type !== "actions"),
      { type: "context", elements: [{ type: "mrkdwn", text: `:no_bell: ${DMS_STOPPED}` }] },
    ],
  });
}

/** Where the time of the DMs is chosen: the app's Home tab, linked when Slack said which app. */
function changeTime(body: BlockOverflowAction): SlackMessage {
  const team = body.team?.id;
  const app = body.api_app_id;
  const home = team && app ? `<slack://app?team=${team}&id=${app}&tab=home|Home tab>` : "Home tab";
  const text = `You choose when these DMs come on my ${home}: open the app in Slack's sidebar, then *Home*.`;
  // The emoji only in the block: the fallback text is what a notification shows.
  return {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `:alarm_clock: ${text}` } }],
  };
}

async function privately(respond: OverflowArgs["respond"], message: SlackMessage): Promise<void> {
  await respond({ response_type: "ephemeral", replace_original: false, ...message });
}

function plain(text: string): SlackMessage {
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

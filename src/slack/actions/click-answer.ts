import type { BlockButtonAction, RespondFn, SlackActionMiddlewareArgs } from "@slack/bolt";
import { newReferenceId } from "../../log.js";
import { clip, type SlackMessage } from "../../render/blocks/index.js";
import type { Progress } from "../../reports/index.js";
import { parsePeriod } from "../../usage/periods.js";
import { stillFetching } from "../commands/claude-usage.js";
import type { ReportCommand } from "../commands/parse-command.js";
import type { SlackContext } from "../context.js";
import { respondWithProgress, STILL_FETCHING_AFTER_MS } from "../progress.js";
import { answerCommand, failureMessage, seesFailureDetail } from "../report-messages.js";
import {
  ActionValueError,
  type ClickedValue,
  readActionValue,
  staleButton,
} from "./action-value.js";

/*
 * How a digest's or DM's button answers: read its value, work out the answer (a slash command's,
 * for the clicker), and post it through the click's response_url, only for the clicker, as a new
 * message — the digest itself never changes. A slow answer is preceded by a "still fetching" note.
 */

export type ButtonArgs = Pick<
  SlackActionMiddlewareArgs<BlockButtonAction>,
  "body" | "action" | "respond"
>;

/** What an answer is about, as it goes: the note says how far it got. */
export interface Tracking {
  command?: ReportCommand | undefined;
  progress?: Progress | undefined;
}

export interface Click {
  value: ClickedValue;
  userId: string;
  track: Tracking;
}

/**
 * A button's listener: `plan` makes the answer; `instead` is the command that gives the same
 * answer, for a button this release cannot read.
 */
export function clickListener(
  ctx: SlackContext,
  actionId: string,
  instead: string,
  plan: (click: Click) => Promise<SlackMessage>,
) {
  return async ({ body, action, respond }: ButtonArgs): Promise<void> => {
    const userId = body.user.id;
    const log = { ref: newReferenceId(), user: userId, action: actionId };
    const track: Tracking = {};
    const answer = (async (): Promise<SlackMessage> => {
      try {
        const value = readActionValue(action.value, periodOptions(ctx));
        const message = await plan({ value, userId, track });
        ctx.logger.info({ ...log, kind: track.command?.kind }, "button answered");
        return message;
      } catch (error) {
        if (error instanceof ActionValueError) return staleButton(error, instead, ctx, log);
        const showDetail = await seesFailureDetail(ctx, userId);
        return failureMessage(error, ctx, log, {
          showDetail,
          during: `a digest's button (${actionId}) by <@${userId}>`,
        });
      }
    })();
    await answerPrivately(respond, answer, ctx, log, track);
  };
}

/** The answer, only for the clicker, after a note when slow; a dead response_url is logged. */
async function answerPrivately(
  respond: RespondFn,
  answer: Promise<SlackMessage>,
  ctx: SlackContext,
  log: Record<string, unknown>,
  track: Tracking,
): Promise<void> {
  try {
    await respondWithProgress(respond, answer, {
      afterMs: ctx.stillFetchingAfterMs ?? STILL_FETCHING_AFTER_MS,
      note: () => stillFetching(track.command, track.progress, ctx.now()),
      onNoteError: (error) => ctx.logger.warn({ ...log, err: error }, "could not post the note"),
      replaceNote: false,
    });
  } catch (error) {
    // Slack keeps a response_url for 30 minutes and 5 posts; after that the answer has nowhere
    // to go, and nothing else to do.
    ctx.logger.warn(
      { ...log, err: error, status: httpStatus(error) },
      "could not answer the click: Slack refused its response_url (expired or used up)",
    );
  }
}

/** Bolt's RespondError carries `statusCode`; an HTTP client's error, `response.status`. */
function httpStatus(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; response?: { status?: unknown } } | null;
  const status = e?.statusCode ?? e?.response?.status;
  return typeof status === "number" ? status : undefined;
}

export function periodOptions(ctx: SlackContext) {
  return {
    now: ctx.now(),
    timeZone: ctx.periods.timeZone,
    maxDays: ctx.periods.maxPeriodDays,
  };
}

/** The last 7 days on the report calendar, as `/claude-usage last 7 days` reads them. */
export function lastSevenDays(ctx: SlackContext) {
  return { period: parsePeriod("last 7 days", periodOptions(ctx)), periodText: "last 7 days" };
}

/** The clicker's answer to a command, as the slash command gives it (private, with Share). */
export function answerFor(command: ReportCommand, click: Click, ctx: SlackContext) {
  click.track.command = command;
  return answerCommand(command, click.userId, ctx, {
    share: true,
    audience: "private",
    onProgress: (progress) => {
      click.track.progress = progress;
    },
  });
}

/** What they may not see, said first; then their own numbers. */
export async function limitedThenMine(
  why: string,
  mine: ReportCommand,
  click: Click,
  ctx: SlackContext,
): Promise<SlackMessage> {
  const message = await answerFor(mine, click, ctx);
  return {
    text: clip(`${why} ${message.text}`, 3000),
    blocks: [
      { type: "context", elements: [{ type: "mrkdwn", text: `:lock: ${why}` }] },
      ...message.blocks,
    ],
  };
}

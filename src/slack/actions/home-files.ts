import type { App, BlockButtonAction } from "@slack/bolt";
import { HOME_ACTIONS, readHomeState } from "../../render/blocks/home.js";
import { formatPeriodDates } from "../../render/format.js";
import { parsePeriod } from "../../usage/periods.js";
import type { SlackContext } from "../context.js";
import { type HomeActionArgs, publishHome } from "../home.js";
import { ackFirst } from "../middleware.js";
import { answerCommand, failureMessage } from "../report-messages.js";

/*
 * Charts and Export CSV from the Home tab. There is no response_url there: the files go to the
 * person's DM with the app, as the slash command's do, and the Home tab says so. Org data: the
 * access rule is checked again on the click, never read from the button.
 */

export function registerHomeFiles(app: App, ctx: SlackContext): void {
  app.action<BlockButtonAction>(HOME_ACTIONS.charts, ackFirst, sendHomeFiles(ctx, "chart"));
  app.action<BlockButtonAction>(HOME_ACTIONS.export, ackFirst, sendHomeFiles(ctx, "export"));
}

export function sendHomeFiles(ctx: SlackContext, kind: "chart" | "export") {
  const what = kind === "chart" ? "charts" : "CSV export";
  const cause = kind === "chart" ? HOME_ACTIONS.charts : HOME_ACTIONS.export;
  return async ({ body, action, client }: HomeActionArgs<BlockButtonAction>) => {
    const userId = body.user.id;
    // The view's state (its period) first; the button's value says the same when Slack sent none.
    const state = readHomeState(body.view?.private_metadata || action.value);
    const work = async (): Promise<string> => {
      if (!(await ctx.access.canSeeOrg(userId).catch(() => false))) {
        return ":lock: Charts and exports show the whole org, which is limited to a few people here.";
      }
      const period = parsePeriod(state.p, {
        now: ctx.now(),
        timeZone: ctx.periods.timeZone,
        maxDays: ctx.periods.maxPeriodDays,
      });
      try {
        const answer = await answerCommand({ kind, period, periodText: state.p }, userId, ctx);
        // Without uploads set up, the answer says so; else the files are in the DM.
        if (!ctx.uploads) return answer.text;
        const icon = kind === "chart" ? ":bar_chart:" : ":inbox_tray:";
        return `${icon} Sent the ${what} for ${formatPeriodDates(period, ctx.now())} to your Messages tab.`;
      } catch (error) {
        const failure = await failureMessage(
          error,
          ctx,
          { user: userId, action: cause },
          { during: `the Home tab's ${what}, by <@${userId}>` },
        );
        return `:warning: The ${what} could not be sent. ${failure.text}`;
      }
    };
    await publishHome(client, ctx, userId, state, {
      cause,
      pending: `:hourglass_flowing_sand: Sending the ${what} to your Messages tab…`,
      work,
    });
  };
}

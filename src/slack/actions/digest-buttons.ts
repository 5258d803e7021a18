import type { App, BlockButtonAction } from "@slack/bolt";
import {
  DIGEST_CHARTS,
  DIGEST_LAST_7_DAYS,
  DIGEST_MY_NUMBERS,
  escapeMrkdwn,
  type SlackMessage,
} from "../../render/blocks/index.js";
import { formatPeriodDates } from "../../render/format.js";
import { needsOrg } from "../commands/claude-usage.js";
import type { ReportCommand } from "../commands/parse-command.js";
import type { SlackContext } from "../context.js";
import { ackFirst } from "../middleware.js";
import {
  answerFor,
  type Click,
  clickListener,
  lastSevenDays,
  limitedThenMine,
} from "./click-answer.js";

/*
 * A channel digest's buttons (render/blocks/message-actions.ts): each answers the person who
 * clicked, privately, with what the matching slash command gives them. A team digest's buttons
 * answer for that team. Who may not see the org's (or the team's) numbers gets their own.
 */

export function registerDigestButtons(app: App, ctx: SlackContext): void {
  app.action<BlockButtonAction>(DIGEST_LAST_7_DAYS, ackFirst, digestLastSevenDays(ctx));
  app.action<BlockButtonAction>(DIGEST_MY_NUMBERS, ackFirst, digestMyNumbers(ctx));
  app.action<BlockButtonAction>(DIGEST_CHARTS, ackFirst, digestCharts(ctx));
}

/** "Last 7 days": the org's (or the team's) last 7 days, as `last 7 days` (`team X …`) gives. */
export function digestLastSevenDays(ctx: SlackContext) {
  return clickListener(ctx, DIGEST_LAST_7_DAYS, "last 7 days", async (click) => {
    const week = lastSevenDays(ctx);
    const { team } = click.value;
    const command: ReportCommand = team
      ? { kind: "team", team, ...week }
      : { kind: "org", ...week };
    const refused = await refusal(
      command,
      click,
      ctx,
      `${whose(team)} numbers are limited to a few people here, so here are your own last 7 days.`,
    );
    if (refused) return refused({ kind: "me", ...week });
    return answerFor(command, click, ctx);
  });
}

/** "My numbers": the clicker's own numbers for the digest's period, as `me <dates>` gives. */
export function digestMyNumbers(ctx: SlackContext) {
  return clickListener(ctx, DIGEST_MY_NUMBERS, "me", (click) =>
    answerFor(
      { kind: "me", period: click.value.period, periodText: click.value.periodText },
      click,
      ctx,
    ),
  );
}

/** "Charts": the digest period's charts, by DM, as `chart <dates>` sends them. */
export function digestCharts(ctx: SlackContext) {
  return clickListener(ctx, DIGEST_CHARTS, "chart", async (click) => {
    const { period, periodText, team } = click.value;
    const command: ReportCommand = { kind: "chart", period, periodText, team };
    const refused = await refusal(
      command,
      click,
      ctx,
      `${whose(team)} charts are limited to a few people here, so here are your own numbers for ${formatPeriodDates(period, ctx.now())}.`,
    );
    if (refused) return refused({ kind: "me", period, periodText });
    return answerFor(command, click, ctx);
  });
}

/**
 * Whether the clicker may not see what `command` shows (the org's numbers, or a team's unless
 * they lead it and TEAM_LEADS_SEE_TEAM is on): then a way to answer with their own instead,
 * `why` first.
 */
async function refusal(
  command: ReportCommand,
  click: Click,
  ctx: SlackContext,
  why: string,
): Promise<((mine: ReportCommand) => Promise<SlackMessage>) | undefined> {
  if (!(await needsOrg(command, click.userId, ctx))) return undefined;
  if (await ctx.access.canSeeOrg(click.userId)) return undefined;
  return (mine) => limitedThenMine(why, mine, click, ctx);
}

/** "The org's", or "Backend's" for a team digest. */
function whose(team: string | undefined): string {
  return team ? `${escapeMrkdwn(team)}'s` : "The org's";
}

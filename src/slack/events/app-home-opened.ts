import type { App } from "@slack/bolt";
import type { KnownBlock } from "@slack/web-api";
import { renderOrgReport, renderPersonalReport } from "../../render/blocks/index.js";
import { parsePeriod } from "../../usage/periods.js";
import type { SlackContext } from "../context.js";
import { namesFor, peopleShown } from "../mentions.js";
import { COMMAND, failureMessage } from "../report-messages.js";
import { personLookup } from "../user-directory.js";

/** The Home tab: the viewer's last 7 days and, for those allowed, the org's. */
export function registerAppHomeOpened(app: App, ctx: SlackContext): void {
  app.event("app_home_opened", async ({ event, client }) => {
    if (event.tab !== "home") return;
    const userId = event.user;
    let blocks: KnownBlock[];
    try {
      blocks = await homeBlocks(userId, ctx);
    } catch (error) {
      blocks = (
        await failureMessage(
          error,
          ctx,
          { user: userId, event: "app_home_opened" },
          { during: `opening the Home tab, by <@${userId}>` },
        )
      ).blocks;
    }
    await client.views.publish({ user_id: userId, view: { type: "home", blocks } });
  });
}

export async function homeBlocks(userId: string, ctx: SlackContext): Promise<KnownBlock[]> {
  const now = ctx.now();
  const period = parsePeriod("last 7 days", { now, timeZone: ctx.periods.timeZone });
  const [email, allowed] = await Promise.all([
    ctx.directory.emailOf(userId),
    ctx.access.canSeeOrg(userId),
  ]);
  // The person's part as `me` says it: compared with their usual day, and their budget.
  const [report, mine] = await Promise.all([
    ctx.reports.org(period),
    email ? ctx.reports.personal(email, period) : undefined,
  ]);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Your Claude Code week" } },
    ...(mine
      ? renderPersonalReport(mine.report, mine.actorKey, {
          now,
          lookedUpAs: mine.email,
          budget: mine.budget,
          usual: mine.usual,
          finalAfterMs: ctx.periods.finalAfterMs,
        }).blocks
      : [
          {
            type: "section" as const,
            text: {
              type: "mrkdwn" as const,
              text: "I couldn't find the email of your Slack account.",
            },
          },
        ]),
  ];
  if (allowed) {
    // The Home tab is private: people by name, with mentions.
    const names = await namesFor(peopleShown(report, 10), personLookup(ctx.directory), "private");
    blocks.push(
      { type: "divider" },
      ...renderOrgReport(report, {
        now,
        timeZone: ctx.periods.timeZone,
        top: 10,
        names,
        // The Home tab is the viewer's own, and the org part is for allowed users only.
        audience: "private",
      }).blocks,
    );
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `Type \`${COMMAND} help\` anywhere for more. Refreshed each time you open this tab.`,
      },
    ],
  });
  // A Home tab holds up to 100 blocks.
  return blocks.slice(0, 100);
}

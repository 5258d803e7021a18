import { z } from "zod";
import { AnthropicApiError, describeAnthropicError } from "../anthropic/errors.js";
import { newReferenceId } from "../log.js";
import {
  renderError,
  renderHelp,
  renderLeaderboard,
  renderModels,
  renderOrgReport,
  renderPersonalReport,
  type SlackMessage,
} from "../render/blocks/index.js";
import { renderCharts } from "../render/charts/index.js";
import { formatDateSpan } from "../render/format.js";
import { StoreError } from "../store/errors.js";
import { LEADERBOARD_METRICS, leaderboard } from "../usage/report.js";
import type { UsageCommand } from "./commands/parse-command.js";
import type { SlackContext } from "./context.js";
import { slackErrorCode } from "./errors.js";
import { chartFiles } from "./files.js";
import { type Audience, namesFor, peopleShown } from "./mentions.js";
import { personLookup } from "./user-directory.js";

/*
 * From a parsed command to the message that answers it. Shared by the slash command, the Share
 * button and the App Home, so all three say the same thing the same way.
 */

export const COMMAND = "/claude-usage";

/** The Share button's action id: rendered with a report, handled by actions/share-report.ts. */
export const SHARE_ACTION_ID = "share_report";

/** What a Share button carries: enough to compute the same report again, with fixed dates. */
export const shareValueSchema = z.object({
  kind: z.enum(["org", "top", "models"]),
  metric: z.enum(LEADERBOARD_METRICS).optional(),
  /** "YYYY-MM-DD..YYYY-MM-DD": the dates of the report shown, not "yesterday". */
  period: z.string().max(40),
});
export type ShareValue = z.infer<typeof shareValueSchema>;

export async function answerCommand(
  command: UsageCommand,
  userId: string,
  ctx: SlackContext,
  options: {
    share?: boolean;
    /** Where the answer goes: a channel (a shared report) names people without pinging them. */
    audience?: Audience;
  } = {},
): Promise<SlackMessage> {
  const audience = options.audience ?? "private";
  switch (command.kind) {
    case "help":
      return renderHelp({ command: COMMAND, problem: command.problem });
    case "dm":
      if (!ctx.preferences) {
        return plain("Daily DM summaries are not set up on this installation yet.");
      }
      try {
        await ctx.preferences.setDmPreference(userId, command.enable ? "on" : "off");
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        return storeFailure(error, `${COMMAND} dm ${command.enable ? "on" : "off"}`, ctx);
      }
      return plain(
        command.enable
          ? "Done: you'll get a short summary of your Claude Code day by DM each morning."
          : `Done: no more daily DMs. \`${COMMAND} dm on\` to get them again.`,
      );
    case "me": {
      const email = await ctx.directory.emailOf(userId);
      if (!email) {
        return plain(
          "I couldn't find the email of your Slack account, which is how Anthropic knows you. (The app needs the users:read.email scope.)",
        );
      }
      const mine = await ctx.reports.personal(email, command.period);
      return renderPersonalReport(mine.report, mine.actorKey, {
        now: ctx.now(),
        lookedUpAs: email,
        budget: mine.budget,
      });
    }
    case "export": {
      if (!ctx.uploads) return plain("Exports are not set up on this installation.");
      const { files, comment } = await ctx.reports.export(command.period);
      await ctx.uploads.toUser(userId, files, comment);
      return plain(
        `:inbox_tray: Sent you the export for ${formatDateSpan(command.period)} (UTC) in a DM: two CSV files, one row per person and day, and a summary per person.`,
      );
    }
    case "chart": {
      if (!ctx.uploads) return plain("Charts are not set up on this installation.");
      const report = await ctx.reports.org(command.period, { compare: false });
      const names = await namesFor(
        report.actors.slice(0, 10),
        personLookup(ctx.directory),
        "channel",
      );
      await ctx.uploads.toUser(
        userId,
        chartFiles(await renderCharts(report, "all", { names })),
        `Claude Code charts, ${formatDateSpan(command.period)} (UTC).`,
      );
      return plain(
        `:bar_chart: Sent you the charts for ${formatDateSpan(command.period)} (UTC) in a DM: daily spend with active people, and the top spenders.`,
      );
    }
    case "org":
    case "top":
    case "models": {
      const report = await ctx.reports.org(command.period);
      const share: ShareValue = {
        kind: command.kind,
        metric: command.kind === "top" ? command.metric : undefined,
        period: `${command.period.from}..${command.period.to}`,
      };
      const common = {
        now: ctx.now(),
        timeZone: ctx.periods.timeZone,
        share: options.share
          ? { actionId: SHARE_ACTION_ID, value: JSON.stringify(share) }
          : undefined,
      };
      if (command.kind === "models") return renderModels(report, common);
      const top = command.kind === "top" ? 25 : 5;
      const metric = command.kind === "top" ? command.metric : "cost";
      // The people the message shows: the top by cost, and the top by the leaderboard's metric.
      const shown = [...peopleShown(report, top), ...leaderboard(report.actors, metric, top)];
      const names = await namesFor(shown, personLookup(ctx.directory), audience);
      if (command.kind === "top")
        return renderLeaderboard(report, command.metric, { ...common, top, names });
      return renderOrgReport(report, {
        ...common,
        top,
        names,
        hint:
          command.period.days.length === 1 ? `\`${COMMAND} last 7 days\` for the week` : undefined,
      });
    }
  }
}

/** A friendly failure: the reason people can act on, and a reference id that is in the logs. */
export function failureMessage(
  error: unknown,
  ctx: SlackContext,
  context: Record<string, unknown> & { ref?: string },
): SlackMessage {
  const ref = context.ref ?? newReferenceId();
  ctx.logger.error({ ref, err: error, ...context }, "could not answer");
  // In our words only: upstream text (an API's message, even a Slack error code) may echo
  // anything, and the details are in the log line above, under the ref.
  const slackCode = slackErrorCode(error);
  const reason =
    error instanceof AnthropicApiError
      ? describeAnthropicError(error)
      : slackCode !== undefined
        ? describeSlackRefusal(slackCode)
        : "something went wrong on my side. Try again in a moment.";
  return renderError(reason, ref);
}

const SLACK_AUTH_CODES = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

function describeSlackRefusal(code: string): string {
  if (code === "missing_scope") {
    return "Slack refused: this app lacks a permission it needs (an admin can reinstall it from manifest.yml to grant it).";
  }
  if (SLACK_AUTH_CODES.has(code)) {
    return "Slack no longer accepts this app's token (an admin should check SLACK_BOT_TOKEN).";
  }
  if (code === "not_in_channel" || code === "channel_not_found") {
    return "Slack refused: the app cannot post there (it may need to be invited to the channel).";
  }
  return "Slack refused the request.";
}

/**
 * The store failed (its database down, most likely): what could not be done and when to try
 * again, not where the database is. Logged with a reference id, like other failures.
 */
function storeFailure(error: StoreError, retry: string, ctx: SlackContext): SlackMessage {
  const ref = newReferenceId();
  ctx.logger.warn({ ref, err: error }, "store failed; told the user");
  const why = error.unreachable
    ? "my database is not answering right now"
    : "my database refused it";
  return plain(
    `:warning: I couldn't ${error.operation}: ${why}. Reports still work; try \`${retry}\` again in a few minutes. (ref \`${ref}\`)`,
  );
}

function plain(text: string): SlackMessage {
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

import type { KnownBlock } from "@slack/web-api";
import { z } from "zod";
import {
  AnthropicApiError,
  describeAnthropicError,
  describeAnthropicErrorInDetail,
} from "../anthropic/errors.js";
import { newReferenceId } from "../log.js";
import {
  type Audience,
  renderError,
  renderHelp,
  renderLeaderboard,
  renderModels,
  renderNoSuchTeam,
  renderNoTeams,
  renderOrgReport,
  renderPersonalReport,
  renderSeats,
  renderSeatsUnavailable,
  renderTeams,
  type SlackMessage,
} from "../render/blocks/index.js";
import { clip } from "../render/blocks/limits.js";
import { renderCharts } from "../render/charts/index.js";
import { renderInactiveSeatsCsv } from "../render/csv.js";
import { formatDateSpan, formatInt } from "../render/format.js";
import { type Progress, TeamNotFound, TeamsNotConfigured } from "../reports/index.js";
import { createScrubber } from "../scrub.js";
import { StoreError } from "../store/errors.js";
import { DEFAULT_PERIOD } from "../usage/periods.js";
import { LEADERBOARD_METRICS, leaderboard, type UsageReport } from "../usage/report.js";
import type { ReportCommand, UsageCommand } from "./commands/parse-command.js";
import type { SlackContext } from "./context.js";
import { slackErrorCode } from "./errors.js";
import { chartFiles } from "./files.js";
import { namesFor, peopleShown } from "./mentions.js";
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
  kind: z.enum(["org", "top", "models", "team", "teams"]),
  metric: z.enum(LEADERBOARD_METRICS).optional(),
  /** A team's report: the team's name as found. */
  team: z.string().max(100).optional(),
  /** "YYYY-MM-DD..YYYY-MM-DD": the dates of the report shown, not "yesterday". */
  period: z.string().max(40),
});
export type ShareValue = z.infer<typeof shareValueSchema>;

export async function answerCommand(
  command: ReportCommand,
  userId: string,
  ctx: SlackContext,
  options: {
    share?: boolean;
    /**
     * Who reads the answer: "private" for a reply only the asker sees (mentions, who stopped by
     * name); "channel" (the default, a shared report) names people without pinging them.
     */
    audience?: Audience;
    /** Told as the report's days come in (the "still fetching" note says how far). */
    onProgress?: ((progress: Progress) => void) | undefined;
  } = {},
): Promise<SlackMessage> {
  const audience = options.audience ?? "private";
  switch (command.kind) {
    case "help":
      return renderHelp({
        command: COMMAND,
        problem: command.problem,
        suggestion: command.suggestion,
      });
    case "dm": {
      const set = await setDms(command.enable, userId, ctx);
      if (!set.ok) return set.message;
      return plain(
        command.enable
          ? "Done: you'll get a short summary of your Claude Code day by DM each morning."
          : `Done: no more daily DMs. \`${COMMAND} dm on\` to get them again.`,
      );
    }
    case "me": {
      const email = await ctx.directory.emailOf(userId);
      if (!email) {
        return plain(
          "I couldn't find the email of your Slack account, which is how Anthropic knows you. (The app needs the users:read.email scope.)",
        );
      }
      const mine = await ctx.reports.personal(email, command.period, { lookBack: true });
      return renderPersonalReport(mine.report, mine.actorKey, {
        now: ctx.now(),
        lookedUpAs: email,
        budget: mine.budget,
        usual: mine.usual,
        command: COMMAND,
        finalAfterMs: ctx.periods.finalAfterMs,
        lastActive:
          mine.lastActiveDay === undefined
            ? undefined
            : { day: mine.lastActiveDay, lookbackDays: mine.lookbackDays ?? 0 },
        teamRanks: mine.teamRanks,
      });
    }
    case "team":
    case "teams":
      try {
        return await answerTeams(command, ctx, audience, options.share ?? false);
      } catch (error) {
        const told = teamFailure(error, command);
        if (told) return told;
        throw error;
      }
    case "seats": {
      if (command.csv && !ctx.uploads) return plain("Exports are not set up on this installation.");
      const seats = await ctx.reports.seats(command.period);
      if (!seats.ok) return renderSeatsUnavailable(seats.missing, seats.fix);
      if (!command.csv || !ctx.uploads) return renderSeats(seats, { now: ctx.now(), audience });
      // The CLI's `seats --format csv`, by DM: emails and names are for the asker only.
      const idle = seats.summary.seats.filter((seat) => !seat.activeInPeriod).length;
      const dates = formatDateSpan(command.period);
      await ctx.uploads.toUser(
        userId,
        [
          {
            filename: `claude-code-idle-seats-${command.period.from}-${command.period.to}.csv`,
            title: `Members not active, ${dates}`,
            content: renderInactiveSeatsCsv(
              seats.summary.seats,
              (email) => seats.memberTeams?.[email] ?? [],
            ),
          },
        ],
        `${formatInt(idle)} of ${formatInt(seats.summary.members)} members did not use Claude Code in ${dates} (UTC): one row each, least used first.`,
      );
      return plain(
        `:inbox_tray: Sent you a CSV of the ${formatInt(idle)} members not active in ${dates} (UTC) in a DM.`,
      );
    }
    case "export": {
      if (!ctx.uploads) return plain("Exports are not set up on this installation.");
      // Names in the files as a channel would show them: plain text, never a mention.
      const { files, comment } = await ctx.reports.export(command.period, {
        names: (actors) => namesFor(actors, personLookup(ctx.directory), "channel"),
      });
      await ctx.uploads.toUser(userId, files, comment);
      return plain(
        `:inbox_tray: Sent you the export for ${formatDateSpan(command.period)} (UTC) in a DM: two CSV files, one row per person and day, and a summary per person.`,
      );
    }
    case "chart": {
      if (!ctx.uploads) return plain("Charts are not set up on this installation.");
      let report: UsageReport;
      let of = "";
      try {
        if (command.team) {
          const team = await ctx.reports.team(command.team, command.period);
          report = team.report;
          of = `${team.team.name}, `;
        } else report = await ctx.reports.org(command.period, { compare: false });
      } catch (error) {
        const told = teamFailure(error, command);
        if (told) return told;
        throw error;
      }
      // One day is one bar: its top spenders say more, and a longer period is a command away.
      const oneDay = command.period.days.length === 1;
      const names = await namesFor(
        report.actors.slice(0, 10),
        personLookup(ctx.directory),
        "channel",
      );
      await ctx.uploads.toUser(
        userId,
        chartFiles(await renderCharts(report, oneDay ? "top" : "all", { names })),
        `Claude Code charts, ${of}${formatDateSpan(command.period)} (UTC).`,
      );
      return plain(
        oneDay
          ? `:bar_chart: Sent you the top spenders of ${formatDateSpan(command.period)} (UTC) in a DM. A day's spend is one bar, so for the daily chart ask for more days: \`${COMMAND} chart\` (the last 30).`
          : `:bar_chart: Sent you the charts for ${formatDateSpan(command.period)} (UTC) in a DM: daily spend with active people, and the top spenders.`,
      );
    }
    case "org":
    case "top":
    case "models": {
      const report = await ctx.reports.org(command.period, { onProgress: options.onProgress });
      const share: ShareValue = {
        kind: command.kind,
        metric: command.kind === "top" ? command.metric : undefined,
        period: `${command.period.from}..${command.period.to}`,
      };
      const common = {
        now: ctx.now(),
        timeZone: ctx.periods.timeZone,
        // Replies are messages: lists as Slack tables (the Home tab renders without them).
        tables: true,
        finalAfterMs: ctx.periods.finalAfterMs,
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
        audience,
        hint:
          command.period.days.length === 1 ? `\`${COMMAND} last 7 days\` for the week` : undefined,
      });
    }
  }
}

/** A team that is not there (or no teams at all), said with the closest names; else undefined. */
function teamFailure(error: unknown, command: { periodText: string }): SlackMessage | undefined {
  if (error instanceof TeamsNotConfigured) return renderNoTeams();
  if (error instanceof TeamNotFound) {
    return renderNoSuchTeam(error.query, {
      closest: error.closest,
      known: error.known,
      command: COMMAND,
      period: command.periodText === DEFAULT_PERIOD ? undefined : command.periodText,
    });
  }
  return undefined;
}

/**
 * Daily DMs on or off for a person (`dm on|off`, a DM's "Stop these DMs"): done, or why not in
 * their words (no store here, or the store failed).
 */
export async function setDms(
  enable: boolean,
  userId: string,
  ctx: SlackContext,
): Promise<{ ok: true } | { ok: false; message: SlackMessage }> {
  if (!ctx.preferences) {
    return {
      ok: false,
      message: plain("Daily DM summaries are not set up on this installation yet."),
    };
  }
  try {
    await ctx.preferences.setDmPreference(userId, enable ? "on" : "off");
    return { ok: true };
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    return {
      ok: false,
      message: storeFailure(error, `${COMMAND} dm ${enable ? "on" : "off"}`, ctx),
    };
  }
}

/** A team's report (the org report's renderer, with the team's name), or the teams side by side. */
async function answerTeams(
  command: Extract<UsageCommand, { kind: "team" | "teams" }>,
  ctx: SlackContext,
  audience: Audience,
  shareable: boolean,
): Promise<SlackMessage> {
  const now = ctx.now();
  const period = `${command.period.from}..${command.period.to}`;
  const button = (value: ShareValue) => (shareable ? [shareActions(JSON.stringify(value))] : []);
  if (command.kind === "teams") {
    // Replies are messages: the teams as a Slack table.
    const message = renderTeams(await ctx.reports.teams(command.period), { now, tables: true });
    return { ...message, blocks: [...message.blocks, ...button({ kind: "teams", period })] };
  }
  const { team, report } = await ctx.reports.team(command.team, command.period);
  const share: ShareValue = { kind: "team", team: team.name, period };
  const top = 5;
  const names = await namesFor(peopleShown(report, top), personLookup(ctx.directory), audience);
  return renderOrgReport(report, {
    now,
    timeZone: ctx.periods.timeZone,
    tables: true,
    finalAfterMs: ctx.periods.finalAfterMs,
    top,
    names,
    audience,
    team: team.name,
    share: shareable ? { actionId: SHARE_ACTION_ID, value: JSON.stringify(share) } : undefined,
  });
}

/** The Share button, as the org report carries it (for renderers that have none of their own). */
function shareActions(value: string): KnownBlock {
  return {
    type: "actions",
    block_id: "report_actions",
    elements: [
      {
        type: "button",
        action_id: SHARE_ACTION_ID,
        text: { type: "plain_text", text: "Share in channel" },
        value,
      },
    ],
  };
}

/**
 * A failure in the asker's words: usage unavailable, try again later (when it may pass) or an
 * admin's matter, and a reference id. What is wrong, for admins, goes to the log line under the
 * same ref, to the failure log (`doctor`), by DM to the admins when it needs one of them (then
 * the asker is told an admin knows), and into the reply only with `showDetail` (people allowed
 * to see the org).
 */
export async function failureMessage(
  error: unknown,
  ctx: Pick<SlackContext, "logger" | "now" | "admins" | "failures" | "scrub">,
  context: Record<string, unknown> & { ref?: string },
  options: {
    showDetail?: boolean;
    /** What the person was doing, for the admins' DM ("`/claude-usage me` by <@U1>"). */
    during?: string | undefined;
  } = {},
): Promise<SlackMessage> {
  const ref = context.ref ?? newReferenceId();
  const failure = classifyFailure(error);
  const scrub = ctx.scrub ?? createScrubber();
  ctx.logger.error({ ref, err: error, detail: failure.detail, ...context }, "could not answer");
  const adminDetail = clip(scrub(failure.adminDetail), 1000);
  const [told] = await Promise.all([
    failure.needsAdmin && ctx.admins
      ? ctx.admins
          .tell({ ref, kind: failure.kind, detail: adminDetail, during: options.during })
          .catch(() => false)
      : false,
    ctx.failures
      ?.record({ ref, at: ctx.now().getTime(), kind: failure.kind, detail: adminDetail })
      .catch((err: unknown) =>
        ctx.logger.warn({ ref, err }, "could not keep the failure for doctor"),
      ),
  ]);
  const admin = told
    ? "an admin has been told"
    : "it needs an admin, and the details are in the app's logs";
  const summary =
    failure.source === "anthropic"
      ? failure.needsAdmin
        ? `Usage is unavailable right now; ${admin}.`
        : `Usage is unavailable right now: Anthropic's usage API is not answering. Try again in a few minutes${failure.kind === "anthropic timeout" ? ", or ask for a shorter period" : ""}.`
      : failure.source === "slack"
        ? `Slack wouldn't let me do that; ${admin}.`
        : told
          ? "Something went wrong on my side; an admin has been told. Try again in a moment."
          : "Something went wrong on my side. Try again in a moment; if it keeps happening, an admin can find the details in the app's logs.";
  return renderError({ summary, ref, detail: options.showDetail ? failure.detail : undefined });
}

interface FailureKind {
  source: "anthropic" | "slack" | "app";
  /** One DM an hour per kind: "anthropic auth", "slack missing_scope", "unexpected". */
  kind: string;
  /** Whether it lasts until an admin acts (a transient failure passes on its own). */
  needsAdmin: boolean;
  /** In our words only, for an admin's reply. */
  detail: string;
  /** With what upstream said, for the admins' DM and doctor (scrubbed before it goes out). */
  adminDetail: string;
}

function classifyFailure(error: unknown): FailureKind {
  // In our words only: upstream text (an API's message, even a Slack error code) may echo
  // anything, and what it said is in the log line, under the ref.
  if (error instanceof AnthropicApiError) {
    return {
      source: "anthropic",
      kind: `anthropic ${error.kind}`,
      needsAdmin: !error.transient,
      detail: describeAnthropicError(error),
      adminDetail: describeAnthropicErrorInDetail(error),
    };
  }
  const slackCode = slackErrorCode(error);
  if (slackCode !== undefined) {
    const detail = describeSlackRefusal(slackCode);
    return {
      source: "slack",
      kind: `slack ${slackCode}`,
      needsAdmin: true,
      detail,
      adminDetail: `${detail} (Slack said ${slackCode})`,
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    source: "app",
    kind: "unexpected",
    needsAdmin: true,
    detail: "an unexpected error in the app (the log line has the stack).",
    adminDetail: `an unexpected error in the app: ${clip(message, 300)} (the log line under the ref has the stack).`,
  };
}

/** Whether failure details may be shown to this person: an admin by the access rule. */
export async function seesFailureDetail(
  ctx: Pick<SlackContext, "access">,
  userId: string,
): Promise<boolean> {
  // With no rule everyone may see the org, so no one is an admin by it: plain words for all.
  if (!ctx.access.restricted) return false;
  return ctx.access.canSeeOrg(userId).catch(() => false);
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
export function storeFailure(
  error: StoreError,
  retry: string,
  ctx: Pick<SlackContext, "logger">,
): SlackMessage {
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

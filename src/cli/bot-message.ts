import type { Config } from "../app/config.js";
import { jobSlack } from "../app/jobs.js";
import type { Runtime } from "../app/runtime.js";
import type { SlackMessage } from "../render/blocks/limits.js";
import { createReports, type Reports } from "../reports/index.js";
import type { ReportCommand } from "../slack/commands/parse-command.js";
import type { SlackContext } from "../slack/context.js";
import { answerCommand } from "../slack/report-messages.js";
import type { UserDirectory } from "../slack/user-directory.js";

/*
 * `--format blocks`: the message the bot answers a command with, made by the same function the
 * slash command calls, so that the CLI prints exactly what Slack would get. People are mentioned
 * as in Slack when SLACK_BOT_TOKEN lets them be looked up; otherwise shown by email.
 */

/** Nobody is in Slack: people show by email, as they do for the bot when a look-up fails. */
const NO_DIRECTORY: UserDirectory = {
  lookupByEmail: async () => null,
  findByEmail: async () => null,
  emailOf: async () => null,
  nameOf: async () => null,
  timeZoneOf: async () => null,
};

/** The reports the bot answers with, over this runtime's loader, teams and roster. */
export function cliReports(
  runtime: Pick<Runtime, "loader" | "teams" | "roster" | "store">,
  config: Config,
  now: () => Date,
): Reports {
  return createReports({
    loader: runtime.loader,
    now,
    teams: runtime.teams,
    roster: runtime.roster,
    firstSeen: runtime.store?.firstSeen,
    maxPeriodDays: config.MAX_PERIOD_DAYS,
  });
}

/** What the slash command replies to `command`, asked by someone who may see the org. */
export async function botReply(
  command: ReportCommand,
  runtime: Pick<Runtime, "loader" | "logger" | "teams" | "roster" | "store">,
  config: Config,
  now: () => Date,
): Promise<SlackMessage> {
  const directory = config.SLACK_BOT_TOKEN
    ? jobSlack(config, config.SLACK_BOT_TOKEN, {}).directory
    : NO_DIRECTORY;
  const ctx: SlackContext = {
    periods: {
      timeZone: config.REPORT_TIMEZONE,
      maxPeriodDays: config.MAX_PERIOD_DAYS,
      finalAfterMs: config.DAY_CACHE_FINAL_AFTER_HOURS * 3_600_000,
    },
    reports: cliReports(runtime, config, now),
    directory,
    access: { restricted: false, isAdmin: async () => false, canSeeOrg: async () => true },
    logger: runtime.logger,
    now,
  };
  return answerCommand(command, "cli", ctx, { share: true });
}

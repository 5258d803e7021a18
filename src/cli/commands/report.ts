import type { Config } from "../../app/config.js";
import { jobSlack } from "../../app/jobs.js";
import { renderCsv } from "../../render/csv.js";
import { renderJson } from "../../render/json.js";
import type { NameOf } from "../../render/people.js";
import { renderText } from "../../render/text.js";
import { namesFor } from "../../slack/mentions.js";
import { personLookup } from "../../slack/user-directory.js";
import { userKey } from "../../usage/actor-key.js";
import type { UsageReport } from "../../usage/report.js";
import { botReply, cliReports } from "../bot-message.js";
import { defineCommand } from "../command.js";
import { UsageError } from "../errors.js";
import { EXIT_OK } from "../exit-codes.js";
import { SHARED_OPTIONS } from "../options.js";
import { configAndPeriod, withRuntime } from "../runtime.js";

const FORMATS = ["text", "json", "csv", "blocks"] as const;
type Format = (typeof FORMATS)[number];

/** Settings of the commands that read a period's usage (report, export). */
export const REPORT_SETTINGS = [
  "ANTHROPIC_ADMIN_KEY (required without --demo)",
  "ANTHROPIC_BASE_URL",
  "REPORT_TIMEZONE",
  "FETCH_CONCURRENCY",
  "MAX_PERIOD_DAYS",
  "API_MAX_ATTEMPTS",
  "API_TIMEOUT_MS",
] as const;

export const reportCommand = defineCommand({
  name: "report",
  takesPeriod: true,
  about:
    "the usage of a period (yesterday unless given): totals, top spenders and models, compared with the period before.",
  options: {
    format: {
      type: "string",
      short: "f",
      value: "F",
      choices: FORMATS,
      default: "text",
      help: "text, a report for the terminal; json, the full report; csv, one row per actor; blocks, exactly what `/claude-usage <period>` answers in Slack (fallback text and Block Kit blocks) as JSON",
    },
    top: {
      type: "string",
      value: "N",
      default: "10",
      help: "people in the text leaderboard, 1 to 1000",
    },
    team: {
      type: "string",
      value: "NAME",
      help: "one team's report (its name or @handle, from TEAMS_FILE or TEAMS_FROM_USERGROUPS): exactly its members' numbers",
    },
    "no-compare": {
      type: "boolean",
      help: "skip the comparison with the previous period (half the API calls)",
    },
    demo: SHARED_OPTIONS.demo,
    "no-cache": SHARED_OPTIONS["no-cache"],
  },
  settings: REPORT_SETTINGS,
  async run({ values, period: periodText }, io) {
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 1000) {
      throw new UsageError(`--top must be a whole number from 1 to 1000, not "${values.top}"`);
    }
    const compare = !values["no-compare"];
    if (values.format === "blocks" && !compare) {
      throw new UsageError(
        "--no-compare does not apply to --format blocks: the bot always compares",
      );
    }
    const { config, now, period } = configAndPeriod(io, periodText);
    const totalDays = period.days.length * (compare ? 2 : 1);
    let loadedDays = 0;
    const onDay = io.progress
      ? () => io.stderr(`\rFetching usage: ${++loadedDays}/${totalDays} days`)
      : undefined;
    const output = await withRuntime(
      config,
      io,
      { demo: values.demo, now, onDay, cache: !values["no-cache"] },
      async (runtime) => {
        const team = values.team;
        if (values.format === "blocks") {
          const text = periodText || period.name;
          const command =
            team === undefined
              ? ({ kind: "org", period, periodText: text } as const)
              : ({ kind: "team", team, period, periodText: text } as const);
          return `${JSON.stringify(await botReply(command, runtime, config, now), null, 2)}\n`;
        }
        // Teams per actor in the JSON, only when teams are configured.
        const teamsOf =
          values.format === "json" && runtime.teams.configured
            ? await runtime.teams.teams().then(
                ({ roster }) =>
                  (key: string) =>
                    roster.teamsOf(key).map((t) => t.name),
              )
            : undefined;
        if (team !== undefined) {
          const teamReport = await cliReports(runtime, config, now).team(team, period);
          const names = await slackNames(teamReport.report, config, top, values.format);
          const text = render(teamReport.report, values.format, top, now(), { names, teamsOf });
          return values.format === "text" ? `Team: ${teamReport.team.name}\n${text}` : text;
        }
        const result = await runtime.loader.loadReport(period, { compare });
        const names = await slackNames(result, config, top, values.format);
        return render(result, values.format, top, now(), { names, teamsOf });
      },
    );
    if (io.progress && loadedDays > 0) io.stderr("\r\x1b[K");
    io.stdout(output);
    return EXIT_OK;
  },
});

function render(
  result: Parameters<typeof renderText>[0],
  format: Exclude<Format, "blocks">,
  top: number,
  now: Date,
  people: {
    /** For the text: the people it shows, by their Slack names. */
    names?: NameOf | undefined;
    /** For the JSON: each actor's teams, when teams are configured. */
    teamsOf?: ((actorKey: string) => readonly string[]) | undefined;
  },
): string {
  switch (format) {
    case "json":
      return renderJson(result, { teamsOf: people.teamsOf });
    case "csv":
      // A row per actor: the names would be thousands of look-ups; the export has them.
      return renderCsv(result);
    case "text":
      return renderText(result, { top, now, names: people.names });
  }
}

/**
 * People's Slack names, as the bot shows them, when SLACK_BOT_TOKEN lets them be looked up (the
 * people the text shows: its leaderboard and the story). Without a token, none: people are shown
 * by email.
 */
async function slackNames(
  report: UsageReport,
  config: Config,
  top: number,
  format: Exclude<Format, "blocks">,
): Promise<NameOf | undefined> {
  if (!config.SLACK_BOT_TOKEN || format !== "text") return undefined;
  const { directory } = jobSlack(config, config.SLACK_BOT_TOKEN, {});
  // The leaderboard and the story's people, and the adoption line's.
  const adoption = new Set([
    ...(report.adoption?.newUsers ?? []),
    ...(report.adoption?.stoppedUsers ?? []),
  ]);
  const shown = [
    ...report.actors.slice(0, Math.max(top, 10)),
    ...[...adoption].map((email) => ({ key: userKey(email), type: "user" as const, name: email })),
  ];
  return namesFor(shown, personLookup(directory), "channel");
}

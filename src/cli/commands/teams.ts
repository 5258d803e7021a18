import { renderInactiveSeatsCsv } from "../../render/csv.js";
import { renderSeatsText, renderTeamsText } from "../../render/teams-text.js";
import { botReply, cliReports } from "../bot-message.js";
import { defineCommand } from "../command.js";
import { EXIT_FAILURE, EXIT_OK } from "../exit-codes.js";
import { SHARED_OPTIONS } from "../options.js";
import { configAndPeriod, withRuntime } from "../runtime.js";
import { REPORT_SETTINGS } from "./report.js";

/* `teams` and `seats`: what `/claude-usage teams` and `/claude-usage seats` answer, in a terminal. */

const FORMATS = ["text", "json", "blocks"] as const;

const format = (what: string) =>
  ({
    type: "string",
    short: "f",
    value: "F",
    choices: FORMATS,
    default: "text",
    help: `text, a table for the terminal; json, the numbers; blocks, exactly what \`/claude-usage ${what}\` answers in Slack, as JSON`,
  }) as const;

export const teamsCommand = defineCommand({
  name: "teams",
  takesPeriod: true,
  about:
    "every team side by side (yesterday unless given): spend, active of members, spend per active person, PRs, change; Unassigned last.",
  options: { format: format("teams"), demo: SHARED_OPTIONS.demo },
  settings: [...REPORT_SETTINGS, "TEAMS_FILE", "TEAMS_FROM_USERGROUPS"],
  async run({ values, period: periodText }, io) {
    const { config, now, period } = configAndPeriod(io, periodText);
    const output = await withRuntime(config, io, { demo: values.demo, now }, async (runtime) => {
      if (values.format === "blocks") {
        const command = { kind: "teams", period, periodText: periodText || period.name } as const;
        return `${JSON.stringify(await botReply(command, runtime, config, now), null, 2)}\n`;
      }
      const overview = await cliReports(runtime, config, now).teams(period);
      return values.format === "json"
        ? `${JSON.stringify(overview, null, 2)}\n`
        : renderTeamsText(overview, now());
    });
    io.stdout(output);
    return EXIT_OK;
  },
});

export const seatsCommand = defineCommand({
  name: "seats",
  takesPeriod: true,
  about:
    "who has a seat and whether they use it (yesterday unless given): members, active, never active, idle 14 and 30 days, least used first.",
  options: {
    format: {
      ...format("seats"),
      choices: [...FORMATS, "csv"],
      help: `${format("seats").help}; csv, the members not active in the period (email, name, role, added_on, last_active, idle_days, teams)`,
    },
    demo: SHARED_OPTIONS.demo,
  },
  settings: REPORT_SETTINGS,
  async run({ values, period: periodText }, io) {
    const { config, now, period } = configAndPeriod(io, periodText);
    const { output, failed } = await withRuntime(
      config,
      io,
      { demo: values.demo, now },
      async (runtime) => {
        if (values.format === "blocks") {
          const command = { kind: "seats", period, periodText: periodText || period.name } as const;
          const reply = await botReply(command, runtime, config, now);
          return { output: `${JSON.stringify(reply, null, 2)}\n`, failed: false };
        }
        const seats = await cliReports(runtime, config, now).seats(period);
        if (!seats.ok) return { output: `${seats.missing} ${seats.fix}\n`, failed: true };
        const teamsOf = (email: string) => seats.memberTeams?.[email] ?? [];
        const output =
          values.format === "json"
            ? `${JSON.stringify(seats, null, 2)}\n`
            : values.format === "csv"
              ? renderInactiveSeatsCsv(seats.summary.seats, teamsOf)
              : renderSeatsText(seats, now());
        return { output, failed: false };
      },
    );
    if (failed) {
      io.stderr(output);
      return EXIT_FAILURE;
    }
    io.stdout(output);
    return EXIT_OK;
  },
});

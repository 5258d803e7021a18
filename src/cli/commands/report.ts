import { renderOrgReport } from "../../render/blocks/org-report.js";
import { renderCsv } from "../../render/csv.js";
import { renderJson } from "../../render/json.js";
import { renderText } from "../../render/text.js";
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
      help: "text, a report for the terminal; json, the full report; csv, one row per actor; blocks, the Slack message as Block Kit JSON",
    },
    top: {
      type: "string",
      value: "N",
      default: "10",
      help: "people in the text leaderboard, 1 to 1000",
    },
    "no-compare": {
      type: "boolean",
      help: "skip the comparison with the previous period (half the API calls)",
    },
    demo: SHARED_OPTIONS.demo,
  },
  settings: REPORT_SETTINGS,
  async run({ values, period: periodText }, io) {
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 1000) {
      throw new UsageError(`--top must be a whole number from 1 to 1000, not "${values.top}"`);
    }
    const compare = !values["no-compare"];
    const { config, now, period } = configAndPeriod(io, periodText);
    const totalDays = period.days.length * (compare ? 2 : 1);
    let loadedDays = 0;
    const onDay = io.progress
      ? () => io.stderr(`\rFetching usage: ${++loadedDays}/${totalDays} days`)
      : undefined;
    const result = await withRuntime(config, io, { demo: values.demo, now, onDay }, (runtime) =>
      runtime.loader.loadReport(period, { compare }),
    );
    if (io.progress && loadedDays > 0) io.stderr("\r\x1b[K");
    io.stdout(render(result, values.format, top, now()));
    return EXIT_OK;
  },
});

function render(
  result: Parameters<typeof renderText>[0],
  format: Format,
  top: number,
  now: Date,
): string {
  switch (format) {
    case "json":
      return renderJson(result);
    case "csv":
      return renderCsv(result);
    case "blocks":
      return `${JSON.stringify(renderOrgReport(result, { now, top, tables: true }), null, 2)}\n`;
    case "text":
      return renderText(result, { top, now });
  }
}

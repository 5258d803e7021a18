import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AnthropicApiError, describeAnthropicErrorInDetail } from "../anthropic/errors.js";
import { ConfigError, loadConfig } from "../app/config.js";
import { renderChecks, runDoctor } from "../app/doctor.js";
import { jobSlack, morningDeps } from "../app/jobs.js";
import { openRuntime, type Runtime, type RuntimeOptions } from "../app/runtime.js";
import { createLogger, type Logger, scrub, secretsFromEnv } from "../log.js";
import { renderOrgReport } from "../render/blocks/org-report.js";
import { renderCsv } from "../render/csv.js";
import { renderJson } from "../render/json.js";
import { renderText } from "../render/text.js";
import { localDate } from "../schedule/cron.js";
import type { DigestSummary } from "../schedule/digest-job.js";
import { runMorning } from "../schedule/morning.js";
import { loadExport } from "../service/export.js";
import { StoreError } from "../store/errors.js";
import { PERIOD_FORMS, PeriodError, parsePeriod } from "../usage/periods.js";
import { APP_NAME, APP_VERSION } from "../version.js";

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => Date;
  /** Whether stderr is a terminal: then long reports show their progress there. */
  progress?: boolean;
}

/**
 * Exit codes (README, "Exit codes"): 0 ok, 1 the job failed (API, network, store), 2 bad usage
 * or configuration; `digest run` also: 3 deliveries failed (a later run retries them), 4
 * deliveries given up (a person must look), 5 deliveries held by another run right now.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_DELIVERIES_FAILED = 3;
export const EXIT_DELIVERIES_GAVE_UP = 4;
export const EXIT_DELIVERIES_BUSY = 5;

/** The most serious thing left undelivered decides: given up, then failed, then busy. */
export function deliveryExitCode(
  counts: readonly { failed: number; gaveUp: number; busy: number }[],
): number {
  const total = (field: "failed" | "gaveUp" | "busy") =>
    counts.reduce((sum, c) => sum + c[field], 0);
  if (total("gaveUp") > 0) return EXIT_DELIVERIES_GAVE_UP;
  if (total("failed") > 0) return EXIT_DELIVERIES_FAILED;
  if (total("busy") > 0) return EXIT_DELIVERIES_BUSY;
  return EXIT_OK;
}

const FORMATS = ["text", "json", "csv", "blocks"] as const;
type Format = (typeof FORMATS)[number];

export const USAGE = `Usage:
  ${APP_NAME} report [period] [--format text|json|csv|blocks] [--top N] [--no-compare] [--demo]
  ${APP_NAME} export [period] [--out DIR] [--demo]
  ${APP_NAME} digest run [--date YYYY-MM-DD] [--dry-run] [--demo]
  ${APP_NAME} doctor
  ${APP_NAME} help
  ${APP_NAME} --version

Reports Claude Code usage of your Anthropic organisation (Claude Code Analytics Admin API).

Options:
  --format F     text (default), json (the full report), csv (one row per actor),
                 blocks (the Slack message as Block Kit JSON)
  --top N        people in the text leaderboard (default 10)
  --no-compare   skip the comparison with the previous period (half the API calls)
  --demo         use a built-in synthetic organisation instead of the API (no key needed)

export: writes two CSV files into DIR (default: the current directory) — one row per person
and day, and a summary per person — the same files /claude-usage export sends in Slack.

digest run: the morning job now — channel digests, DMs and (with ALERT_CHANNEL) budget and
spike alerts, through the delivery ledger, so
nothing already delivered is posted again. --date is the run's date in DIGEST_TIMEZONE (default
today); --dry-run prints what would be posted and posts nothing.

Periods:
${periodHelp()}

Environment: ANTHROPIC_ADMIN_KEY (required without --demo), ANTHROPIC_BASE_URL, REPORT_TIMEZONE,
FETCH_CONCURRENCY, MAX_PERIOD_DAYS, API_MAX_ATTEMPTS, API_TIMEOUT_MS (see README).
`;

export function periodHelp(): string {
  return PERIOD_FORMS.map((f) => `  ${f.form.padEnd(52)} e.g. ${f.example}`).join("\n");
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "report":
      return report(rest, io);
    case "export":
      return exportFiles(rest, io);
    case "doctor":
      return doctor(io);
    case "digest":
      if (rest[0] !== "run") {
        io.stderr(`${APP_NAME}: did you mean "digest run"?\n\n${USAGE}`);
        return EXIT_USAGE;
      }
      return digest(rest.slice(1), io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.stdout(USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    case "--version":
    case "-v":
      io.stdout(`${APP_VERSION}\n`);
      return EXIT_OK;
    default:
      io.stderr(`${APP_NAME}: unknown command "${command}"\n\n${USAGE}`);
      return EXIT_USAGE;
  }
}

async function report(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseReportArgs>;
  try {
    parsed = parseReportArgs(args);
  } catch (error) {
    io.stderr(`${APP_NAME}: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  try {
    const { config, now, period } = configAndPeriod(io, parsed.period);
    const totalDays = period.days.length * (parsed.compare ? 2 : 1);
    let loadedDays = 0;
    const onDay = io.progress
      ? () => io.stderr(`\rFetching usage: ${++loadedDays}/${totalDays} days`)
      : undefined;
    return await withRuntime(config, io, { demo: parsed.demo, now, onDay }, async ({ loader }) => {
      const result = await loader.loadReport(period, { compare: parsed.compare });
      if (io.progress && loadedDays > 0) io.stderr("\r\x1b[K");
      io.stdout(render(result, parsed.format, parsed.top, now()));
      return EXIT_OK;
    });
  } catch (error) {
    return reportError(error, io);
  }
}

async function exportFiles(args: readonly string[], io: CliIo): Promise<number> {
  let values: { out: string; demo: boolean };
  let periodText: string;
  try {
    const parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: "string", default: "." },
        demo: { type: "boolean", default: false },
      },
    });
    values = parsed.values;
    periodText = parsed.positionals.join(" ");
  } catch (error) {
    io.stderr(`${APP_NAME}: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    const { config, now, period } = configAndPeriod(io, periodText);
    const { files, comment } = await withRuntime(config, io, { demo: values.demo, now }, (r) =>
      loadExport(r.loader, period, { now: now() }),
    );
    await mkdir(values.out, { recursive: true });
    const lines = [comment];
    for (const file of files) {
      const path = join(values.out, file.filename);
      await writeFile(path, file.content, "utf8");
      lines.push(`  wrote ${path}`);
    }
    io.stdout(`${lines.join("\n")}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * The runtime for one command, closed when `use` is done. Its warnings (a day cache that failed,
 * a lost store connection) go to stderr, scrubbed; stdout is the command's output alone.
 */
async function withRuntime<T>(
  config: ReturnType<typeof loadConfig>,
  io: CliIo,
  options: Omit<RuntimeOptions, "logger" | "store">,
  use: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(config, { ...options, logger: cliLogger(io) });
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

function cliLogger(io: CliIo): Logger {
  return createLogger({
    level: "warn",
    secrets: secretsFromEnv(io.env),
    sink: { write: io.stderr },
  });
}

/** The configuration, the clock and the period asked for (throws ConfigError / PeriodError). */
function configAndPeriod(io: CliIo, periodText: string) {
  const config = loadConfig(io.env);
  const now = io.now ?? (() => new Date());
  const period = parsePeriod(periodText, {
    now: now(),
    timeZone: config.REPORT_TIMEZONE,
    maxDays: config.MAX_PERIOD_DAYS,
  });
  return { config, now, period };
}

async function doctor(io: CliIo): Promise<number> {
  try {
    const config = loadConfig(io.env);
    const checks = await runDoctor(config, (io.now ?? (() => new Date()))());
    io.stdout(scrub(renderChecks(checks), secretsFromEnv(io.env)));
    return checks.every((c) => c.ok) ? EXIT_OK : EXIT_FAILURE;
  } catch (error) {
    return reportError(error, io);
  }
}

async function digest(args: readonly string[], io: CliIo): Promise<number> {
  let values: { date?: string | undefined; "dry-run": boolean; demo: boolean };
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      options: {
        date: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        demo: { type: "boolean", default: false },
      },
    }).values;
    if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) {
      throw new Error(`--date must be YYYY-MM-DD, not "${values.date}"`);
    }
  } catch (error) {
    io.stderr(`${APP_NAME}: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  let runtime: Runtime | undefined;
  try {
    const config = loadConfig(io.env);
    const now = io.now ?? (() => new Date());
    const dryRun = values["dry-run"];
    const token = config.SLACK_BOT_TOKEN;
    if (!dryRun && !token) {
      throw new ConfigError([
        "SLACK_BOT_TOKEN: is not set; it is needed to post (or use --dry-run).",
      ]);
    }
    const logger = cliLogger(io);
    const opened = await openRuntime(config, { logger, demo: values.demo, store: true, now });
    runtime = opened;
    const { store, loader } = opened;
    const clients = token
      ? jobSlack(config, token, {
          store,
          onCacheError: (operation, err) =>
            logger.warn({ operation, err }, "Slack user cache failed; going on without it"),
        })
      : undefined;
    const slack = clients?.slack;
    const directory = clients?.directory;
    const date = values.date ?? localDate(now(), config.DIGEST_TIMEZONE);
    const deps = {
      config,
      store,
      loader,
      logger,
      slack: dryRun ? undefined : slack,
      directory,
      now,
    };
    const { digest: summary, alerts } = await runMorning(
      {
        date,
        dryRun,
        onDigest: (digest) =>
          io.stdout(
            describeDigest(digest, dryRun, config.DIGEST_CHANNELS.length === 0, !directory),
          ),
      },
      morningDeps(deps),
    );
    if (alerts) {
      const lines = [`Alerts to ${config.ALERT_CHANNEL}`];
      for (const message of alerts.planned) lines.push(`  would post: ${message.text}`);
      lines.push(
        `  posted ${alerts.posted} · already delivered ${alerts.alreadyDelivered} · busy elsewhere ${alerts.busy} · failed ${alerts.failed} · given up ${alerts.gaveUp}`,
      );
      io.stdout(`${lines.join("\n")}\n`);
    }
    return deliveryExitCode(alerts ? [summary, alerts] : [summary]);
  } catch (error) {
    return reportError(error, io);
  } finally {
    await runtime?.close();
  }
}

function describeDigest(
  summary: DigestSummary,
  dryRun: boolean,
  noChannels: boolean,
  noSlack: boolean,
): string {
  const lines = [`Digest for ${summary.date}${dryRun ? " (dry run: nothing posted)" : ""}`];
  if (dryRun) {
    for (const message of summary.planned)
      lines.push(`  would post to ${message.channel}: ${message.text}`);
    if (summary.planned.length === 0) lines.push("  nothing to post");
  }
  lines.push(
    `  posted ${summary.posted} · already delivered ${summary.alreadyDelivered} · recovered ${summary.recovered} · busy elsewhere ${summary.busy} · failed ${summary.failed} · given up ${summary.gaveUp}`,
    `  people not in Slack ${summary.notInSlack} · opted out ${summary.optedOut} · Slack look-up failed ${summary.lookupFailed} (counted as failed)`,
  );
  if (noChannels) lines.push("  (DIGEST_CHANNELS is empty: no channel digest)");
  if (noSlack) lines.push("  (no SLACK_BOT_TOKEN: people cannot be found in Slack, so no DMs)");
  return `${lines.join("\n")}\n`;
}

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
      return `${JSON.stringify(renderOrgReport(result, { now, top }), null, 2)}\n`;
    case "text":
      return renderText(result, { top, now });
  }
}

function parseReportArgs(args: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: "string", short: "f", default: "text" },
      top: { type: "string", default: "10" },
      demo: { type: "boolean", default: false },
      "no-compare": { type: "boolean", default: false },
    },
  });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    throw new Error(`--format must be one of ${FORMATS.join(", ")}, not "${values.format}"`);
  }
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > 1000) {
    throw new Error(`--top must be a whole number from 1 to 1000, not "${values.top}"`);
  }
  return {
    // "last 7 days" arrives as three words when not quoted.
    period: positionals.join(" "),
    format,
    top,
    demo: values.demo,
    compare: !values["no-compare"],
  };
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof PeriodError) {
    io.stderr(`${APP_NAME}: ${error.message}\n\nAccepted periods:\n${periodHelp()}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof ConfigError) {
    io.stderr(`${APP_NAME}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  // Operators may see upstream text and error messages here, but never a secret in them.
  const say = (text: string) => io.stderr(scrub(text, secretsFromEnv(io.env)));
  if (error instanceof StoreError) {
    say(`${APP_NAME}: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  if (error instanceof AnthropicApiError) {
    say(`${APP_NAME}: couldn't read usage: ${describeAnthropicErrorInDetail(error)}\n`);
    return EXIT_FAILURE;
  }
  say(`${APP_NAME}: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
  return EXIT_FAILURE;
}

import { AnthropicApiError, describeAnthropicErrorInDetail } from "../anthropic/errors.js";
import { ConfigError } from "../app/config.js";
import { scrub, secretsFromEnv } from "../log.js";
import { TeamNotFound, TeamsNotConfigured } from "../reports/index.js";
import { StoreError } from "../store/errors.js";
import { PeriodError } from "../usage/periods.js";
import { APP_NAME, APP_VERSION } from "../version.js";
import type { Command } from "./command.js";
import { digestCommand } from "./commands/digest.js";
import { doctorCommand } from "./commands/doctor.js";
import { exportCommand } from "./commands/export.js";
import { reportCommand } from "./commands/report.js";
import { seatsCommand, teamsCommand } from "./commands/teams.js";
import { UsageError } from "./errors.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import { commandHelp, periodHelp, usageText } from "./help.js";
import type { CliIo } from "./io.js";

/*
 * `claude-usage <command>`: finds the command (one file each in commands/), runs it, and turns
 * what it throws into words on stderr and an exit code.
 */

// The exit codes stay importable from here, next to runCli.
export * from "./exit-codes.js";
export type { CliIo } from "./io.js";

/** In the order of the usage text. */
export const COMMANDS: readonly Command[] = [
  reportCommand,
  teamsCommand,
  seatsCommand,
  exportCommand,
  digestCommand,
  doctorCommand,
];

export const USAGE = usageText(COMMANDS);

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
      io.stdout(USAGE);
      return EXIT_USAGE;
    case "help":
    case "--help":
    case "-h": {
      // `help report` (or `help digest`): that command's own help.
      const named = first === "help" ? findCommand(rest) : undefined;
      io.stdout(named ? commandHelp(named.command) : USAGE);
      return EXIT_OK;
    }
    case "--version":
    case "-v":
      io.stdout(`${APP_VERSION}\n`);
      return EXIT_OK;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr(`${APP_NAME}: unknown command "${first}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (!found.complete) {
    io.stderr(`${APP_NAME}: did you mean "${found.command.name}"?\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    return await found.command.run(found.args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * The command `argv` names, and the words after its name; `complete: false` when only its first
 * word is there ("digest" for "digest run").
 */
function findCommand(
  argv: readonly string[],
): { command: Command; complete: boolean; args: readonly string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((word, i) => argv[i] === word)) {
      return { command, complete: true, args: argv.slice(words.length) };
    }
  }
  const command = COMMANDS.find((c) => c.name.split(" ")[0] === argv[0]);
  return command ? { command, complete: false, args: [] } : undefined;
}

/** Says what went wrong on stderr, in words, and returns the exit code it calls for. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`${APP_NAME}: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (error instanceof PeriodError) {
    io.stderr(`${APP_NAME}: ${error.message}\n\nAccepted periods:\n${periodHelp()}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof TeamsNotConfigured) {
    io.stderr(
      `${APP_NAME}: no teams are configured: set TEAMS_FILE (a CSV of email,team) or TEAMS_FROM_USERGROUPS.\n`,
    );
    return EXIT_USAGE;
  }
  if (error instanceof TeamNotFound) {
    const hint =
      error.closest.length > 0
        ? ` Did you mean ${error.closest.join(" or ")}?`
        : error.known.length > 0
          ? ` Teams: ${error.known.join(", ")}.`
          : "";
    io.stderr(`${APP_NAME}: no team "${error.query}".${hint}\n`);
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

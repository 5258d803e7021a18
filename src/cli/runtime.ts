import { type Config, loadConfig } from "../app/config.js";
import { openRuntime, type Runtime, type RuntimeOptions } from "../app/runtime.js";
import { createLogger, type Logger, secretsFromEnv } from "../log.js";
import { type Period, parsePeriod } from "../usage/periods.js";
import { type CliIo, clockOf } from "./io.js";

/** The configuration, the clock and the period asked for (throws ConfigError / PeriodError). */
export function configAndPeriod(
  io: CliIo,
  periodText: string,
): { config: Config; now: () => Date; period: Period } {
  const config = loadConfig(io.env);
  const now = clockOf(io);
  const period = parsePeriod(periodText, {
    now: now(),
    timeZone: config.REPORT_TIMEZONE,
    maxDays: config.MAX_PERIOD_DAYS,
  });
  return { config, now, period };
}

/**
 * A runtime without a store (days cached in memory) for one command, closed when `use` is done.
 * Throws ConfigError (no admin key) before anything is opened.
 */
export async function withRuntime<T>(
  config: Config,
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

/** Warnings (a day cache that failed, a lost store connection) on stderr, scrubbed: stdout is the command's output alone. */
export function cliLogger(io: CliIo): Logger {
  return createLogger({
    level: "warn",
    secrets: secretsFromEnv(io.env),
    sink: { write: io.stderr },
  });
}

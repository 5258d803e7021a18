import { type Config, loadConfig } from "../app/config.js";
import { openRuntime, type Runtime, type RuntimeOptions } from "../app/runtime.js";
import { createLogger, type Logger, secretsFromEnv } from "../log.js";
import { StoreError } from "../store/errors.js";
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
 * A runtime for one command, closed when `use` is done. Days are kept in the app's store
 * (DATA_DIR or DATABASE_URL), so that a second run fetches only what is not final yet; with
 * `cache: false` (--no-cache), and for the demo organisation, only in memory. A store that cannot
 * be opened is said on stderr and the command goes on without it. Throws ConfigError (no admin
 * key) before anything is opened.
 */
export async function withRuntime<T>(
  config: Config,
  io: CliIo,
  options: Omit<RuntimeOptions, "logger" | "store"> & { cache?: boolean | undefined },
  use: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const { cache = true, ...rest } = options;
  const logger = cliLogger(io);
  const store = cache && !rest.demo;
  let runtime: Runtime;
  try {
    runtime = await openRuntime(config, { ...rest, logger, store });
  } catch (error) {
    if (!store || !(error instanceof StoreError)) throw error;
    logger.warn(`${error.message}; going on without it (days are fetched again)`);
    runtime = await openRuntime(config, { ...rest, logger, store: false });
  }
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

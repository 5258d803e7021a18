import { type Config, ConfigError, loadConfig, requireSlack } from "./app/config.js";
import { type HealthState, healthHandler, startHealthServer } from "./app/health.js";
import { jobSlack, startSchedules } from "./app/jobs.js";
import { slackAppOptionsFromConfig } from "./app/options.js";
import { openRuntime, type StoreRuntime } from "./app/runtime.js";
import { createBackfill } from "./loading/backfill.js";
import { createLogger, type Logger, scrub, secretsFromEnv } from "./log.js";
import { boltLogger, createSlackApp } from "./slack/app.js";
import { StoreError } from "./store/errors.js";
import { createFailureLog } from "./store/failures.js";

/*
 * `npm start`: the Slack app, the digests and DMs each at its time, and the alerts. Configuration problems name
 * their variables and exit with 2.
 */

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let mode: ReturnType<typeof requireSlack>;
  try {
    config = loadConfig();
    mode = requireSlack(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `claude-usage: cannot start.\n${error.message}\nSee README.md (Configuration) or .env.example.\n`,
      );
      process.exit(2);
    }
    throw error;
  }

  const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretsFromEnv(process.env) });
  const runtime = await openRuntimeOrExit(config, logger);
  const { loader, store } = runtime;
  logger.info({ store: store.database.location }, "store ready");
  let schedules: ReturnType<typeof startSchedules> | undefined;
  // Warm by default: the days reports ask for are loaded before anyone asks.
  const backfill = config.BACKFILL
    ? createBackfill({
        loader,
        days: config.MAX_PERIOD_DAYS,
        onPass: (status) => logger.info(status, "backfill pass"),
      })
    : undefined;
  const health: HealthState = {
    slackReady: () => slack.isReady(),
    store,
    lastApiSuccess: runtime.lastApiSuccess,
    nextDigest: () => schedules?.ticker.nextRun() ?? null,
    backfill: backfill ? () => backfill.status() : undefined,
  };
  const slack = createSlackApp({
    ...slackAppOptionsFromConfig(config),
    loader,
    teams: runtime.teams,
    roster: runtime.roster,
    firstSeen: store.firstSeen,
    teamLeadsSeeTeam: config.TEAM_LEADS_SEE_TEAM,
    logger,
    userCache: store.userCache,
    preferences: store.preferences,
    subscriptions: store.subscriptions,
    ledger: store.ledger,
    failures: createFailureLog(store.snapshots),
    secrets: secretsFromEnv(process.env),
    health: healthHandler(health),
  });
  await slack.start();
  const healthServer =
    mode.mode === "socket" && config.HEALTH_PORT !== undefined
      ? await startHealthServer(health, config.HEALTH_PORT)
      : undefined;
  if (healthServer) logger.info({ port: healthServer.port }, "health endpoint listening");
  backfill?.start();

  // The jobs post through clients of their own: one try per call and a timeout, bounded by the
  // delivery lease (the app's client keeps Bolt's policy for interactive calls).
  const jobs = jobSlack(config, mode.botToken, {
    store,
    logger: boltLogger(logger),
    onLookupError: (method, error) =>
      logger.warn({ method, err: error }, "Slack user lookup failed"),
    onCacheError: (operation, err) =>
      logger.warn({ operation, err }, "Slack user cache failed; going on without it"),
  });
  // Every minute, the digests and DMs that have come due (each at its own local time; the
  // subscriptions are changed in Slack, so this runs even with none yet); alerts at DIGEST_CRON.
  schedules = startSchedules({
    config,
    store,
    loader,
    logger,
    teams: runtime.teams,
    roster: runtime.roster,
    ...jobs,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    // Bounded: a stuck connection must not keep the process from exiting.
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await schedules?.stop();
    await backfill?.stop();
    await healthServer?.close();
    await slack.stop().catch((err: unknown) => logger.warn({ err }, "error while stopping Slack"));
    await runtime.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

/**
 * The runtime, or one clear line and exit 1 when its store cannot be opened (DATABASE_URL invalid
 * or unreachable, DATA_DIR not writable), not a crash trace: those print the URL, password
 * included.
 */
async function openRuntimeOrExit(config: Config, logger: Logger): Promise<StoreRuntime> {
  try {
    return await openRuntime(config, {
      logger,
      workers: true,
      store: true,
      seedSubscriptions: true,
    });
  } catch (error) {
    // Without its store the app cannot keep its ledger's promises: exit for the orchestrator to
    // try again. (Once started, the store may come and go.)
    const where = config.DATABASE_URL ? "DATABASE_URL" : "DATA_DIR";
    const reason =
      error instanceof StoreError
        ? error.message
        : `the store could not be opened (check ${where}): ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(
      scrub(
        `claude-usage: cannot start: ${reason.replace(/\s+/g, " ")}\n`,
        secretsFromEnv(process.env),
      ),
    );
    process.exit(1);
  }
}

// Anything else that stops start-up: its trace, scrubbed (an error may carry a URL or a token).
await main().catch((error: unknown) => {
  const trace = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `${scrub(`claude-usage: crashed: ${trace}`, secretsFromEnv(process.env))}\n`,
  );
  process.exit(1);
});

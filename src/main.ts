import { type Config, ConfigError, loadConfig, requireSlack } from "./config.js";
import { type HealthState, startHealthServer } from "./health.js";
import { createLogger, type Logger, scrub, secretsFromEnv } from "./log.js";
import { runAlerts } from "./schedule/alerts-job.js";
import { DEFAULT_MAX_ATTEMPTS } from "./schedule/deliver.js";
import { alertsDeps, digestDeps, digestEnabled, jobSlack } from "./schedule/digest-deps.js";
import { runDigest } from "./schedule/digest-job.js";
import { type Scheduler, startScheduler } from "./schedule/scheduler.js";
import {
  loaderOptionsFromConfig,
  logCacheErrors,
  storeOptionsFromConfig,
  usageSourceFromConfig,
} from "./service/from-config.js";
import { createUsageLoader } from "./service/usage-loader.js";
import { boltLogger, createSlackApp } from "./slack/app.js";
import { StoreError } from "./store/errors.js";
import { openStore, type Store } from "./store/store.js";

/*
 * `npm start`: the Slack app and, when configured, the morning digest. Configuration problems name
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
  const usage = usageSourceFromConfig(config, { workers: true });
  const store = await openStoreOrExit(config, logger);
  logger.info({ store: store.database.location }, "store ready");
  let lastApiSuccess: Date | null = null;
  const loader = createUsageLoader({
    source: usage.source,
    fetchDay: usage.fetchDay,
    cache: store.dayCache,
    ...loaderOptionsFromConfig(config),
    onDay: (event) => {
      if (event.source === "api") lastApiSuccess = new Date();
      logger.debug(event, "day loaded");
    },
    onCacheError: logCacheErrors(logger),
  });
  let scheduler: Scheduler | undefined;
  const health: HealthState = {
    slackReady: () => slack.isReady(),
    store,
    lastApiSuccess: () => lastApiSuccess,
    nextDigest: () => scheduler?.nextRun() ?? null,
  };
  const slack = createSlackApp({
    mode,
    config,
    loader,
    logger,
    userCache: store.userCache,
    preferences: store.preferences,
    ledger: store.ledger,
    health,
  });
  await slack.start();
  const healthServer =
    mode.mode === "socket" && config.HEALTH_PORT !== undefined
      ? await startHealthServer(health, config.HEALTH_PORT)
      : undefined;
  if (healthServer) logger.info({ port: healthServer.port }, "health endpoint listening");

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
  scheduler = digestEnabled(config)
    ? startScheduler({
        cron: config.DIGEST_CRON,
        timeZone: config.DIGEST_TIMEZONE,
        catchUp: config.DIGEST_CATCH_UP,
        logger,
        // The jobs claim with the deliverer's default limit, so "attempts left" means the same here.
        unfinished: (since) =>
          store.ledger.unfinished({ since, maxAttempts: DEFAULT_MAX_ATTEMPTS }),
        run: async (date) => {
          const deps = {
            config,
            store,
            loader,
            logger,
            slack: jobs.slack,
            directory: jobs.directory,
          };
          const digest = await runDigest({ date }, digestDeps(deps));
          const alerting = alertsDeps(deps);
          const alerts = alerting ? await runAlerts({ date }, alerting) : undefined;
          return {
            failed: digest.failed + (alerts?.failed ?? 0),
            busy: digest.busy + (alerts?.busy ?? 0),
          };
        },
      })
    : undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    // Bounded: a stuck connection must not keep the process from exiting.
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await scheduler?.stop();
    await healthServer?.close();
    await slack.stop().catch((err: unknown) => logger.warn({ err }, "error while stopping Slack"));
    await usage.close();
    await store.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

/**
 * A store that cannot be opened (DATABASE_URL invalid or unreachable, DATA_DIR not writable) is
 * one clear line and exit 1, not a crash trace: those print the URL, password included.
 */
async function openStoreOrExit(config: Config, logger: Logger): Promise<Store> {
  try {
    return await openStore(storeOptionsFromConfig(config, logger));
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

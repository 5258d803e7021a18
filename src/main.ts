import { createAdminClient } from "./anthropic/client.js";
import { ConfigError, loadConfig, requireSlack } from "./config.js";
import { createLogger, secretsFromEnv } from "./log.js";
import { createUsageLoader } from "./service/usage-loader.js";
import { createSlackApp } from "./slack/app.js";
import { createMemoryDayCache } from "./store/day-cache.js";

/* `npm start`: the Slack app. Configuration problems name their variables and exit with 2. */

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
  const client = createAdminClient({
    adminKey: config.ANTHROPIC_ADMIN_KEY ?? "",
    baseUrl: config.ANTHROPIC_BASE_URL,
    maxAttempts: config.API_MAX_ATTEMPTS,
    requestTimeoutMs: config.API_TIMEOUT_MS,
    connections: config.FETCH_CONCURRENCY,
  });
  const loader = createUsageLoader({
    source: client,
    cache: createMemoryDayCache(),
    concurrency: config.FETCH_CONCURRENCY,
    onDay: (event) => logger.debug(event, "day loaded"),
  });
  const slack = createSlackApp({ mode, config, loader, logger });
  await slack.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    // Bounded: a stuck connection must not keep the process from exiting.
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await slack.stop().catch((err: unknown) => logger.warn({ err }, "error while stopping Slack"));
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

await main();

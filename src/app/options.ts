import type { ResourceLimits } from "node:worker_threads";
import { type AdminClient, createAdminClient, type UsageSource } from "../anthropic/client.js";
import { createSyntheticOrg } from "../demo/synthetic-org.js";
import { createSyntheticSource } from "../demo/synthetic-source.js";
import type { DayFetcher } from "../loading/day-fetch.js";
import type { UsageLoaderOptions } from "../loading/usage-loader.js";
import { createWorkerFetcher, type WorkerFetcher } from "../loading/worker-fetcher.js";
import type { Logger } from "../log.js";
import type { SlackAppOptions } from "../slack/app.js";
import { databaseLocation } from "../store/database.js";
import type { StoreOptions } from "../store/store.js";
import type { PersonalBudgets } from "../usage/alerts.js";
import { usdToCents } from "../usage/money.js";
import { type Config, requireAdminKey, requireSlack } from "./config.js";

export interface UsageFromConfig {
  source: UsageSource;
  client?: AdminClient;
  /** Set when days are fetched in worker threads (FETCH_WORKERS); give it to the loader. */
  fetchDay?: DayFetcher;
  workers?: WorkerFetcher;
  close(): Promise<void>;
}

/**
 * Where usage comes from, per configuration: the Admin API, or the demo organisation. With
 * `workers` (the Slack app), days are fetched in FETCH_WORKERS worker threads.
 */
export function usageSourceFromConfig(
  config: Config,
  options: {
    demo?: boolean;
    workers?: boolean;
    /** The store is opened (on SQLite, the workers write the days they fetch into it). */
    store?: boolean;
  } = {},
): UsageFromConfig {
  if (options.demo) {
    return { source: createSyntheticSource(createSyntheticOrg()), close: async () => undefined };
  }
  const clientOptions = {
    adminKey: requireAdminKey(config),
    baseUrl: config.ANTHROPIC_BASE_URL,
    maxAttempts: config.API_MAX_ATTEMPTS,
    requestTimeoutMs: config.API_TIMEOUT_MS,
    connections: config.FETCH_CONCURRENCY,
    requestsPerMinute: config.API_MAX_REQUESTS_PER_MINUTE,
  };
  const client = createAdminClient(clientOptions);
  if (!options.workers || config.FETCH_WORKERS === 0) {
    return { source: client, client, close: () => client.close() };
  }
  const workers = createWorkerFetcher({
    threads: config.FETCH_WORKERS,
    client: clientOptions,
    dayStore:
      options.store && !config.DATABASE_URL
        ? {
            file: databaseLocation({ dataDir: config.DATA_DIR }),
            recentTtlMs: config.DAY_CACHE_RECENT_TTL_MINUTES * 60_000,
          }
        : undefined,
    resourceLimits: workerResourceLimits(config),
  });
  // Up before the first command asks for a report; idle, they do not keep the process alive.
  workers.start();
  return {
    source: client,
    client,
    fetchDay: workers.fetchDay,
    workers,
    close: async () => {
      await Promise.all([workers.close(), client.close()]);
    },
  };
}

/**
 * Where the store lives and how long recent days are reused, per configuration. With a logger,
 * lost database connections (a PostgreSQL restart) are logged as warnings.
 */
export function storeOptionsFromConfig(config: Config, logger?: Logger): StoreOptions {
  return {
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    recentTtlMs: config.DAY_CACHE_RECENT_TTL_MINUTES * 60_000,
    onConnectionLost: logger
      ? (error) => logger.warn({ err: error }, "store connection lost; the next query reconnects")
      : undefined,
  };
}

/** The loader settings that come from configuration (source and cache are the caller's). */
export function loaderOptionsFromConfig(
  config: Config,
): Pick<UsageLoaderOptions, "concurrency" | "finalAfterMs" | "spanMemory" | "spanMemoryBytes"> {
  return {
    concurrency: config.FETCH_CONCURRENCY,
    // Merged spans are about a day's size each (one row per actor of the span).
    spanMemory: config.DAY_MEMORY_CACHE_DAYS,
    spanMemoryBytes: config.DAY_MEMORY_CACHE_MB * 1024 * 1024,
    finalAfterMs: config.DAY_CACHE_FINAL_AFTER_HOURS * 3600_000,
  };
}

/** The loader's cache failures, as warnings: the report itself goes on from the API. */
export function logCacheErrors(logger: Logger): NonNullable<UsageLoaderOptions["onCacheError"]> {
  return (error, context) =>
    logger.warn({ err: error, ...context }, "day cache failed; the report goes on from the API");
}

/** The Slack app's settings from configuration (its clients and stores are the caller's). */
export function slackAppOptionsFromConfig(
  config: Config,
): Pick<
  SlackAppOptions,
  "mode" | "periods" | "access" | "slackApiUrl" | "personalBudgets" | "dm" | "digestDefaults"
> {
  return {
    mode: requireSlack(config),
    periods: {
      timeZone: config.REPORT_TIMEZONE,
      maxPeriodDays: config.MAX_PERIOD_DAYS,
      finalAfterMs: config.DAY_CACHE_FINAL_AFTER_HOURS * 3_600_000,
    },
    access: {
      allowedUsers: config.ALLOWED_USERS,
      allowedUsergroup: config.ALLOWED_USERGROUP,
      adminUsers: config.ADMIN_USERS,
    },
    slackApiUrl: config.SLACK_API_URL,
    personalBudgets: personalBudgetsFromConfig(config),
    dm: { mode: config.DM_SUMMARIES, defaultTime: config.DM_LOCAL_TIME },
    digestDefaults: { time: cronTimeOfDay(config.DIGEST_CRON), timeZone: config.DIGEST_TIMEZONE },
  };
}

/**
 * The time of day a cron expression fires, when it is one plain time ("30 8 * * 1-5" → "08:30");
 * else 09:00. New digest subscriptions start at it.
 */
export function cronTimeOfDay(cron: string): string {
  const [minute = "", hour = ""] = cron.trim().split(/\s+/);
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour)) return "09:00";
  const h = Number(hour);
  const m = Number(minute);
  if (h > 23 || m > 59) return "09:00";
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** BUDGET_USER_MONTHLY_USD and BUDGET_USER_OVERRIDES in cents (alerts, DMs, `/claude-usage me`). */
export function personalBudgetsFromConfig(
  config: Pick<Config, "BUDGET_USER_MONTHLY_USD" | "BUDGET_USER_OVERRIDES">,
): PersonalBudgets {
  return {
    defaultCents:
      config.BUDGET_USER_MONTHLY_USD === undefined
        ? undefined
        : usdToCents(config.BUDGET_USER_MONTHLY_USD),
    overrides: new Map(
      [...config.BUDGET_USER_OVERRIDES].map(([key, usd]) => [
        key,
        usd === null ? null : usdToCents(usd),
      ]),
    ),
  };
}

/**
 * A fetch worker's heap limit. V8 lets a heap grow to several times what it kept at its last full
 * collection when the limit is gigabytes (the default on a big machine); a lower limit makes it
 * collect sooner (measured in docs/PERFORMANCE.md).
 */
export function workerResourceLimits(config: Config): ResourceLimits | undefined {
  return config.FETCH_WORKER_HEAP_MB > 0
    ? { maxOldGenerationSizeMb: config.FETCH_WORKER_HEAP_MB }
    : undefined;
}

import { createSyntheticOrg } from "../demo/synthetic-org.js";
import { createSyntheticRoster } from "../demo/synthetic-roster.js";
import { createRosterLoader, type RosterLoader } from "../loading/roster.js";
import type { TeamsLoader } from "../loading/teams.js";
import {
  createUsageLoader,
  type UsageLoader,
  type UsageLoaderOptions,
} from "../loading/usage-loader.js";
import type { Logger } from "../log.js";
import { createMemoryDayCache, withMemoryFront } from "../store/day-cache.js";
import { openStore, type Store } from "../store/store.js";
import type { Config } from "./config.js";
import {
  loaderOptionsFromConfig,
  logCacheErrors,
  storeOptionsFromConfig,
  type UsageFromConfig,
  usageSourceFromConfig,
} from "./options.js";
import { seedSubscriptions } from "./subscriptions.js";
import { teamsFromConfig } from "./teams.js";

/*
 * The composition root: what a process needs — where usage comes from, the store, the loader —
 * built from the configuration in one place and closed in one place. `npm start`, every CLI
 * command and the benchmark open one; nothing below src/app/ reads the configuration.
 */

export interface RuntimeOptions {
  logger: Logger;
  /** The built-in synthetic organisation instead of the Admin API. */
  demo?: boolean | undefined;
  /** Fetch days in FETCH_WORKERS worker threads (the Slack app keeps its main thread free). */
  workers?: boolean | undefined;
  /** Open the store (ledger, day cache, preferences); without it, days are cached in memory. */
  store?: boolean | undefined;
  /**
   * Seed the digest subscriptions from DIGEST_CHANNELS and TEAM_DIGESTS (the app, and a real
   * `digest run`): never a dry run or the demo, whose channels are not the workspace's.
   */
  seedSubscriptions?: boolean | undefined;
  now?: (() => Date) | undefined;
  /** Told of every day loaded (the CLI's progress line). */
  onDay?: UsageLoaderOptions["onDay"];
}

export interface Runtime {
  config: Config;
  logger: Logger;
  usage: UsageFromConfig;
  /** Present when opened with `store: true`. */
  store: Store | undefined;
  loader: UsageLoader;
  /** The org's members and API keys (seats). */
  roster: RosterLoader;
  /** Teams from TEAMS_FILE and Slack user groups (or the demo's). */
  teams: TeamsLoader;
  /** When a day last came from the API without error (for /healthz and doctor). */
  lastApiSuccess(): Date | null;
  close(): Promise<void>;
}

/** A runtime opened with its store. */
export type StoreRuntime = Runtime & { store: Store };

/** Throws ConfigError (a missing admin key) or StoreError (a store that cannot be opened). */
export async function openRuntime(
  config: Config,
  options: RuntimeOptions & { store: true },
): Promise<StoreRuntime>;
export async function openRuntime(config: Config, options: RuntimeOptions): Promise<Runtime>;
export async function openRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { logger } = options;
  const usage = usageSourceFromConfig(config, options);
  let store: Store | undefined;
  try {
    store = options.store ? await openStore(storeOptionsFromConfig(config, logger)) : undefined;
    if (store && options.seedSubscriptions) {
      await seedSubscriptions(store.subscriptions, config, logger);
    }
  } catch (error) {
    await usage.close();
    await store?.close();
    throw error;
  }
  let teams: TeamsLoader;
  const demo = options.demo ? createSyntheticRoster(createSyntheticOrg()) : undefined;
  try {
    teams = teamsFromConfig(config, { logger, snapshots: store?.snapshots, demo });
  } catch (error) {
    await usage.close();
    await store?.close();
    throw error;
  }
  const roster = createRosterLoader({
    client: demo ?? usage.client ?? emptyRoster,
    snapshots: store?.snapshots,
    onStoreError: (operation, error) =>
      logger.warn({ err: error }, `roster: could not ${operation}`),
  });
  let lastApiSuccess: Date | null = null;
  const cache = store
    ? withMemoryFront(store.dayCache, {
        maxDays: config.DAY_MEMORY_CACHE_DAYS,
        maxBytes: config.DAY_MEMORY_CACHE_MB * 1024 * 1024,
        recentTtlMs: config.DAY_CACHE_RECENT_TTL_MINUTES * 60_000,
        isFinal: (day) => loader.isFinal(day),
      })
    : createMemoryDayCache();
  const loader: UsageLoader = createUsageLoader({
    source: usage.source,
    fetchDay: usage.fetchDay,
    cache,
    ...loaderOptionsFromConfig(config),
    now: options.now,
    onDay: (event) => {
      if (event.source === "api") lastApiSuccess = new Date();
      logger.debug(event, "day loaded");
      options.onDay?.(event);
    },
    onCacheError: logCacheErrors(logger),
    firstSeen: store?.firstSeen,
    onFirstSeenError: (error, context) =>
      logger.warn(
        { err: error, ...context },
        "first-seen record failed; reports won't say who is new",
      ),
  });
  return {
    config,
    logger,
    usage,
    store,
    loader,
    roster,
    teams,
    lastApiSuccess: () => lastApiSuccess,
    async close() {
      await usage.close();
      await store?.close();
    },
  };
}

/** A source without a roster (none so far: the demo and the API both have one). */
const emptyRoster = {
  listMembers: async () => ({ items: [], invalid: 0 }),
  listApiKeys: async () => ({ items: [], invalid: 0 }),
};

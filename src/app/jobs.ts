import type { Logger as SlackLogger, WebClient } from "@slack/web-api";
import type { RosterLoader } from "../loading/roster.js";
import type { TeamsLoader } from "../loading/teams.js";
import type { UsageLoader } from "../loading/usage-loader.js";
import type { Logger } from "../log.js";
import { loadSeats } from "../reports/seats.js";
import type { AlertsDeps } from "../schedule/alerts-job.js";
import { runAlerts } from "../schedule/alerts-job.js";
import { DEFAULT_MAX_ATTEMPTS } from "../schedule/deliver.js";
import type { DigestDeps } from "../schedule/digest-job.js";
import { allOfDate, type MorningDeps, runDue } from "../schedule/morning.js";
import { type Scheduler, startScheduler } from "../schedule/scheduler.js";
import type { TeamDigestsDeps } from "../schedule/team-digests.js";
import { type DeliveryTicker, startDeliveryTicker } from "../schedule/ticker.js";
import { createDeliveryClient, createLookupClient } from "../slack/delivery-client.js";
import {
  createUserDirectory,
  personLookup,
  type SlackPerson,
  strictPersonLookup,
  strictUserLookup,
  type UserDirectory,
  userIdLookup,
} from "../slack/user-directory.js";
import type { Store } from "../store/store.js";
import { createTtlMap } from "../store/ttl-map.js";
import { type Cents, usdToCents } from "../usage/money.js";
import { buildRoster, type TeamRoster } from "../usage/teams.js";
import type { Config } from "./config.js";
import { personalBudgetsFromConfig } from "./options.js";

/**
 * The morning run's dependencies from configuration (shared by `npm start` and the CLI): posts
 * through `slack` (absent in a dry run), people found through `directory`.
 */
export function morningDeps(input: Parameters<typeof digestDeps>[0]): MorningDeps {
  const digest = digestDeps(input);
  return {
    digest,
    teamDigests: teamDigestsDeps(input, digest),
    alerts: alertsDeps(input),
  };
}

/** The teams' digests' dependencies. */
function teamDigestsDeps(
  input: Parameters<typeof digestDeps>[0],
  digest: DigestDeps,
): TeamDigestsDeps | undefined {
  const { config } = input;
  // Always: a team's digest may be subscribed in Slack without TEAM_DIGESTS.
  return {
    ...digest,
    roster: teamRoster(input.teams),
    digest: digest.config,
    teams: { channels: config.TEAM_DIGESTS, budgets: teamBudgetsCents(config) },
  };
}

/** The roster as the teams loader has it now; none without one (every team is then unknown). */
function teamRoster(teams: TeamsLoader | undefined): () => Promise<TeamRoster> {
  return async () => (teams ? (await teams.teams()).roster : buildRoster([]));
}

/** TEAM_BUDGETS in cents, by team name (lower-case). */
function teamBudgetsCents(config: Config): Map<string, Cents> {
  return new Map([...config.TEAM_BUDGETS].map(([team, usd]) => [team, usdToCents(usd)]));
}

/** The digest job's dependencies from configuration. */
export function digestDeps(input: {
  config: Config;
  store: Store;
  loader: UsageLoader;
  logger: Logger;
  slack?: WebClient | undefined;
  directory?: UserDirectory | undefined;
  now?: (() => Date) | undefined;
  /** The org's teams, for TEAM_DIGESTS and TEAM_BUDGETS. */
  teams?: TeamsLoader | undefined;
  /** The org's members: the monthly digest's seats line. */
  roster?: RosterLoader | undefined;
}): DigestDeps {
  const { config, directory, roster } = input;
  return {
    seats:
      roster &&
      (async (period) => {
        const seats = await loadSeats(
          {
            loader: input.loader,
            roster,
            firstSeen: input.store.firstSeen,
            windowDays: config.MAX_PERIOD_DAYS,
          },
          period,
        );
        // A key that may not list members: no line (doctor says so), not a failed digest.
        if (!seats.ok) return undefined;
        const { members, active, never } = seats.summary;
        return { members, active, never };
      }),
    loader: input.loader,
    ledger: input.store.ledger,
    preferences: input.store.preferences,
    slack: input.slack,
    lookupUser: userIdLookup(directory),
    lookupPerson: personLookup(directory),
    findUser: strictUserLookup(directory),
    findPerson: strictPersonLookup(directory),
    logger: input.logger,
    now: input.now,
    config: {
      channels: config.DIGEST_CHANNELS,
      dmMode: config.DM_SUMMARIES,
      timeZone: config.DIGEST_TIMEZONE,
      weeklyOnMonday: config.DIGEST_WEEKLY_ON_MONDAY,
      monthlyOnFirst: config.DIGEST_MONTHLY_ON_FIRST,
      leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
      budgetMonthlyCents: budgetMonthlyCents(config),
      personalBudgets: personalBudgetsFromConfig(config),
    },
  };
}

/**
 * The Slack clients of the scheduled jobs: posts through the delivery client (one try per call,
 * bounded by DELIVERY_LEASE_SECONDS), people found through a look-up client with the same
 * timeout and a few retries, answers cached in the store.
 */
export function jobSlack(
  config: Pick<Config, "DELIVERY_LEASE_SECONDS" | "SLACK_API_URL">,
  token: string,
  options: {
    store?: Store | undefined;
    logger?: SlackLogger | undefined;
    onLookupError?: (method: string, error: unknown) => void;
    onCacheError?: (operation: "get" | "set", error: unknown) => void;
  },
): { slack: WebClient; directory: UserDirectory } {
  const clientOptions = {
    leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
    slackApiUrl: config.SLACK_API_URL,
    logger: options.logger,
  };
  return {
    slack: createDeliveryClient(token, clientOptions),
    directory: createUserDirectory({
      client: createLookupClient(token, clientOptions),
      cache: options.store?.userCache,
      onError: options.onLookupError,
      onCacheError: options.onCacheError,
    }),
  };
}

/** BUDGET_MONTHLY_USD in cents, for the digest's month line and the budget alerts. */
function budgetMonthlyCents(config: Config): Cents | undefined {
  return config.BUDGET_MONTHLY_USD === undefined
    ? undefined
    : usdToCents(config.BUDGET_MONTHLY_USD);
}

/**
 * The schedules of `npm start`: every minute, the digests and DMs that have come due (each at its
 * own local time); the alerts at DIGEST_CRON, when there is an alert channel.
 */
export function startSchedules(
  input: Parameters<typeof digestDeps>[0] & {
    store: Store;
    /** Ticks only when asked (tests), not every minute. */
    manual?: boolean;
  },
): {
  ticker: DeliveryTicker;
  alerts: Scheduler | undefined;
  stop(): Promise<void>;
} {
  const { config, store, logger } = input;
  const deps = morningDeps(input);
  // A tick asks whose DM is due every minute: people are remembered here for a while.
  deps.digest.findPerson = rememberPeople(deps.digest.findPerson ?? (async () => null));
  const unfinished = (since: string) =>
    store.ledger.unfinished({ since, maxAttempts: DEFAULT_MAX_ATTEMPTS });
  const ticker = startDeliveryTicker({
    subscriptions: () => store.subscriptions.list(),
    dms:
      config.DM_SUMMARIES === "off"
        ? undefined
        : {
            times: () => store.preferences.allDmTimes(),
            defaultTime: config.DM_LOCAL_TIME,
            defaultTimeZone: config.DIGEST_TIMEZONE,
          },
    run: async (work) => {
      await runDue(work, deps);
    },
    // Only what that date's run left unfinished: a DM never tried then is not sent a day late.
    runDate: async (date) => {
      const rows = [
        ...(await store.ledger.list({ status: "failed" })),
        ...(await store.ledger.list({ status: "claimed" })),
      ];
      const left = new Set(rows.filter((r) => r.run_date === date).map((r) => r.key));
      const work = allOfDate(date, await store.subscriptions.list());
      await runDue({ ...work, skip: (key) => !left.has(key) }, deps);
    },
    unfinished,
    timeZone: config.DIGEST_TIMEZONE,
    logger,
    now: input.now,
    manual: input.manual,
  });
  const alertDeps = deps.alerts;
  const alerts = alertDeps
    ? startScheduler({
        cron: config.DIGEST_CRON,
        timeZone: config.DIGEST_TIMEZONE,
        catchUp: config.DIGEST_CATCH_UP,
        logger,
        now: input.now,
        unfinished,
        run: async (date) => {
          const result = await runAlerts({ date }, alertDeps);
          return { failed: result.failed, busy: result.busy };
        },
      })
    : undefined;
  return {
    ticker,
    alerts,
    async stop() {
      await Promise.all([ticker.stop(), alerts?.stop()]);
    },
  };
}

/** People found in Slack (or not) remembered for `ttlMs`; failures are not remembered. */
export function rememberPeople(
  find: (email: string) => Promise<SlackPerson | null>,
  ttlMs = 15 * 60_000,
): (email: string) => Promise<SlackPerson | null> {
  const kept = createTtlMap<SlackPerson | null>({ maxEntries: 50_000 });
  return async (email) => {
    const key = email.toLowerCase();
    const known = kept.get(key);
    if (known !== undefined) return known;
    const found = await find(email);
    kept.set(key, found, ttlMs);
    return found;
  };
}

/** The alerts job's dependencies, or undefined when ALERT_CHANNEL is not set. */
export function alertsDeps(input: Parameters<typeof digestDeps>[0]): AlertsDeps | undefined {
  const { config, directory } = input;
  if (!config.ALERT_CHANNEL) return undefined;
  return {
    loader: input.loader,
    ledger: input.store.ledger,
    slack: input.slack,
    lookupUser: userIdLookup(directory),
    lookupPerson: personLookup(directory),
    logger: input.logger,
    now: input.now,
    roster: teamRoster(input.teams),
    config: {
      channel: config.ALERT_CHANNEL,
      leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
      budgetMonthlyCents: budgetMonthlyCents(config),
      personalBudgets: personalBudgetsFromConfig(config),
      teamBudgets: teamBudgetsCents(config),
      spike: {
        factor: config.SPIKE_FACTOR,
        floorCents: usdToCents(config.SPIKE_FLOOR_USD),
        trailingDays: config.SPIKE_TRAILING_DAYS,
      },
    },
  };
}

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { App, type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { RosterLoader } from "../loading/roster.js";
import type { TeamsLoader } from "../loading/teams.js";
import type { UsageLoader } from "../loading/usage-loader.js";
import type { Logger } from "../log.js";
import { createReports } from "../reports/index.js";
import { createScrubber } from "../scrub.js";
import type { FailureLog } from "../store/failures.js";
import type { FirstSeen } from "../store/first-seen.js";
import type { DeliveryLedger } from "../store/ledger.js";
import type { Preferences } from "../store/store.js";
import type { Subscriptions } from "../store/subscriptions.js";
import type { UserCache } from "../store/user-cache.js";
import type { PersonalBudgets } from "../usage/alerts.js";
import { createAccessPolicy } from "./access.js";
import { createAdminAlerts } from "./admin-alerts.js";
import { createChannelCheck } from "./channels.js";
import type { DigestDefaults, DmSettings, PeriodSettings, SlackContext } from "./context.js";
import { createFileSender } from "./files.js";
import { registerListeners } from "./index.js";
import { dropReplays } from "./replays.js";
import { createUserDirectory } from "./user-directory.js";

/** How the app talks to Slack: Socket Mode (no public URL) or HTTP (signed requests on a port). */
export type SlackMode =
  | { mode: "socket"; botToken: string; appToken: string }
  | { mode: "http"; botToken: string; signingSecret: string; port: number };

export interface SlackAppOptions {
  mode: SlackMode;
  periods: PeriodSettings;
  /** Who may see org-wide reports; with neither set, everyone in the workspace. */
  access: {
    allowedUsers: readonly string[];
    allowedUsergroup?: string | undefined;
    /** ADMIN_USERS (empty: the allowed users). */
    adminUsers?: readonly string[] | undefined;
  };
  /** Slack Web API base URL (tests). */
  slackApiUrl?: string | undefined;
  /** People's own monthly budgets: `me` and the Home tab show where they stand. */
  personalBudgets?: PersonalBudgets | undefined;
  loader: UsageLoader;
  /** Teams (the `team`/`teams` commands) and the org's members (`seats`). */
  teams?: TeamsLoader | undefined;
  roster?: RosterLoader | undefined;
  firstSeen?: FirstSeen | undefined;
  /** TEAM_LEADS_SEE_TEAM: a team's leads may ask for their own team without org access. */
  teamLeadsSeeTeam?: boolean | undefined;
  logger: Logger;
  now?: (() => Date) | undefined;
  userCache?: UserCache | undefined;
  preferences?: Preferences | undefined;
  subscriptions?: Subscriptions | undefined;
  /** A new subscription's time and zone when none is given (DIGEST_CRON, DIGEST_TIMEZONE). */
  digestDefaults?: DigestDefaults | undefined;
  /** In HTTP mode, GET /healthz is answered by this handler (the app's health check). */
  health?: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** See SlackContext (tests make it short). */
  stillFetchingAfterMs?: number | undefined;
  /** The store's delivery ledger: Share posts once even when replicas see the same click. */
  ledger?: DeliveryLedger | undefined;
  /** The store's failure log: `doctor` lists the last failures people were shown. */
  failures?: FailureLog | undefined;
  /** DM_SUMMARIES and DM_LOCAL_TIME: the Home tab's DM settings. */
  dm?: DmSettings | undefined;
  /** Secrets kept out of what admins are DMed and the failure log (the logger has its own). */
  secrets?: readonly string[] | undefined;
}

export interface SlackApp {
  app: App;
  ctx: SlackContext;
  /** Started and listening (HTTP) or connected (Socket Mode). */
  isReady(): boolean;
  /** Starts listening; in HTTP mode, resolves with the port (PORT=0 picks a free one). */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { mode, logger } = options;
  const clientOptions = options.slackApiUrl ? { slackApiUrl: withSlash(options.slackApiUrl) } : {};
  const common = { token: mode.botToken, logger: boltLogger(logger), clientOptions };
  const customRoutes = options.health
    ? [{ path: "/healthz", method: ["GET"], handler: options.health }]
    : [];
  const app =
    mode.mode === "socket"
      ? new App({ ...common, socketMode: true, appToken: mode.appToken })
      : new App({ ...common, signingSecret: mode.signingSecret, customRoutes });
  let ready = false;
  const scrub = createScrubber(options.secrets);

  const ctx: SlackContext = {
    periods: options.periods,
    reports: createReports({
      loader: options.loader,
      personalBudgets: options.personalBudgets,
      now: options.now,
      teams: options.teams,
      roster: options.roster,
      firstSeen: options.firstSeen,
      maxPeriodDays: options.periods.maxPeriodDays,
    }),
    teamLeadsSeeTeam: options.teamLeadsSeeTeam,
    logger,
    now: options.now ?? (() => new Date()),
    preferences: options.preferences,
    subscriptions: options.subscriptions,
    digestDefaults: options.digestDefaults,
    channels: createChannelCheck(app.client, (error) =>
      logger.warn({ err: error }, "could not read the bot's name (auth.test)"),
    ),
    stillFetchingAfterMs: options.stillFetchingAfterMs,
    ledger: options.ledger,
    failures: options.failures,
    dm: options.dm,
    scrub,
    admins: createAdminAlerts({
      // ADMIN_USERS, else the allowed users.
      adminIds: options.access.adminUsers?.length
        ? options.access.adminUsers
        : options.access.allowedUsers,
      scrub,
      post: async (userId, message) => {
        await app.client.chat.postMessage({ channel: userId, ...message });
      },
      onError: (userId, error) =>
        logger.warn({ user: userId, err: error }, "could not DM an admin about a failure"),
    }),
    uploads: createFileSender(app.client),
    directory: createUserDirectory({
      client: app.client,
      cache: options.userCache,
      onError: (method, error) => logger.warn({ method, err: error }, "Slack user lookup failed"),
      onCacheError: (operation, error) =>
        logger.warn({ operation, err: error }, "Slack user cache failed; asking Slack instead"),
    }),
    access: createAccessPolicy({
      client: app.client,
      allowedUsers: options.access.allowedUsers,
      allowedUsergroup: options.access.allowedUsergroup,
      adminUsers: options.access.adminUsers,
      onError: (error) => logger.warn({ err: error }, "could not read the allowed user group"),
    }),
  };
  app.use(dropReplays({ logger }));
  registerListeners(app, ctx);
  app.error(async (error) => {
    logger.error({ err: error }, "unhandled error in a Slack listener");
  });

  return {
    app,
    ctx,
    isReady: () => ready,
    async start() {
      if (mode.mode === "socket") {
        await app.start();
        ready = true;
        logger.info("Slack app connected (Socket Mode)");
        return {};
      }
      const server = (await app.start(mode.port)) as Server;
      const port = (server.address() as AddressInfo).port;
      ready = true;
      logger.info({ port, path: "/slack/events" }, "Slack app listening (HTTP mode)");
      return { port };
    },
    async stop() {
      ready = false;
      await app.stop();
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Bolt and the Web API client log through our logger (and so through its secret scrubber). */
export function boltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const child = logger.child({ component: "slack" });
  const text = (parts: unknown[]) =>
    parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ");
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

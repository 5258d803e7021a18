import type { Logger } from "../log.js";
import type { Reports } from "../reports/index.js";
import type { Scrubber } from "../scrub.js";
import type { FailureLog } from "../store/failures.js";
import type { DeliveryLedger } from "../store/ledger.js";
import type { Preferences } from "../store/store.js";
import type { Subscriptions } from "../store/subscriptions.js";
import type { AccessPolicy } from "./access.js";
import type { AdminAlerts } from "./admin-alerts.js";
import type { ChannelCheck } from "./channels.js";
import type { FileSender } from "./files.js";
import type { UserDirectory } from "./user-directory.js";

/** How reports read their periods (REPORT_TIMEZONE, MAX_PERIOD_DAYS). */
export interface PeriodSettings {
  /** The zone that decides what "today" and "yesterday" mean. */
  timeZone: string;
  /** The longest period a report may cover. */
  maxPeriodDays: number;
  /** How long after a UTC day ends its data is final (DAY_CACHE_FINAL_AFTER_HOURS). */
  finalAfterMs?: number | undefined;
}

/** How daily DMs are sent (DM_SUMMARIES, DM_LOCAL_TIME). */
export interface DmSettings {
  mode: "off" | "opt-in" | "all";
  /** HH:MM in each person's Slack time zone, unless they chose their own. */
  defaultTime: string;
}

/** When a new digest subscription is posted unless its creator says otherwise. */
export interface DigestDefaults {
  /** HH:MM. */
  time: string;
  /** IANA zone. */
  timeZone: string;
}

/** What every listener needs, built once by createSlackApp. */
export interface SlackContext {
  periods: PeriodSettings;
  /** Every report the listeners answer with. */
  reports: Reports;
  directory: UserDirectory;
  access: AccessPolicy;
  logger: Logger;
  now: () => Date;
  /** Uploads (exports, charts). */
  uploads?: FileSender | undefined;
  /** DM preferences and times, when the store is configured (the digest feature). */
  preferences?: Preferences | undefined;
  /** Digest subscriptions, when the store is configured. */
  subscriptions?: Subscriptions | undefined;
  /** Whether the bot is in a channel (before subscribing it), and its name for `/invite`. */
  channels?: ChannelCheck | undefined;
  /** A new subscription's time when none is given: DIGEST_CRON's, in DIGEST_TIMEZONE. */
  digestDefaults?: DigestDefaults | undefined;
  /** A slow answer is preceded by a "still fetching" note after this long (default 3 s). */
  stillFetchingAfterMs?: number | undefined;
  /** TEAM_LEADS_SEE_TEAM: a team's leads may ask for their own team without org access. */
  teamLeadsSeeTeam?: boolean | undefined;
  /** When the store is configured: Share claims its post here, so replicas post a click once. */
  ledger?: DeliveryLedger | undefined;
  /** Failures that need an admin are DMed to ALLOWED_USERS (none set: no one is). */
  admins?: AdminAlerts | undefined;
  /** DM_SUMMARIES and DM_LOCAL_TIME, for the Home tab's settings (default: off, 09:00). */
  dm?: DmSettings | undefined;
  /** When the store is configured: the last failures with their refs, for `doctor`. */
  failures?: FailureLog | undefined;
  /** The configured secrets, out of anything an admin is sent or the store keeps. */
  scrub?: Scrubber | undefined;
}

import { z } from "zod";
import { DEFAULT_BASE_URL } from "../anthropic/client.js";
import { DEFAULT_FETCH_CONCURRENCY } from "../loading/usage-loader.js";
import { isValidCron } from "../schedule/cron.js";
import type { SlackMode } from "../slack/app.js";
import { apiKeyKey, userKey } from "../usage/actor-key.js";
import { DEFAULT_MAX_PERIOD_DAYS, isValidTimeZone } from "../usage/periods.js";

/*
 * One configuration, read from the environment once and validated by zod. An empty variable
 * counts as unset (docker-compose and .env files produce them). Errors name the variable and
 * what is wrong with it, never its value: several of them are secrets.
 */

const optionalString = z.string().trim().min(1).optional();
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");
const timeZone = z
  .string()
  .trim()
  .default("UTC")
  .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Berlin or UTC" });

/**
 * `name=value` pairs, comma-separated (`backend=C0123, platform=C0456`), into a map by `key(name)`.
 * `value` checks a value (undefined: not one). Problems name the entry's position and show what
 * an entry should look like, never its text (some are emails). With `repeated`, a key given twice
 * is a problem too; otherwise the last one counts.
 */
function parsePairs<T>(
  text: string | undefined,
  ctx: z.RefinementCtx,
  spec: {
    key: (name: string) => string;
    value: (value: string) => T | undefined;
    example: string;
    repeated?: string;
  },
): Map<string, T> {
  const pairs = new Map<string, T>();
  const entries = (text ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const match = /^(.+?)\s*=\s*(\S+)$/.exec(entry);
    const name = match?.[1]?.trim() ?? "";
    const key = name ? spec.key(name) : "";
    const value = match ? spec.value(match[2] ?? "") : undefined;
    if (!key || value === undefined) {
      ctx.addIssue({ code: "custom", message: `entry ${i + 1} must look like ${spec.example}` });
      return;
    }
    if (spec.repeated && pairs.has(key)) {
      ctx.addIssue({ code: "custom", message: `entry ${i + 1} ${spec.repeated}` });
      return;
    }
    pairs.set(key, value);
  });
  return pairs;
}

/** A team as TEAM_DIGESTS and TEAM_BUDGETS name it: its name or @handle, in any case. */
const teamPairs = <T>(
  text: string | undefined,
  ctx: z.RefinementCtx,
  value: (value: string) => T | undefined,
  example: string,
) =>
  parsePairs(text, ctx, {
    key: (name) => name.replace(/^@/, "").toLowerCase(),
    value,
    example,
    repeated: "names a team already named",
  });

/**
 * `BUDGET_USER_OVERRIDES`: `who=amount` entries, where who is an email (a person) or an API key
 * name, and amount is US dollars or `off` (no budget). Keyed like the report's actors.
 */
function parseBudgetOverrides(
  text: string | undefined,
  ctx: z.RefinementCtx,
): Map<string, number | null> {
  return parsePairs<number | null>(text, ctx, {
    key: (who) => (who.includes("@") ? userKey(who) : apiKeyKey(who)),
    value: (amount) => {
      if (/^(off|none)$/i.test(amount)) return null;
      const usd = Number(amount);
      return Number.isFinite(usd) && usd > 0 ? usd : undefined;
    },
    example: "ada@example.com=800, ci-bot=50 or name=off",
  });
}

export const configSchema = z.object({
  ANTHROPIC_ADMIN_KEY: optionalString.describe(
    "Admin API key of your Anthropic organisation (sk-ant-admin…). Required except with --demo.",
  ),
  ANTHROPIC_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .default(DEFAULT_BASE_URL)
    .describe("Base URL of the Anthropic API."),
  REPORT_TIMEZONE: timeZone.describe(
    "IANA zone that decides what “today” and “yesterday” mean. The API's days are UTC days.",
  ),
  FETCH_CONCURRENCY: int(1, 64, DEFAULT_FETCH_CONCURRENCY).describe(
    "Days fetched from the API at once (pages of one day are always sequential).",
  ),
  FETCH_WORKERS: int(0, 8, 1).describe(
    "Worker threads that fetch and aggregate days in the Slack app, so that commands are answered at once during a long report (0: on the main thread).",
  ),
  FETCH_WORKER_HEAP_MB: int(0, 65_536, 1024).describe(
    "Heap limit of each fetch worker thread, in MB (0: V8's default, sized from the machine's memory). Far above what a worker keeps, it makes V8 collect sooner: a third less peak memory for a 10,000-person month, ~10 % slower.",
  ),
  MAX_PERIOD_DAYS: int(1, 366, DEFAULT_MAX_PERIOD_DAYS).describe(
    "Longest period a report may cover.",
  ),
  API_MAX_ATTEMPTS: int(1, 20, 6).describe(
    "Attempts per API request on 429/5xx, the first included.",
  ),
  API_TIMEOUT_MS: int(1000, 600_000, 30_000).describe("Timeout of one API request, in ms."),
  API_MAX_REQUESTS_PER_MINUTE: int(0, 100_000, 3000).describe(
    "Requests a minute the app may send to the Admin API, on top of FETCH_CONCURRENCY, with bursts of a tenth of it (0: no budget). Lower it when other tools share the key.",
  ),

  // --- Slack app
  SLACK_BOT_TOKEN: optionalString.describe("Bot token (xoxb-…). Required to run the Slack app."),
  SLACK_APP_TOKEN: optionalString.describe(
    "App-level token (xapp-…) with connections:write: runs the app in Socket Mode (no public URL).",
  ),
  SLACK_SIGNING_SECRET: optionalString.describe(
    "Signing secret: runs the app in HTTP mode instead (requests at /slack/events on PORT).",
  ),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Slack Web API base URL (default https://slack.com/api/); for tests."),
  PORT: int(0, 65_535, 3000).describe("HTTP port in HTTP mode."),
  HEALTH_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65_535)
    .optional()
    .describe("Port for GET /healthz in Socket Mode (in HTTP mode it is served on PORT)."),
  ALLOWED_USERS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(/[\s,]+/).filter(Boolean))
    .describe(
      "Slack user ids (comma-separated) who may see org-wide reports. With ALLOWED_USERGROUP unset too: everyone may.",
    ),
  ALLOWED_USERGROUP: optionalString.describe(
    "A Slack user group id (S…) whose members may see org-wide reports.",
  ),
  ADMIN_USERS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(/[\s,]+/).filter(Boolean))
    .describe(
      "Slack user ids (comma-separated) who may manage digest subscriptions and are DMed about failures. Unset: ALLOWED_USERS. Workspace admins and owners always may.",
    ),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace"])
    .default("info")
    .describe("Log level."),

  // --- Store
  DATA_DIR: z.string().trim().default("./data").describe("Where the SQLite store lives."),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .describe(
      "PostgreSQL instead of SQLite (postgres://…), so that several replicas share one store.",
    ),
  DAY_CACHE_FINAL_AFTER_HOURS: int(1, 24 * 30, 26).describe(
    "Hours after a UTC day ends before its data is final: cached for good, never fetched again.",
  ),
  BACKFILL: bool(true).describe(
    "After start-up, load the last MAX_PERIOD_DAYS days in the background (two at a time, newest first, again every 30 minutes) so that reports are answered from the cache.",
  ),
  DAY_MEMORY_CACHE_DAYS: int(0, 10_000, 32).describe(
    "Days kept decoded in memory in front of the store, so that concurrent reports share them, and as many merged spans of days, so that a period is merged from a few spans rather than every day (0: none). Each is about a day's size, which grows with the number of people (docs/PERFORMANCE.md).",
  ),
  DAY_MEMORY_CACHE_MB: int(0, 100_000, 64).describe(
    "At most this many MB of decoded days in memory, and as many of merged spans, whatever DAY_MEMORY_CACHE_DAYS allows (0: none): a day of 5,000 people is ~1 MB, of 50,000 ~10 MB (docs/PERFORMANCE.md).",
  ),
  DAY_CACHE_RECENT_TTL_MINUTES: int(0, 24 * 60, 10).describe(
    "Minutes a recent (not yet final) day is reused before it is fetched again.",
  ),

  // --- Digests
  DIGEST_CHANNELS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(/[\s,]+/).filter(Boolean))
    .describe(
      "Channel ids (comma-separated) that get the digest: seeds the digest subscriptions on the first start; Slack manages them after.",
    ),
  DIGEST_CRON: z
    .string()
    .trim()
    .default("0 9 * * 1-5")
    .refine(isValidCron, { message: "must be a cron expression such as 0 9 * * 1-5" })
    .describe(
      "When the alerts run (cron), in DIGEST_TIMEZONE; its hour and minute are the seeded subscriptions' time.",
    ),
  DIGEST_TIMEZONE: timeZone.describe(
    "IANA zone of DIGEST_CRON and of the seeded subscriptions; DMs' zone for people without one in Slack.",
  ),
  DIGEST_WEEKLY_ON_MONDAY: bool(true).describe(
    "Seed a weekly digest (Mondays, the previous week, in place of the daily).",
  ),
  DIGEST_MONTHLY_ON_FIRST: bool(true).describe(
    "Seed a monthly digest (the first working day, the previous month).",
  ),
  DIGEST_CATCH_UP: bool(true).describe(
    "At start-up, run today's alerts if DIGEST_CRON's time has passed (same day only); digests and DMs always catch up.",
  ),
  DELIVERY_LEASE_SECONDS: int(1, 3600, 300).describe(
    "How long a claimed delivery is held before another run may take it over (after a crash); also bounds the jobs' Slack calls (a tenth of it each, at most 30 s) and a delivery's tries (half of it).",
  ),
  ALERT_CHANNEL: optionalString.describe(
    "Channel id for budget and spike alerts (checked each morning with the digest).",
  ),
  BUDGET_MONTHLY_USD: z.coerce
    .number()
    .positive()
    .optional()
    .describe(
      "Monthly budget in US dollars: alerts when month-to-date spend passes 50, 80 and 100 %.",
    ),
  BUDGET_USER_MONTHLY_USD: z.coerce
    .number()
    .positive()
    .optional()
    .describe(
      "Monthly budget of each person in US dollars: alerts when one passes 80 and 100 % of it.",
    ),
  BUDGET_USER_OVERRIDES: z
    .string()
    .optional()
    .transform(parseBudgetOverrides)
    .describe(
      "Budgets for some people or API keys (comma-separated): ada@example.com=800, ci-bot=50, bob@example.com=off.",
    ),
  SPIKE_FACTOR: z.coerce
    .number()
    .min(1)
    .default(3)
    .describe(
      "A day's spend this many times its trailing median is a spike (per person and for the org).",
    ),
  SPIKE_FLOOR_USD: z.coerce
    .number()
    .min(0)
    .default(20)
    .describe("A day below this spend (US dollars) is never a spike."),
  SPIKE_TRAILING_DAYS: int(3, 60, 14).describe("Days before whose median a day is compared with."),

  // --- Teams
  TEAMS_FILE: optionalString.describe(
    "A CSV (header email,team and optionally cost_center,manager) or YAML file of who is in which team. Rows with a bad email or no team are left out with a warning naming their line; a file of the wrong shape stops the app at start-up.",
  ),
  TEAMS_FROM_USERGROUPS: optionalString.describe(
    "Teams from Slack user groups: all, or handles/ids (comma-separated). Combined with TEAMS_FILE; read again every 6 hours.",
  ),
  TEAM_DIGESTS: z
    .string()
    .optional()
    .transform((text, ctx) =>
      teamPairs(text, ctx, (v) => (/^[CG][A-Z0-9]{2,}$/.test(v) ? v : undefined), "backend=C0123"),
    )
    .describe(
      "Team digests: team=channel id pairs (comma-separated), e.g. backend=C0123, platform=C0456. Seeds each channel's subscription to its team's digest on the first start.",
    ),
  TEAM_BUDGETS: z
    .string()
    .optional()
    .transform((text, ctx) =>
      teamPairs(
        text,
        ctx,
        (v) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : undefined),
        "backend=5000",
      ),
    )
    .describe(
      "Monthly budgets of teams in US dollars (comma-separated): backend=5000, platform=2500. Alerted like the org budget.",
    ),
  TEAM_LEADS_SEE_TEAM: bool(false).describe(
    "Team leads (the manager column of TEAMS_FILE, or the creator of a Slack user group) may see their own team's reports without org access.",
  ),
  DM_LOCAL_TIME: z
    .string()
    .trim()
    .default("09:00")
    .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { message: "must be a time such as 09:00" })
    .describe(
      "When each person's daily DM arrives, in their own Slack time zone (HH:MM); people can pick their own in the Home tab.",
    ),
  DM_SUMMARIES: z
    .enum(["off", "opt-in", "all"])
    .default("off")
    .describe(
      "Daily personal DMs: off; opt-in (people send /claude-usage dm on); all (everyone active, except who sent dm off).",
    ),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** One line per problem: `NAME: what is wrong`. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") input[key] = value;
  }
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  return result.data;
}

/** What the Slack app needs to start, or a ConfigError naming every missing variable. */
export function requireSlack(config: Config): SlackMode {
  const problems: string[] = [];
  if (!config.ANTHROPIC_ADMIN_KEY) {
    problems.push("ANTHROPIC_ADMIN_KEY: is not set (an Admin API key, sk-ant-admin…).");
  }
  if (!config.SLACK_BOT_TOKEN)
    problems.push("SLACK_BOT_TOKEN: is not set (the bot token, xoxb-…).");
  if (!config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    problems.push(
      "SLACK_APP_TOKEN or SLACK_SIGNING_SECRET: set one — an app token (xapp-…) for Socket Mode, or the signing secret for HTTP mode.",
    );
  }
  if (problems.length > 0 || !config.SLACK_BOT_TOKEN) throw new ConfigError(problems);
  return config.SLACK_APP_TOKEN
    ? { mode: "socket", botToken: config.SLACK_BOT_TOKEN, appToken: config.SLACK_APP_TOKEN }
    : {
        mode: "http",
        botToken: config.SLACK_BOT_TOKEN,
        signingSecret: config.SLACK_SIGNING_SECRET ?? "",
        port: config.PORT,
      };
}

/** The admin key, or a ConfigError that names the variable. */
export function requireAdminKey(config: Config): string {
  if (!config.ANTHROPIC_ADMIN_KEY) {
    throw new ConfigError([
      "ANTHROPIC_ADMIN_KEY: is not set. Create an Admin API key (sk-ant-admin…) in the Anthropic Console under Settings → Admin keys, or run with --demo.",
    ]);
  }
  return config.ANTHROPIC_ADMIN_KEY;
}

import { z } from "zod";
import { DEFAULT_BASE_URL } from "./anthropic/client.js";
import { DEFAULT_FETCH_CONCURRENCY } from "./service/usage-loader.js";
import { DEFAULT_MAX_PERIOD_DAYS, isValidTimeZone } from "./usage/periods.js";

/*
 * One configuration, read from the environment once and validated by zod. An empty variable
 * counts as unset (docker-compose and .env files produce them). Errors name the variable and
 * what is wrong with it, never its value: several of them are secrets.
 */

const optionalString = z.string().trim().min(1).optional();
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const timeZone = z
  .string()
  .trim()
  .default("UTC")
  .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Berlin or UTC" });

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
  MAX_PERIOD_DAYS: int(1, 366, DEFAULT_MAX_PERIOD_DAYS).describe(
    "Longest period a report may cover.",
  ),
  API_MAX_ATTEMPTS: int(1, 20, 6).describe(
    "Attempts per API request on 429/5xx, the first included.",
  ),
  API_TIMEOUT_MS: int(1000, 600_000, 30_000).describe("Timeout of one API request, in ms."),
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

/** The admin key, or a ConfigError that names the variable. */
export function requireAdminKey(config: Config): string {
  if (!config.ANTHROPIC_ADMIN_KEY) {
    throw new ConfigError([
      "ANTHROPIC_ADMIN_KEY: is not set. Create an Admin API key (sk-ant-admin…) in the Anthropic Console under Settings → Admin keys, or run with --demo.",
    ]);
  }
  return config.ANTHROPIC_ADMIN_KEY;
}

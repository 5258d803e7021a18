import { randomBytes } from "node:crypto";
import { type Logger as PinoLogger, pino } from "pino";
import { createScrubber, REDACTED, urlPasswords } from "./scrub.js";

/*
 * Logging: structured JSON lines (pino) for machines, a short readable line per event on a
 * terminal. Every line passes through a scrubber (scrub.ts) before it is written: the configured
 * secrets (and long runs of them, their base64), URL passwords, and anything shaped like an
 * Anthropic or Slack credential, become "[redacted]" wherever they appear — in a message, a field,
 * or an error's text — so no code path can leak one by accident.
 */

export type Logger = PinoLogger;

export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level?: string | undefined;
  /** Human-readable lines instead of JSON (defaults to: stdout is a terminal). */
  pretty?: boolean | undefined;
  /** Values to scrub (admin key, Slack tokens, signing secret, database password). */
  secrets?: readonly (string | undefined)[] | undefined;
  /** Where lines go; stdout by default. */
  sink?: LogSink | undefined;
}

export { REDACTED, scrub } from "./scrub.js";

/** Environment variables that hold secrets. */
export const SECRET_ENV_VARS = [
  "ANTHROPIC_ADMIN_KEY",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_SIGNING_SECRET",
] as const;

/** The secrets in an environment: the variables above, and DATABASE_URL's password. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return [
    ...SECRET_ENV_VARS.map((name) => env[name]?.trim()),
    ...urlPasswords(env.DATABASE_URL?.trim()),
  ].filter((value): value is string => !!value);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = createScrubber(options.secrets);
  const sink = options.sink ?? { write: (line: string) => void process.stdout.write(line) };
  const pretty = options.pretty ?? (options.sink === undefined && process.stdout.isTTY === true);
  const destination: LogSink = {
    write(line) {
      const clean = scrub(line);
      sink.write(pretty ? prettyLine(clean) : clean);
    },
  };
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "claude-usage" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: fields that hold secrets by name never print, whatever their value.
      redact: {
        paths: [
          "adminKey",
          "token",
          "botToken",
          "appToken",
          "signingSecret",
          "headers['x-api-key']",
          "headers.authorization",
          "*.adminKey",
          "*.token",
          "*.headers['x-api-key']",
          "*.headers.authorization",
        ],
        censor: REDACTED,
      },
    },
    destination,
  );
}

/** A short id that people can quote and operators can find in the logs ("ref a1b2c3"). */
export function newReferenceId(): string {
  return randomBytes(3).toString("hex");
}

const LEVEL_WIDTH = 5;
const SKIP = new Set(["level", "time", "msg", "app", "pid", "hostname"]);

/** One JSON log line as "09:00:01 INFO  message key=value …". */
export function prettyLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const time = typeof entry.time === "string" ? entry.time.slice(11, 19) : "";
  const level = String(entry.level ?? "")
    .toUpperCase()
    .padEnd(LEVEL_WIDTH);
  const fields = Object.entries(entry)
    .filter(([key]) => !SKIP.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${time} ${level} ${String(entry.msg ?? "")}${fields ? `  ${fields}` : ""}\n`;
}

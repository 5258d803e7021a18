import { type Period, PeriodError, type PeriodOptions, parsePeriod } from "../../usage/periods.js";
import type { LeaderboardMetric } from "../../usage/report.js";

/*
 * `/claude-usage …` text → what was asked. Pure. Anything it cannot read becomes a `help` command
 * carrying the reason, so the reply is always a polite help message, never an error.
 */

export type UsageCommand =
  | { kind: "org"; period: Period; periodText: string }
  | { kind: "me"; period: Period; periodText: string }
  | { kind: "top"; metric: LeaderboardMetric; period: Period; periodText: string }
  | { kind: "models"; period: Period; periodText: string }
  | { kind: "export"; period: Period; periodText: string }
  | { kind: "chart"; period: Period; periodText: string }
  | { kind: "dm"; enable: boolean }
  | { kind: "help"; problem?: string | undefined };

/** Slack allows long command text; nothing we accept is longer than this. */
const MAX_INPUT = 200;

const METRIC_ALIASES: Record<string, LeaderboardMetric> = {
  cost: "cost",
  spend: "cost",
  sessions: "sessions",
  lines: "lines",
  commits: "commits",
  prs: "prs",
  pr: "prs",
  "pull-requests": "prs",
};

export function parseCommand(input: string, options: PeriodOptions): UsageCommand {
  const text = input.normalize("NFKC").trim().replace(/\s+/g, " ");
  if (text.length > MAX_INPUT)
    return { kind: "help", problem: "That is longer than anything I understand." };
  const [first = "", ...restWords] = text.split(" ");
  const head = first.toLowerCase();
  const rest = restWords.join(" ");

  try {
    switch (head) {
      case "help":
      case "?":
        return { kind: "help" };
      case "me":
      case "mine":
        return { kind: "me", ...period(rest, options) };
      case "models":
      case "model":
        return { kind: "models", ...period(rest, options) };
      case "export":
      case "csv":
        return { kind: "export", ...period(rest, options) };
      case "chart":
      case "charts":
        return { kind: "chart", ...period(rest, options) };
      case "dm": {
        const arg = rest.toLowerCase();
        if (arg === "on" || arg === "off") return { kind: "dm", enable: arg === "on" };
        return { kind: "help", problem: "Use `dm on` or `dm off`." };
      }
      case "top": {
        const [metricWord = "cost", ...periodWords] = restWords;
        const metric = METRIC_ALIASES[metricWord.toLowerCase()];
        // `top last 7 days` means top by cost for that period.
        if (!metric)
          return { kind: "top", metric: "cost", ...period(restWords.join(" "), options) };
        return { kind: "top", metric, ...period(periodWords.join(" "), options) };
      }
      default:
        return { kind: "org", ...period(text, options) };
    }
  } catch (error) {
    if (error instanceof PeriodError) return { kind: "help", problem: error.message };
    throw error;
  }
}

function period(text: string, options: PeriodOptions): { period: Period; periodText: string } {
  const p = parsePeriod(text, options);
  return { period: p, periodText: text.trim() || p.name };
}

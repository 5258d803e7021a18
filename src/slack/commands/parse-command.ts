import {
  NAMED_PERIODS,
  type Period,
  PeriodError,
  type PeriodOptions,
  parsePeriod,
} from "../../usage/periods.js";
import type { LeaderboardMetric } from "../../usage/report.js";
import { parseSubscribe, type SubscriptionCommand } from "./parse-subscription.js";
import { closest, closestPeriod } from "./suggest.js";

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
  /** The org's charts, or one team's (a team digest's Charts button). */
  | { kind: "chart"; period: Period; periodText: string; team?: string | undefined }
  | { kind: "dm"; enable: boolean }
  /** One team, by name or @handle (leads may ask for their own with TEAM_LEADS_SEE_TEAM). */
  | { kind: "team"; team: string; period: Period; periodText: string }
  | { kind: "teams"; period: Period; periodText: string }
  | {
      kind: "seats";
      period: Period;
      periodText: string;
      /** `seats csv`: the members not active, as a CSV sent by DM. */
      csv?: boolean | undefined;
    }
  /** Digest subscriptions and the admin settings (answered by `subscription-commands.ts`). */
  | SubscriptionCommand
  | {
      kind: "help";
      problem?: string | undefined;
      /** What was probably meant, as typed after the command ("me", "last 7 days"): a typo. */
      suggestion?: string | undefined;
    };

/** Slack allows long command text; nothing we accept is longer than this. */
const MAX_INPUT = 200;

/** A Map, not an object: `top constructor` must not find Object.prototype's members. */
const METRIC_ALIASES = new Map<string, LeaderboardMetric>([
  ["cost", "cost"],
  ["spend", "cost"],
  ["sessions", "sessions"],
  ["lines", "lines"],
  ["commits", "commits"],
  ["prs", "prs"],
  ["pr", "prs"],
  ["pull-requests", "prs"],
]);

/** Every first word understood, and the subcommand it means (for "did you mean"). */
const SUBCOMMANDS = new Map<string, string>([
  ["help", "help"],
  ["me", "me"],
  ["mine", "me"],
  ["models", "models"],
  ["model", "models"],
  ["export", "export"],
  ["csv", "export"],
  ["chart", "chart"],
  ["charts", "chart"],
  ["dm", "dm"],
  ["top", "top"],
  ["team", "team"],
  ["teams", "teams"],
  ["seats", "seats"],
  ["subscribe", "subscribe"],
  ["unsubscribe", "unsubscribe"],
  ["subscriptions", "subscriptions"],
  ["subscription", "subscriptions"],
  ["settings", "settings"],
]);

/** The kinds about digest subscriptions rather than usage: see `isSubscriptionCommand`. */
const SUBSCRIPTION_KINDS: ReadonlySet<UsageCommand["kind"]> = new Set([
  "subscribe",
  "unsubscribe",
  "subscriptions",
  "settings",
]);

export function isSubscriptionCommand(command: UsageCommand): command is SubscriptionCommand {
  return SUBSCRIPTION_KINDS.has(command.kind);
}

/** A command answered with usage (everything but the subscription commands). */
export type ReportCommand = Exclude<UsageCommand, SubscriptionCommand>;

/** Whether answering shows org-wide numbers (costs, leaderboards): the access rule's question. */
export function needsOrgAccess(command: UsageCommand): boolean {
  return ORG_KINDS.has(command.kind);
}

const ORG_KINDS: ReadonlySet<UsageCommand["kind"]> = new Set([
  "org",
  "top",
  "models",
  "export",
  "chart",
  "team",
  "teams",
  "seats",
]);

/**
 * Whether the command asks for one team's numbers: which one. Without org access, only a lead of
 * that team may see it (TEAM_LEADS_SEE_TEAM); the access rule asks.
 */
export function teamAsked(command: UsageCommand): string | undefined {
  return command.kind === "team" || command.kind === "chart" ? command.team : undefined;
}

export function parseCommand(input: string, options: PeriodOptions): UsageCommand {
  const text = input
    .normalize("NFKC")
    // Escaped user groups (should_escape) read as their handle: `team <!subteam^S1|@backend>`;
    // an escaped email or link as its text. `&amp;` is "&" (R&D); `&lt;` stays, so typed text
    // never reads as one of Slack's own <…> tokens.
    .replace(/<!subteam\^[A-Z0-9]+\|(@[^>]+)>/g, "$1")
    .replace(/<(?:mailto:|https?:\/\/)[^|>]*\|([^>]+)>/g, "$1")
    .replaceAll("&amp;", "&")
    .trim()
    .replace(/\s+/g, " ");
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
        return { kind: "me", ...period(rest, options, "me") };
      case "models":
      case "model":
        return { kind: "models", ...period(rest, options, "models") };
      case "export":
      case "csv":
        return { kind: "export", ...period(rest, options, "export") };
      case "chart":
      case "charts":
        // A chart needs days to say something: 30 of them unless asked otherwise.
        return { kind: "chart", ...period(rest || chartDefault(options), options, "chart") };
      case "teams":
        return { kind: "teams", ...period(rest, options, "teams") };
      case "seats": {
        // "seats csv last 30 days": the inactive members as a file, as the CLI's --format csv.
        const csv = restWords[0]?.toLowerCase() === "csv";
        const text = csv ? restWords.slice(1).join(" ") : rest;
        return { kind: "seats", ...period(text, options, csv ? "seats csv" : "seats"), csv };
      }
      case "team":
        return teamCommand(restWords, options);
      case "subscribe":
      case "unsubscribe":
        return parseSubscribe(head, restWords);
      case "subscriptions":
      case "subscription":
        return { kind: "subscriptions" };
      case "settings":
        return { kind: "settings" };
      case "dm": {
        const arg = rest.toLowerCase();
        if (arg === "on" || arg === "off") return { kind: "dm", enable: arg === "on" };
        return { kind: "help", problem: "Use `dm on` or `dm off`." };
      }
      case "top": {
        const [metricWord = "cost", ...periodWords] = restWords;
        const metric = METRIC_ALIASES.get(metricWord.toLowerCase());
        if (metric) {
          const periodText = periodWords.join(" ");
          return { kind: "top", metric, ...period(periodText, options, `top ${metricWord}`) };
        }
        // `top last 7 days` means top by cost for that period; `top csot` is a typo.
        return withSuggestion(
          () => ({ kind: "top", metric: "cost", ...period(rest, options, "top") }),
          metricWord,
          (word) => {
            const known = closest(word, METRIC_ALIASES.keys());
            return known && ["top", known, ...periodWords].join(" ");
          },
        );
      }
      default:
        // Not a subcommand, so a period: `last 7 days`; or a mistyped subcommand: `tpo cost`.
        return withSuggestion(
          () => ({ kind: "org", ...period(text, options, "") }),
          first,
          (word) => {
            const known = closest(word, SUBCOMMANDS.keys());
            const subcommand = known && SUBCOMMANDS.get(known);
            return subcommand && [subcommand, ...restWords].join(" ");
          },
        );
    }
  } catch (error) {
    if (error instanceof Typo)
      return { kind: "help", problem: error.message, suggestion: error.meant };
    if (error instanceof PeriodError) return { kind: "help", problem: error.message };
    throw error;
  }
}

/**
 * `team <name|@handle> [period]`: a team's name may have spaces ("data platform last 7 days"), so
 * the name is the fewest words after which the rest reads as a period.
 */
function teamCommand(words: readonly string[], options: PeriodOptions): UsageCommand {
  if (words.length === 0) {
    return { kind: "help", problem: "Which team? Use `team <name>` or `team @handle`." };
  }
  let firstError: unknown;
  for (let take = 1; take <= words.length; take++) {
    const team = words
      .slice(0, take)
      .join(" ")
      .replace(/^["'“”]+|["'“”]+$/g, "");
    try {
      return {
        kind: "team",
        team,
        ...period(words.slice(take).join(" "), options, `team ${team}`),
      };
    } catch (error) {
      // A mistyped period (`last 7 dyas`) is not more of the name.
      if (error instanceof Typo) throw error;
      firstError ??= error;
    }
  }
  throw firstError;
}

/** A word that is probably a typo of `meant` (the whole command, as typed after its name). */
class Typo extends Error {
  override readonly name = "Typo";
  constructor(
    readonly word: string,
    readonly meant: string,
  ) {
    super(`I don't know "${word}". Did you mean \`${meant}\`?`);
  }
}

/**
 * `parse()`, or, when it fails on a word that looks like a typo of a known one, the help saying
 * what was probably meant. The period's own reason stays when nothing is close.
 */
function withSuggestion(
  parse: () => UsageCommand,
  word: string,
  suggest: (word: string) => string | undefined,
): UsageCommand {
  try {
    return parse();
  } catch (error) {
    // A mistyped subcommand first (`tpo cost`); else the period's own suggestion, if any.
    const suggestion = error instanceof PeriodError ? suggest(word) : undefined;
    if (!suggestion) throw error;
    throw new Typo(word, suggestion);
  }
}

/**
 * The period in `text`; when it is a typo of a named one (`last 7 dyas`), a Typo meaning the same
 * command (`prefix`, e.g. "me") with the period it probably was — one that reads.
 */
function period(
  text: string,
  options: PeriodOptions,
  prefix: string,
): { period: Period; periodText: string } {
  try {
    const p = parsePeriod(text, options);
    return { period: p, periodText: text.trim() || p.name };
  } catch (error) {
    const meant = error instanceof PeriodError ? closestPeriod(text, NAMED_PERIODS) : undefined;
    if (!meant || !reads(meant, options)) throw error;
    throw new Typo(text.trim(), [prefix, meant].filter(Boolean).join(" "));
  }
}

/** `chart`'s period when none is given: the last 30 days, or the longest allowed if shorter. */
export const CHART_DEFAULT_DAYS = 30;
function chartDefault(options: PeriodOptions): string {
  return `last ${Math.min(CHART_DEFAULT_DAYS, options.maxDays ?? CHART_DEFAULT_DAYS)} days`;
}

function reads(periodText: string, options: PeriodOptions): boolean {
  try {
    parsePeriod(periodText, options);
    return true;
  } catch {
    return false;
  }
}

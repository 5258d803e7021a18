import type { ActorDay } from "../usage/actor-days.js";
import type { ActorRow, UsageReport } from "../usage/report.js";

/* CSV (RFC 4180): one row per actor of the period, by cost; or per actor and day (exports). */

const COLUMNS = [
  "actor",
  "actor_type",
  "cost_usd",
  "cost_cents",
  "sessions",
  "lines_added",
  "lines_removed",
  "commits",
  "pull_requests",
  "tool_accepted",
  "tool_rejected",
  "acceptance_rate",
  "tokens_input",
  "tokens_output",
  "tokens_cache_read",
  "tokens_cache_creation",
  "active_days",
  "terminals",
  "top_model",
  "period_from",
  "period_to",
] as const;

export function renderCsv(report: UsageReport): string {
  const rows: string[] = [COLUMNS.join(",")];
  for (const a of report.actors) {
    rows.push(
      [
        ...actorCells(a),
        a.activeDays,
        a.terminals.join(" "),
        a.topModel ?? "",
        report.period.from,
        report.period.to,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${rows.join("\r\n")}\r\n`;
}

const BY_DAY_COLUMNS = ["day", ...COLUMNS.slice(0, 16), "terminals", "top_model"] as const;

/** One row per actor and day (days in order, actors by cost): the export's detail file. */
export function renderActorDaysCsv(days: Iterable<ActorDay>): string {
  const rows: string[] = [BY_DAY_COLUMNS.join(",")];
  for (const { day, actors } of days) {
    for (const a of actors) {
      rows.push(
        [day, ...actorCells(a), a.terminals.join(" "), a.topModel ?? ""].map(csvCell).join(","),
      );
    }
  }
  return `${rows.join("\r\n")}\r\n`;
}

/** The cells every actor row starts with: who, then the additive metrics. */
function actorCells(a: ActorRow): (string | number)[] {
  return [
    a.name,
    a.type,
    (a.costCents / 100).toFixed(4),
    a.costCents,
    a.sessions,
    a.linesAdded,
    a.linesRemoved,
    a.commits,
    a.pullRequests,
    a.toolAccepted,
    a.toolRejected,
    a.acceptanceRate === null ? "" : a.acceptanceRate.toFixed(4),
    a.tokens.input,
    a.tokens.output,
    a.tokens.cacheRead,
    a.tokens.cacheCreation,
  ];
}

/**
 * Quote when needed, and defuse spreadsheet formulas: a cell that starts with = + - @ (an API key
 * could be named so) gets a leading apostrophe. Numbers are written as they are.
 */
export function csvCell(value: string | number): string {
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

import type { UsageReport } from "../usage/report.js";

/* CSV (RFC 4180): one row per actor of the period, by cost. */

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

/**
 * Quote when needed, and defuse spreadsheet formulas: a cell that starts with = + - @ (an API key
 * could be named so) gets a leading apostrophe. Numbers are written as they are.
 */
export function csvCell(value: string | number): string {
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

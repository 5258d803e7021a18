import type { ActorDay } from "../usage/actor-days.js";
import type { UsageReport } from "../usage/report.js";
import { type CsvOptions, renderActorDaysCsv, renderCsv } from "./csv.js";
import { formatDateSpan, formatUsd } from "./format.js";

/*
 * An export: the files `/claude-usage export` uploads and `claude-usage export` writes — the same
 * bytes in both places. A detail file (per actor and day) and a summary (per actor).
 */

export interface ExportFile {
  filename: string;
  title: string;
  content: string;
}

export function renderExport(
  report: UsageReport,
  days: Iterable<ActorDay>,
  options: CsvOptions = {},
): ExportFile[] {
  const { from, to } = report.period;
  const span = from === to ? from : `${from}_${to}`;
  const dates = formatDateSpan(report.period);
  return [
    {
      filename: `claude-usage-${span}-by-day.csv`,
      title: `Claude Code usage per person and day, ${dates}`,
      content: renderActorDaysCsv(days, options),
    },
    {
      filename: `claude-usage-${span}-summary.csv`,
      title: `Claude Code usage per person, ${dates}`,
      content: renderCsv(report, options),
    },
  ];
}

/** The line that goes with the files. */
export function exportComment(report: UsageReport): string {
  const t = report.totals;
  return `Claude Code usage export, ${formatDateSpan(report.period)} (UTC): ${t.activeUsers} people and ${t.activeApiKeys} API keys, ${formatUsd(t.costCents)} in all. One row per person and day, and a summary per person. Costs are Anthropic's estimates, in USD.`;
}

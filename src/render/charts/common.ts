import { cents } from "../../usage/money.js";
import type { UsageReport } from "../../usage/report.js";
import { formatCompact, formatUsd, formatUsdShort } from "../format.js";

/* What both charts share about a report: when it is empty, how money ticks read. */

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 450;
export const NO_USAGE = "No Claude Code usage in this period";

export interface ChartOptions {
  /** Decides whether dates show their year; defaults to the report's generatedAt. */
  now?: Date;
}

/** The same test as the text report: nobody active and nothing spent. */
export function hasUsage(report: UsageReport): boolean {
  const t = report.totals;
  return t.costCents > 0 || t.activeUsers + t.activeApiKeys > 0;
}

export function nowOf(report: UsageReport, options: ChartOptions): Date {
  return options.now ?? new Date(report.generatedAt);
}

/** A money tick in cents, as short as its step allows: "$0.50", "$40", "$1,500", "$15k". */
export function usdTick(tick: number, stepCents: number): string {
  const amount = cents(tick);
  if (stepCents < 100) return formatUsd(amount);
  if (amount >= 1_000_000) return `$${formatCompact(amount / 100)}`;
  return formatUsdShort(amount);
}

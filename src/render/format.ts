import { tz } from "@date-fns/tz";
import { format } from "date-fns";
import type { Cents } from "../usage/money.js";
import type { BaselineKind, Period } from "../usage/periods.js";
import type { Change } from "../usage/report.js";

/* Number, money, change and date formatting shared by every renderer. English, en-US digits. */

const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Cents (possibly fractional) as dollars: 128455 → "$1,284.55". */
export function formatUsd(cents: Cents): string {
  if (cents > 0 && cents < 1) return "<$0.01";
  return usd.format(cents / 100);
}

/** Dollars without cents for tight spaces: 81234 → "$812". */
export function formatUsdShort(cents: Cents): string {
  if (cents > 0 && cents < 100) return formatUsd(cents);
  return `$${integer.format(Math.round(cents / 100))}`;
}

export function formatInt(n: number): string {
  return integer.format(n);
}

/** 38200 → "38.2k", 1250000 → "1.3M", 412 → "412". */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return integer.format(n);
  for (const [size, suffix] of [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const) {
    if (abs >= size) {
      const value = n / size;
      return `${Math.abs(value) >= 100 ? Math.round(value) : Number(value.toFixed(1))}${suffix}`;
    }
  }
  return integer.format(n);
}

/** 0.912 → "91%". Null (nothing to rate) → "–". */
export function formatPercent(ratio: number | null, digits = 0): string {
  if (ratio === null || !Number.isFinite(ratio)) return "–";
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Relative change: "▲ 12%", "▼ 3%", "(=)", "new" (from zero). */
export function formatPctChange(c: Change | undefined | null): string {
  if (!c) return "";
  if (c.abs === 0) return "(=)";
  if (c.pct === null) return "new";
  const rounded = Math.round(Math.abs(c.pct));
  if (rounded === 0) return c.abs > 0 ? "▲ <1%" : "▼ <1%";
  return `${c.abs > 0 ? "▲" : "▼"} ${formatInt(rounded)}%`;
}

/** Absolute change for small counts (people, PRs): "▲ 3", "▼ 2", "(=)". */
export function formatAbsChange(c: Change | undefined | null): string {
  if (!c) return "";
  if (c.abs === 0) return "(=)";
  return `${c.abs > 0 ? "▲" : "▼"} ${formatInt(Math.abs(c.abs))}`;
}

const UTC = tz("UTC");

/** "2026-11-24" → "Tue 24 Nov" (with the year when it is not the year of `now`). */
export function formatDay(day: string, now: Date = new Date()): string {
  const date = new Date(`${day}T00:00:00Z`);
  const sameYear = date.getUTCFullYear() === now.getUTCFullYear();
  return format(date, sameYear ? "EEE d MMM" : "EEE d MMM yyyy", { in: UTC });
}

/** Axis labels, where the title carries the year: "2026-11-24" → "24 Nov", or "Tue 24 Nov". */
export function formatDayShort(day: string, weekday = false): string {
  return format(new Date(`${day}T00:00:00Z`), weekday ? "EEE d MMM" : "d MMM", { in: UTC });
}

/** "2026-11" → "November". */
export function formatMonthName(month: string): string {
  return format(new Date(`${month}-01T00:00:00Z`), "MMMM", { in: UTC });
}

/** A period in words: "Tue 24 Nov", "Mon 16 – Sun 22 Nov", "Mon 26 Oct – Sun 1 Nov". */
export function formatPeriodDates(period: Pick<Period, "from" | "to">, now = new Date()): string {
  if (period.from === period.to) return formatDay(period.from, now);
  const from = new Date(`${period.from}T00:00:00Z`);
  const to = new Date(`${period.to}T00:00:00Z`);
  const sameYear = from.getUTCFullYear() === to.getUTCFullYear();
  const sameMonth = sameYear && from.getUTCMonth() === to.getUTCMonth();
  const showYear = !sameYear || to.getUTCFullYear() !== now.getUTCFullYear();
  const left = format(from, sameMonth ? "EEE d" : sameYear ? "EEE d MMM" : "EEE d MMM yyyy", {
    in: UTC,
  });
  const right = format(to, showYear ? "EEE d MMM yyyy" : "EEE d MMM", { in: UTC });
  return `${left} – ${right}`;
}

/**
 * What a report is compared with, in words, to follow "vs" or "compared with": "Mon 16 Nov",
 * "the week before", "the same days last week", "October", "October to the 24th", "the previous
 * 14 days". Null without a baseline.
 */
export function formatBaseline(
  report: {
    previousPeriod: Pick<Period, "from" | "to" | "days"> | null;
    baseline: BaselineKind | null;
  },
  now = new Date(),
): string | null {
  const before = report.previousPeriod;
  if (!before) return null;
  switch (report.baseline) {
    case "same weekday":
      return formatDay(before.from, now);
    case "week":
      return before.days.length >= 7 ? "the week before" : "the same days last week";
    case "month": {
      const month = formatMonthName(before.from.slice(0, 7));
      const to = new Date(`${before.to}T00:00:00Z`);
      const lastOfMonth = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() + 1, 0));
      return to.getUTCDate() === lastOfMonth.getUTCDate()
        ? month
        : `${month} to the ${ordinal(to.getUTCDate())}`;
    }
    default:
      return before.days.length === 1
        ? "the day before"
        : `the previous ${formatInt(before.days.length)} days`;
  }
}

/** 1 → "1st", 22 → "22nd", 13 → "13th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

/** "2026-11-24" or "2026-11-18 to 2026-11-24": a period's UTC dates, for files and their notes. */
export function formatDateSpan(period: Pick<Period, "from" | "to">): string {
  return period.from === period.to ? period.from : `${period.from} to ${period.to}`;
}

/** "UTC day 2026-11-24" or "UTC days 2026-11-18 to 2026-11-24". */
export function formatUtcCoverage(period: Pick<Period, "from" | "to">): string {
  return `UTC day${period.from === period.to ? "" : "s"} ${formatDateSpan(period)}`;
}

/** Shorten a model id for display: "claude-opus-4-1-20250805" → "opus-4-1". */
export function shortModel(model: string): string {
  return model.replace(/^claude-/, "").replace(/-\d{8}$/, "");
}

/**
 * A model's short name for Slack, where it must not break inside: "sonnet‑4‑5" with
 * non-breaking hyphens (U+2011).
 */
export function modelLabel(model: string): string {
  return shortModel(model).replace(/-/g, "\u2011");
}

const SPARKS = "▁▂▃▄▅▆▇█";

/** A sparkline of a series: [1, 5, 3] → "▁█▄". Empty or all-zero series give flat lines. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  if (max <= min) return SPARKS[0]?.repeat(values.length) ?? "";
  return values
    .map((v) => SPARKS[Math.round(((v - min) / (max - min)) * (SPARKS.length - 1))] ?? "▁")
    .join("");
}

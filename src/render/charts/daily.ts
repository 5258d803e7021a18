import { cents } from "../../usage/money.js";
import type { DailyRow, UsageReport } from "../../usage/report.js";
import {
  formatDay,
  formatDayShort,
  formatInt,
  formatPeriodDates,
  formatUsd,
  formatUsdShort,
} from "../format.js";
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartOptions,
  hasUsage,
  NO_USAGE,
  nowOf,
  usdTick,
} from "./common.js";
import { labelStride, niceTicks, type Ticks } from "./scale.js";
import { el, emptyMessage, frame, HEADER_BOTTOM, num, PAD, THEME, text, textWidth } from "./svg.js";

/*
 * Two panels over the same days: spend as bars above, active people as a line below. Separate
 * panels rather than a second y axis, so the line never hides a bar or its label.
 */

const TICK_SIZE = 11;
const LABEL_SIZE = 11;
const CAPTION_SIZE = 12;
const MAX_LABELS = 8;
/** Short periods get a value on every bar and point. */
const MAX_VALUE_LABELS = 14;

export type DailyChartOptions = ChartOptions;

export function dailyChartTitle(report: UsageReport): string {
  return `Claude Code daily spend · ${report.period.name}`;
}

export function dailyChartSvg(report: UsageReport, options: DailyChartOptions = {}): string {
  const now = nowOf(report, options);
  const width = CHART_WIDTH;
  const height = CHART_HEIGHT;
  const t = report.totals;
  const keys =
    t.activeApiKeys > 0
      ? ` · ${formatInt(t.activeApiKeys)} API key${t.activeApiKeys === 1 ? "" : "s"}`
      : "";
  const subtitle = `${formatPeriodDates(report.period, now)} · ${formatUsd(t.costCents)} total · ${formatInt(t.activeUsers)} active people${keys}`;
  const base = { width, height, title: dailyChartTitle(report), subtitle };

  if (!hasUsage(report) || report.daily.length === 0) {
    return frame({ ...base, body: emptyMessage(NO_USAGE, width, height), description: NO_USAGE });
  }
  return frame({
    ...base,
    body: plot(report.daily, width, height),
    description: dailyAltText(report, options),
  });
}

interface Panel {
  top: number;
  bottom: number;
  ticks: Ticks;
  labels: string[];
}

function plot(daily: readonly DailyRow[], width: number, height: number): string {
  const n = daily.length;
  const showValues = n <= MAX_VALUE_LABELS;
  // Headroom above the tallest bar or point for its value label.
  const headroom = showValues ? 1.12 : 1;
  // A day with people but no spend still gets a money axis: $1 high rather than 0.
  const money = niceTicks((Math.max(...daily.map((d) => d.costCents)) || 100) * headroom, 5);
  const people = niceTicks(Math.max(...daily.map((d) => d.activeUsers)) * headroom, 3, 1);

  const spendCaption = HEADER_BOTTOM + 20;
  const spend: Panel = {
    top: spendCaption + 14,
    bottom: spendCaption + 14 + 180,
    ticks: money,
    labels: money.values.map((v) => usdTick(v, money.step)),
  };
  const peopleCaption = spend.bottom + 26;
  const active: Panel = {
    top: peopleCaption + 14,
    bottom: height - PAD - 22,
    ticks: people,
    labels: people.values.map((v) => formatInt(v)),
  };
  const leftW = Math.max(
    ...[...spend.labels, ...active.labels].map((l) => textWidth(l, TICK_SIZE)),
  );
  const left = PAD + leftW + 8;
  const right = width - PAD;
  const slot = (right - left) / n;
  const cx = (i: number) => left + slot * (i + 0.5);
  const y = (panel: Panel, v: number) =>
    panel.bottom - (v / panel.ticks.max) * (panel.bottom - panel.top);

  const parts: string[] = [
    caption("Daily spend", THEME.spend, spendCaption),
    ...axis(spend, left, right, "tick-usd"),
    caption("Active people", THEME.people, peopleCaption),
    ...axis(active, left, right, "tick-people"),
  ];

  const barW = Math.min(slot * 0.72, 64);
  daily.forEach((d, i) => {
    const top = y(spend, d.costCents);
    parts.push(
      el("rect", {
        class: "bar",
        x: cx(i) - barW / 2,
        y: top,
        width: barW,
        height: spend.bottom - top,
        fill: THEME.spend,
      }),
    );
    const value = formatUsdShort(d.costCents);
    if (showValues && d.costCents > 0 && textWidth(value, LABEL_SIZE) <= slot - 2) {
      parts.push(valueLabel(value, cx(i), top - 5, THEME.text));
    }
  });

  if (n > 1) {
    parts.push(
      el("polyline", {
        points: daily.map((d, i) => `${num(cx(i))},${num(y(active, d.activeUsers))}`).join(" "),
        fill: "none",
        stroke: THEME.people,
        "stroke-width": 2.5,
        "stroke-linejoin": "round",
      }),
    );
  }
  if (n <= 31) {
    daily.forEach((d, i) => {
      const py = y(active, d.activeUsers);
      parts.push(
        el("circle", {
          cx: cx(i),
          cy: py,
          r: 3.5,
          fill: THEME.people,
          stroke: THEME.background,
          "stroke-width": 1.5,
        }),
      );
      if (showValues) parts.push(valueLabel(formatInt(d.activeUsers), cx(i), py - 8, THEME.people));
    });
  }

  parts.push(...dateLabels(daily, slot, cx, active.bottom + 18));
  return parts.join("");
}

/** Gridlines and tick labels of a panel, the baseline darker. */
function axis(panel: Panel, left: number, right: number, cls: string): string[] {
  return panel.ticks.values.flatMap((v, i) => {
    const y = panel.bottom - (v / panel.ticks.max) * (panel.bottom - panel.top);
    return [
      el("line", { x1: left, x2: right, y1: y, y2: y, stroke: i === 0 ? THEME.axis : THEME.grid }),
      text(panel.labels[i] ?? "", {
        class: cls,
        x: left - 8,
        y: y + 4,
        "text-anchor": "end",
        "font-size": TICK_SIZE,
        fill: THEME.muted,
      }),
    ];
  });
}

function caption(label: string, colour: string, y: number): string {
  return [
    el("rect", { x: PAD, y: y - 9, width: 10, height: 10, rx: 2, fill: colour }),
    text(label, {
      x: PAD + 16,
      y,
      "font-size": CAPTION_SIZE,
      "font-weight": 700,
      fill: THEME.text,
    }),
  ].join("");
}

function valueLabel(value: string, x: number, y: number, fill: string): string {
  return text(value, { x, y, "text-anchor": "middle", "font-size": LABEL_SIZE, fill });
}

/** Date labels, thinned so they never overlap and never number more than MAX_LABELS. */
function dateLabels(
  daily: readonly DailyRow[],
  slot: number,
  cx: (i: number) => number,
  y: number,
): string[] {
  const n = daily.length;
  const weekday = n <= 7;
  const labels = daily.map((d) => formatDayShort(d.day, weekday));
  const widest = Math.max(...labels.map((l) => textWidth(l, TICK_SIZE)));
  let stride = labelStride(n, MAX_LABELS);
  while (stride < n && stride * slot < widest + 8) stride += stride < 7 ? 1 : 7;
  const out: string[] = [];
  for (let i = 0; i < n; i += stride) {
    out.push(
      text(labels[i] ?? "", {
        class: "date",
        x: cx(i),
        y,
        "text-anchor": "middle",
        "font-size": TICK_SIZE,
        fill: THEME.muted,
      }),
    );
  }
  return out;
}

/** What the chart shows, in words, for screen readers (Slack alt text). */
export function dailyAltText(report: UsageReport, options: DailyChartOptions = {}): string {
  const now = nowOf(report, options);
  const dates = formatPeriodDates(report.period, now);
  if (!hasUsage(report) || report.daily.length === 0) return `${NO_USAGE} (${dates}).`;
  const daily = report.daily;
  const peakSpend = daily.reduce((a, b) => (b.costCents > a.costCents ? b : a));
  const peakPeople = daily.reduce((a, b) => (b.activeUsers > a.activeUsers ? b : a));
  const n = daily.length;
  const avg = cents(report.totals.costCents / n);
  const avgPeople = daily.reduce((s, d) => s + d.activeUsers, 0) / n;
  if (n === 1) {
    return `Claude Code spend on ${formatDay(peakSpend.day, now)}: ${formatUsd(peakSpend.costCents)} by ${formatInt(peakSpend.activeUsers)} active people.`;
  }
  return [
    `Bar chart of daily Claude Code spend with a line of active people, ${dates} (${n} days).`,
    `Total ${formatUsd(report.totals.costCents)}, on average ${formatUsd(avg)} a day; highest ${formatUsd(peakSpend.costCents)} on ${formatDay(peakSpend.day, now)}.`,
    `Active people: ${avgPeople.toFixed(1)} a day on average, at most ${formatInt(peakPeople.activeUsers)} on ${formatDay(peakPeople.day, now)}; ${formatInt(report.totals.activeUsers)} in the whole period.`,
  ].join(" ");
}

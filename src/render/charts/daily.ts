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
import { labelStride, niceStep, niceTicks } from "./scale.js";
import { el, emptyMessage, frame, HEADER_BOTTOM, PAD, THEME, text, textWidth } from "./svg.js";

/*
 * Daily spend as bars on the left axis, active people as a line on the right axis. Both axes
 * share the gridlines: the people axis gets as many steps as the money axis.
 */

const TICK_SIZE = 11;
const LABEL_SIZE = 11;
const MAX_LABELS = 8;

export type DailyChartOptions = ChartOptions;

export function dailyChartTitle(report: UsageReport): string {
  return `Claude Code daily spend · ${report.period.name}`;
}

export function dailyChartSvg(report: UsageReport, options: DailyChartOptions = {}): string {
  const now = nowOf(report, options);
  const width = CHART_WIDTH;
  const height = CHART_HEIGHT;
  const t = report.totals;
  const keys = t.activeApiKeys > 0 ? ` · ${formatInt(t.activeApiKeys)} API keys` : "";
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

function plot(daily: readonly DailyRow[], width: number, height: number): string {
  const n = daily.length;
  // A day with people but no spend still gets a money axis: $1 high rather than 0.
  const money = niceTicks(Math.max(...daily.map((d) => d.costCents)) || 100, 5);
  const intervals = money.values.length - 1;
  const peopleMax = Math.max(...daily.map((d) => d.activeUsers));
  const peopleStep = Math.max(1, niceStep(Math.max(peopleMax, 1) / intervals));
  const people = money.values.map((_, i) => i * peopleStep);
  const peopleTop = peopleStep * intervals;

  const moneyLabels = money.values.map((v) => usdTick(v, money.step));
  const leftW = Math.max(...moneyLabels.map((l) => textWidth(l, TICK_SIZE)));
  const rightW = Math.max(...people.map((p) => textWidth(formatInt(p), TICK_SIZE)));
  const legendY = HEADER_BOTTOM + 14;
  const top = legendY + 22;
  const bottom = height - PAD - 18;
  const left = PAD + leftW + 8;
  const right = width - PAD - rightW - 8;
  const plotW = right - left;
  const plotH = bottom - top;
  const slot = plotW / n;
  const yMoney = (cents: number) => bottom - (cents / money.max) * plotH;
  const yPeople = (count: number) => bottom - (count / peopleTop) * plotH;
  const cx = (i: number) => left + slot * (i + 0.5);

  const parts: string[] = [legend(legendY)];

  money.values.forEach((v, i) => {
    const y = yMoney(v);
    parts.push(
      el("line", { x1: left, x2: right, y1: y, y2: y, stroke: i === 0 ? THEME.axis : THEME.grid }),
      text(moneyLabels[i] ?? "", {
        class: "tick-usd",
        x: left - 8,
        y: y + 4,
        "text-anchor": "end",
        "font-size": TICK_SIZE,
        fill: THEME.muted,
      }),
      text(formatInt(people[i] ?? 0), {
        class: "tick-people",
        x: right + 8,
        y: y + 4,
        "font-size": TICK_SIZE,
        fill: THEME.people,
      }),
    );
  });

  const barW = Math.min(slot * 0.72, 64);
  const showValues = n <= 14;
  daily.forEach((d, i) => {
    const y = yMoney(d.costCents);
    parts.push(
      el("rect", {
        class: "bar",
        x: cx(i) - barW / 2,
        y,
        width: barW,
        height: bottom - y,
        fill: THEME.spend,
      }),
    );
    const value = formatUsdShort(d.costCents);
    if (showValues && d.costCents > 0 && textWidth(value, LABEL_SIZE) <= slot - 2) {
      parts.push(
        text(value, {
          x: cx(i),
          y: y - 5,
          "text-anchor": "middle",
          "font-size": LABEL_SIZE,
          fill: THEME.text,
        }),
      );
    }
  });

  const points = daily.map((d, i) => `${cx(i).toFixed(2)},${yPeople(d.activeUsers).toFixed(2)}`);
  if (n > 1) {
    parts.push(
      el("polyline", {
        points: points.join(" "),
        fill: "none",
        stroke: THEME.people,
        "stroke-width": 2.5,
        "stroke-linejoin": "round",
      }),
    );
  }
  if (n <= 31) {
    daily.forEach((d, i) => {
      parts.push(
        el("circle", {
          cx: cx(i),
          cy: yPeople(d.activeUsers),
          r: 3.5,
          fill: THEME.people,
          stroke: THEME.background,
          "stroke-width": 1.5,
        }),
      );
    });
  }

  parts.push(...dateLabels(daily, slot, cx, bottom + 18));
  return parts.join("");
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

function legend(y: number): string {
  const x = PAD;
  const second = x + 16 + textWidth("Daily spend", 12) + 24;
  return [
    el("rect", { x, y: y - 9, width: 10, height: 10, rx: 2, fill: THEME.spend }),
    text("Daily spend", { x: x + 16, y, "font-size": 12, fill: THEME.text }),
    el("line", {
      x1: second,
      x2: second + 16,
      y1: y - 4,
      y2: y - 4,
      stroke: THEME.people,
      "stroke-width": 2.5,
    }),
    text("Active people (right axis)", {
      x: second + 22,
      y,
      "font-size": 12,
      fill: THEME.text,
    }),
  ].join("");
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
  const avg = report.totals.costCents / n;
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

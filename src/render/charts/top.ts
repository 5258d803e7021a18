import { sumCents } from "../../usage/money.js";
import type { ActorRow, UsageReport } from "../../usage/report.js";
import { formatInt, formatPeriodDates, formatUsd, formatUsdShort } from "../format.js";
import { actorName, type NameOf } from "../people.js";
import { CHART_WIDTH, type ChartOptions, hasUsage, NO_USAGE, nowOf, usdTick } from "./common.js";
import { niceTicks } from "./scale.js";
import {
  el,
  emptyMessage,
  escapeXml,
  frame,
  HEADER_BOTTOM,
  PAD,
  THEME,
  text,
  textWidth,
  truncate,
} from "./svg.js";

/* The top spenders (people and API keys) as horizontal bars, largest first. */

export const DEFAULT_TOP = 10;
const NAME_SIZE = 13;
const VALUE_SIZE = 12;
const TICK_SIZE = 11;
const NAME_COLUMN = 230;
const ROW_PITCH = 32;
const KEY_TAG = "(API key)";
const TAG_GAP = 4;
const NO_SPEND = "No Claude Code spend in this period";

export interface TopActorsChartOptions extends ChartOptions {
  /** How many actors to show (default 10). */
  top?: number;
  /** People's Slack names, resolved beforehand; a person without one is labelled by email. */
  names?: NameOf | undefined;
}

/** The actors drawn: spend above zero, in the report's order (by cost). */
/** A person by Slack name when known (else email), a key by its name (tagged beside it). */
function labelOf(actor: ActorRow, options: TopActorsChartOptions): string {
  return actor.type === "api_key" ? actor.name : actorName(actor, options.names);
}

export function topActors(report: UsageReport, top = DEFAULT_TOP): ActorRow[] {
  return report.actors.filter((a) => a.costCents > 0).slice(0, Math.max(1, Math.floor(top)));
}

export function topActorsChartTitle(report: UsageReport): string {
  return `Claude Code top spenders · ${report.period.name}`;
}

/** Height follows the rows (ten fill the standard 450), so few rows leave no empty card. */
export function topActorsChartHeight(rows: number): number {
  return plotTop() + Math.max(rows, 3) * ROW_PITCH + 42;
}

export function topActorsChartSvg(
  report: UsageReport,
  options: TopActorsChartOptions = {},
): string {
  const now = nowOf(report, options);
  const top = options.top ?? DEFAULT_TOP;
  const actors = topActors(report, top);
  const width = CHART_WIDTH;
  const height = topActorsChartHeight(actors.length);
  const total = report.totals.costCents;
  const ranked = report.actors.filter((a) => a.costCents > 0).length;
  const shown = sumCents(actors.map((a) => a.costCents));
  const share = total > 0 ? ` · ${Math.round((shown / total) * 100)}% of spend` : "";
  const subtitle = `${formatPeriodDates(report.period, now)} · ${formatUsd(total)} total · top ${formatInt(actors.length)} of ${formatInt(ranked)} spenders${share}`;
  const base = { width, height, title: topActorsChartTitle(report), subtitle };

  if (actors.length === 0) {
    const message = hasUsage(report) ? NO_SPEND : NO_USAGE;
    return frame({ ...base, body: emptyMessage(message, width, height), description: message });
  }
  return frame({
    ...base,
    body: bars(actors, width, options),
    description: topActorsAltText(report, options),
  });
}

function plotTop(): number {
  return HEADER_BOTTOM + 12;
}

function bars(actors: readonly ActorRow[], width: number, options: TopActorsChartOptions): string {
  const ticks = niceTicks(actors[0]?.costCents ?? 0, 5);
  const values = actors.map((a) => formatUsdShort(a.costCents));
  const valueW = Math.max(...values.map((v) => textWidth(v, VALUE_SIZE, true)));
  const left = PAD + NAME_COLUMN + 12;
  const right = width - PAD - valueW - 10;
  const top = plotTop();
  const bottom = top + actors.length * ROW_PITCH;
  const x = (cents: number) => left + (cents / ticks.max) * (right - left);
  const barH = Math.min(22, ROW_PITCH * 0.7);
  const parts: string[] = [];

  for (const v of ticks.values) {
    parts.push(
      el("line", {
        x1: x(v),
        x2: x(v),
        y1: top - 4,
        y2: bottom,
        stroke: v === 0 ? THEME.axis : THEME.grid,
      }),
      text(usdTick(v, ticks.step), {
        class: "tick-usd",
        x: x(v),
        y: bottom + 18,
        "text-anchor": "middle",
        "font-size": TICK_SIZE,
        fill: THEME.muted,
      }),
    );
  }

  actors.forEach((actor, i) => {
    const mid = top + ROW_PITCH * (i + 0.5);
    const isKey = actor.type === "api_key";
    const tagW = isKey ? textWidth(KEY_TAG, NAME_SIZE) + TAG_GAP : 0;
    const name = truncate(labelOf(actor, options), NAME_COLUMN - tagW, NAME_SIZE);
    // A gap by dx: a leading space in a tspan is collapsed away by SVG whitespace rules.
    const tag = isKey ? el("tspan", { dx: TAG_GAP, fill: THEME.muted }, KEY_TAG) : "";
    parts.push(
      el(
        "text",
        {
          class: "name",
          x: left - 12,
          y: mid + 4.5,
          "text-anchor": "end",
          "font-size": NAME_SIZE,
          fill: THEME.title,
        },
        `${escapeXml(name)}${tag}`,
      ),
      el("rect", {
        class: "bar",
        x: left,
        y: mid - barH / 2,
        width: Math.max(1, x(actor.costCents) - left),
        height: barH,
        rx: 3,
        fill: isKey ? THEME.apiKey : THEME.spend,
      }),
      text(values[i] ?? "", {
        x: x(actor.costCents) + 6,
        y: mid + 4,
        "font-size": VALUE_SIZE,
        "font-weight": 700,
        fill: THEME.text,
      }),
    );
  });
  return parts.join("");
}

/** The ranking in words, for screen readers (Slack alt text). */
/** The largest spenders in one sentence, by name: "Top spenders: Ada $1,195; ci-bot (API key) $90." */
export function topSpendersSentence(
  report: UsageReport,
  options: TopActorsChartOptions = {},
): string | undefined {
  const actors = topActors(report, options.top ?? 3);
  if (actors.length === 0) return undefined;
  const list = actors
    .map(
      (a) =>
        `${labelOf(a, options)}${a.type === "api_key" ? ` ${KEY_TAG}` : ""} ${formatUsd(a.costCents)}`,
    )
    .join("; ");
  return `Top spenders: ${list}.`;
}

export function topActorsAltText(report: UsageReport, options: TopActorsChartOptions = {}): string {
  const now = nowOf(report, options);
  const dates = formatPeriodDates(report.period, now);
  const actors = topActors(report, options.top ?? DEFAULT_TOP);
  if (actors.length === 0) return `${hasUsage(report) ? NO_SPEND : NO_USAGE} (${dates}).`;
  const list = actors
    .map(
      (a, i) =>
        `${i + 1}. ${labelOf(a, options)}${a.type === "api_key" ? ` ${KEY_TAG}` : ""} ${formatUsd(a.costCents)}`,
    )
    .join("; ");
  const shown = sumCents(actors.map((a) => a.costCents));
  return `Bar chart of the top ${actors.length} Claude Code spenders, ${dates}: ${list}. Together ${formatUsd(shown)} of ${formatUsd(report.totals.costCents)} total.`;
}

import type { UsageReport } from "../../usage/report.js";
import { dailyAltText, dailyChartSvg, dailyChartTitle } from "./daily.js";
import { svgToPng } from "./png.js";
import {
  type TopActorsChartOptions,
  topActorsAltText,
  topActorsChartSvg,
  topActorsChartTitle,
  topSpendersSentence,
} from "./top.js";

/*
 * Server-side PNG charts of a usage report (#7 Insights): daily spend with active people, and
 * the top spenders. `renderCharts` is the one entry point callers (Slack uploads) need.
 */

export { dailyAltText, dailyChartSvg, dailyChartTitle } from "./daily.js";
export { svgToPng } from "./png.js";
export {
  DEFAULT_TOP,
  topActorsAltText,
  topActorsChartSvg,
  topActorsChartTitle,
  topSpendersSentence,
} from "./top.js";

export const CHART_KINDS = ["daily", "top"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface RenderedChart {
  kind: ChartKind;
  /** File name for an upload: claude-usage-daily-2026-11-01_2026-11-30.png */
  name: string;
  title: string;
  png: Buffer;
  /** The chart's numbers in words, for screen readers. */
  altText: string;
}

export type RenderChartsOptions = TopActorsChartOptions;

/** Render one chart, or both ("all"), in the order daily, top. */
export async function renderCharts(
  report: UsageReport,
  which: ChartKind | "all" = "all",
  options: RenderChartsOptions = {},
): Promise<RenderedChart[]> {
  const kinds = which === "all" ? CHART_KINDS : [which];
  const out: RenderedChart[] = [];
  // One after the other: each render already runs off the main thread, and the host is small.
  for (const kind of kinds) {
    const chart = describeChart(report, kind, options);
    out.push({ ...chart, png: await svgToPng(chart.svg) });
  }
  return out.map(({ kind, name, title, png, altText }) => ({ kind, name, title, png, altText }));
}

/** Everything about a chart but its pixels: the pure half of renderCharts. */
export function describeChart(
  report: UsageReport,
  kind: ChartKind,
  options: RenderChartsOptions = {},
): { kind: ChartKind; name: string; title: string; svg: string; altText: string } {
  const name = chartFileName(report, kind);
  if (kind === "daily") {
    return {
      kind,
      name,
      title: dailyChartTitle(report),
      svg: dailyChartSvg(report, options),
      altText: dailyAltText(report, options),
    };
  }
  return {
    kind,
    name,
    title: topActorsChartTitle(report),
    svg: topActorsChartSvg(report, options),
    altText: topActorsAltText(report, options),
  };
}

/** claude-usage-daily-2026-11-24.png, or …-2026-11-01_2026-11-30.png for a range. */
export function chartFileName(report: UsageReport, kind: ChartKind): string {
  const { from, to } = report.period;
  return `claude-usage-${kind}-${from === to ? from : `${from}_${to}`}.png`;
}

/**
 * What a screen reader says for the daily chart shown inside a digest: the chart in words, then
 * who spent most (the top spenders chart that names them is in the thread).
 */
export function inlineChartAltText(report: UsageReport, options: RenderChartsOptions = {}): string {
  const who = topSpendersSentence(report, { ...options, top: 3 });
  return [dailyAltText(report, options), who].filter(Boolean).join(" ").slice(0, 2000);
}

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import {
  chartFileName,
  dailyChartSvg,
  renderCharts,
  svgToPng,
  topActorsAltText,
  topActorsChartSvg,
} from "../../src/render/charts/index.js";
import { isNice, labelledDays, labelStride, niceTicks } from "../../src/render/charts/scale.js";
import { escapeXml, textWidth, truncate } from "../../src/render/charts/svg.js";
import { topActorsChartHeight } from "../../src/render/charts/top.js";
import { mergeCompact } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { periodBetween, shiftDay } from "../../src/usage/periods.js";
import { buildReport, type UsageReport } from "../../src/usage/report.js";

const generatedAt = new Date("2026-12-01T08:00:00Z");

/** A report over from..to from hand-made records (each spec names its day). */
function reportOf(from: string, to: string, specs: RecordSpec[]): UsageReport {
  const period = periodBetween(from, to);
  const parts = period.days.map((day) =>
    compactDay(
      day,
      parseRecords(specs.filter((s) => (s.day ?? from) === day).map(apiRecord)).records,
    ),
  );
  return buildReport({ period, current: mergeCompact(parts), generatedAt });
}

/** A report of the deterministic synthetic org over `days` days ending 2026-11-30. */
function syntheticReport(days: number, users = 40): UsageReport {
  const org = createSyntheticOrg({ users });
  const period = periodBetween(shiftDay("2026-11-30", 1 - days), "2026-11-30");
  const parts = period.days.map((day) =>
    compactDay(day, parseRecords(org.records(day, 0, org.recordCount(day))).records),
  );
  return buildReport({ period, current: mergeCompact(parts), generatedAt });
}

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;
const bars = (svg: string) => count(svg, /class="bar"/g);
const textsOf = (svg: string, cls: string) =>
  [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, "g"))].map(
    (m) => m[1] ?? "",
  );
const dollars = (label: string) => Number(label.replace(/[$,]/g, "").replace(/k$/, "e3"));

function expectSane(svg: string) {
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

function expectNiceAxis(labels: string[]) {
  const values = labels.map(dollars);
  expect(values[0]).toBe(0);
  expect(values.length).toBeGreaterThanOrEqual(2);
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  expect(isNice(step)).toBe(true);
  values.forEach((v, i) => {
    expect(v).toBeCloseTo(i * step, 6);
  });
}

describe("scales", () => {
  it("picks 1/2/5 × 10^n steps that cover the maximum", () => {
    for (const max of [0.3, 1, 7, 9.5, 42, 99, 100, 101, 811.15, 1234, 98765, 1e7]) {
      const ticks = niceTicks(max, 5);
      expect(isNice(ticks.step), `step for ${max}`).toBe(true);
      expect(ticks.max).toBeGreaterThanOrEqual(max);
      expect(ticks.values.length).toBeGreaterThanOrEqual(2);
      expect(ticks.values.length).toBeLessThanOrEqual(11);
      expect(ticks.values.at(-1)).toBe(ticks.max);
    }
    expect(niceTicks(811, 5).values).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0.3, 5).values).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0, 5)).toEqual({ max: 1, step: 1, values: [0, 1] });
    expect(niceTicks(3, 5, 1).step).toBe(1);
  });

  it("labels at most 8 days, whole weeks on long periods", () => {
    expect(labelStride(1)).toBe(1);
    expect(labelStride(8)).toBe(1);
    expect(labelStride(30)).toBe(7);
    expect(labelStride(92)).toBe(14);
    for (let days = 1; days <= 92; days++) {
      expect(labelledDays(days).length, `${days} days`).toBeLessThanOrEqual(8);
    }
  });

  it("escapes XML and truncates to a width with an ellipsis", () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;",
    );
    const long = "a-very-long-service-account-name-for-the-nightly-build@example.com";
    const cut = truncate(long, 150, 13);
    expect(cut.endsWith("…")).toBe(true);
    expect(textWidth(cut, 13)).toBeLessThanOrEqual(150);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(truncate("short", 150, 13)).toBe("short");
  });
});

describe("dailyChartSvg", () => {
  it("draws a bar a day, a line of people below and nice ticks", () => {
    const report = syntheticReport(30);
    const svg = dailyChartSvg(report);
    expectSane(svg);
    expect(svg).toContain("Claude Code daily spend · 2026-11-01..2026-11-30");
    expect(svg).toContain("Sun 1 – Mon 30 Nov");
    expect(bars(svg)).toBe(30);
    expect(count(svg, /<polyline /g)).toBe(1);
    expectNiceAxis(textsOf(svg, "tick-usd"));
    const people = textsOf(svg, "tick-people").map(Number);
    // People have their own panel and axis: whole, nice steps up to at least the busiest day.
    expect(isNice((people[1] ?? 0) - (people[0] ?? 0))).toBe(true);
    expect(people.every(Number.isInteger)).toBe(true);
    expect(people.at(-1)).toBeGreaterThanOrEqual(
      Math.max(...report.daily.map((d) => d.activeUsers)),
    );
    expect(textsOf(svg, "date")).toEqual(["1 Nov", "8 Nov", "15 Nov", "22 Nov", "29 Nov"]);
  });

  it("keeps a 92-day period to at most 8 date labels that do not overlap", () => {
    const svg = dailyChartSvg(syntheticReport(92, 20));
    expectSane(svg);
    expect(bars(svg)).toBe(92);
    const labels = [...svg.matchAll(/<text class="date" x="([\d.]+)"[^>]*>([^<]*)</g)];
    expect(labels.length).toBeGreaterThan(1);
    expect(labels.length).toBeLessThanOrEqual(8);
    const xs = labels.map((m) => Number(m[1]));
    const widest = Math.max(...labels.map((m) => textWidth(m[2] ?? "", 11)));
    for (let i = 1; i < xs.length; i++) {
      expect((xs[i] ?? 0) - (xs[i - 1] ?? 0)).toBeGreaterThan(widest);
    }
  });

  it("draws a one-day period as one labelled bar", () => {
    const report = reportOf("2026-11-24", "2026-11-24", [
      { email: "ada@example.com", models: [["claude-opus-4-1-20250805", 14210]] },
      { email: "alan@example.com", models: [["claude-opus-4-1-20250805", 5000]] },
    ]);
    const svg = dailyChartSvg(report);
    expectSane(svg);
    expect(bars(svg)).toBe(1);
    expect(textsOf(svg, "date")).toEqual(["Tue 24 Nov"]);
    expect(svg).toContain(">$192</text>");
    expectNiceAxis(textsOf(svg, "tick-usd"));
  });

  it("says there was no usage instead of drawing empty axes", () => {
    const svg = dailyChartSvg(reportOf("2026-11-01", "2026-11-07", []));
    expectSane(svg);
    expect(svg).toContain("No Claude Code usage in this period");
    expect(bars(svg)).toBe(0);
  });

  it("copes with people but no spend", () => {
    const svg = dailyChartSvg(
      reportOf("2026-11-01", "2026-11-02", [{ email: "ada@example.com", day: "2026-11-02" }]),
    );
    expectSane(svg);
    expect(bars(svg)).toBe(2);
    expectNiceAxis(textsOf(svg, "tick-usd"));
  });
});

describe("topActorsChartSvg", () => {
  // Lower case: the aggregate normalises emails.
  const nasty = `<script>alert("x")</script> & co's`;
  const nastyReport = () =>
    reportOf("2026-11-01", "2026-11-07", [
      { email: nasty, day: "2026-11-02", models: [["claude-opus-4-1-20250805", 90000]] },
      { apiKey: "ci-bot", day: "2026-11-03", models: [["claude-sonnet-4-5", 42000]] },
      {
        email: "a-very-long-name.with-many-parts.that-will-not-fit@subsidiary.example.com",
        day: "2026-11-04",
        models: [["claude-sonnet-4-5", 30000]],
      },
      { email: "quiet@example.com", day: "2026-11-05" },
    ]);

  it("escapes names, tags API keys and truncates long names", () => {
    const svg = topActorsChartSvg(nastyReport());
    expectSane(svg);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co&apos;s");
    expect(svg).toMatch(/ci-bot<tspan[^>]*>\(API key\)<\/tspan>/);
    expect(svg).toMatch(/>a-very-long-name\.with-many-[a-z-]*…<\/text>/);
    // Cut in the drawing; the description (alt text) keeps the whole name.
    expect(svg).not.toMatch(/class="name"[^>]*>[^<]*subsidiary/);
    expect(svg).toContain("<desc>");
    // People without spend are not ranked by spend.
    expect(bars(svg)).toBe(3);
    expect(svg).not.toContain("quiet@example.com");
    expectNiceAxis(textsOf(svg, "tick-usd"));
  });

  it("draws the top N, 10 by default", () => {
    const report = syntheticReport(30);
    expect(bars(topActorsChartSvg(report))).toBe(10);
    expect(bars(topActorsChartSvg(report, { top: 3 }))).toBe(3);
    const names = [...topActorsChartSvg(report, { top: 3 }).matchAll(/class="name"[^>]*>([^<]*)/g)];
    expect(names.map((m) => m[1])).toEqual(report.actors.slice(0, 3).map((a) => a.name));
    expect(topActorsChartSvg(report)).toMatch(/top 10 of \d+ spenders · \d+% of spend/);
  });

  it("names people by the name function given, in the labels and in the alt text", () => {
    const report = syntheticReport(30);
    const name = (a: { name: string }) => `Name of ${a.name.split("@")[0]}`;
    const names = (a: { key: string }) => ({ name: name({ name: a.key.replace(/^user:/, "") }) });
    const svg = topActorsChartSvg(report, { top: 3, names });
    const labels = [...svg.matchAll(/class="name"[^>]*>([^<]*)/g)].map((m) => m[1]);
    expect(labels).toEqual(report.actors.slice(0, 3).map((a) => escapeXml(name(a))));
    const alt = topActorsAltText(report, { top: 3, names });
    expect(alt).toContain(`1. ${name(report.actors[0] ?? { name: "" })} $`);
    expect(alt).not.toContain("@");
  });

  it("grows with the number of rows", () => {
    const svg = topActorsChartSvg(syntheticReport(30), { top: 25 });
    expect(bars(svg)).toBe(25);
    expect(svg).toContain(`height="${topActorsChartHeight(25)}"`);
    expect(topActorsChartHeight(25)).toBeGreaterThan(450);
    expect(topActorsChartHeight(10)).toBe(450);
    expect(topActorsChartHeight(1)).toBeLessThan(300);
  });

  it("says there was no usage, or no spend", () => {
    const empty = topActorsChartSvg(reportOf("2026-11-01", "2026-11-07", []));
    expectSane(empty);
    expect(empty).toContain("No Claude Code usage in this period");
    expect(bars(empty)).toBe(0);
    const free = topActorsChartSvg(reportOf("2026-11-01", "2026-11-01", [{}]));
    expect(free).toContain("No Claude Code spend in this period");
  });
});

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
  expect(png.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("PNG rendering", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "claude-usage-charts-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("renders both charts at 2× as named PNG files with alt text", async () => {
    const report = syntheticReport(30);
    const charts = await renderCharts(report, "all");
    expect(charts.map((c) => c.name)).toEqual([
      "claude-usage-daily-2026-11-01_2026-11-30.png",
      "claude-usage-top-2026-11-01_2026-11-30.png",
    ]);
    for (const chart of charts) {
      const file = join(dir, chart.name);
      await writeFile(file, chart.png);
      const png = await readFile(file);
      expect(pngSize(png)).toEqual({ width: 1600, height: 900 });
      expect(png.length).toBeGreaterThan(5 * 1024);
      expect(png.length).toBeLessThan(500 * 1024);
    }
    const [daily, top] = charts;
    expect(daily?.title).toBe("Claude Code daily spend · 2026-11-01..2026-11-30");
    expect(daily?.altText).toContain(`Total $`);
    expect(daily?.altText).toContain("30 days");
    expect(top?.altText).toContain(`1. ${report.actors[0]?.name}`);
    expect(top?.altText.split("; ")).toHaveLength(10);
  });

  it("is byte-identical from one render to the next (bundled fonts only)", async () => {
    const report = syntheticReport(7);
    const [a] = await renderCharts(report, "top");
    const [b] = await renderCharts(report, "top");
    expect(a?.png.equals(b?.png ?? Buffer.alloc(0))).toBe(true);
  });

  it("renders hostile names, empty reports, one day and tall charts", async () => {
    const hostile = await renderCharts(
      reportOf("2026-11-24", "2026-11-24", [
        { email: `<script>&"'`, models: [["claude-opus-4-1-20250805", 100]] },
      ]),
    );
    expect(hostile.map((c) => c.name)).toEqual([
      "claude-usage-daily-2026-11-24.png",
      "claude-usage-top-2026-11-24.png",
    ]);
    const [hostileDaily, hostileTop] = hostile;
    expect(pngSize(hostileDaily?.png ?? Buffer.alloc(0))).toEqual({ width: 1600, height: 900 });
    // One row: a short card rather than a mostly empty one.
    expect(pngSize(hostileTop?.png ?? Buffer.alloc(0))).toEqual({
      width: 1600,
      height: 2 * topActorsChartHeight(1),
    });

    const [empty] = await renderCharts(reportOf("2026-11-01", "2026-11-30", []), "daily");
    expect(pngSize(empty?.png ?? Buffer.alloc(0))).toEqual({ width: 1600, height: 900 });
    expect(empty?.altText).toContain("No Claude Code usage in this period");

    const [tall] = await renderCharts(syntheticReport(30), "top", { top: 25 });
    expect(pngSize(tall?.png ?? Buffer.alloc(0))).toEqual({
      width: 1600,
      height: 2 * topActorsChartHeight(25),
    });
  });

  it("draws text with the bundled font", async () => {
    const svg = (body: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#fff"/>${body}</svg>`;
    const blank = await svgToPng(svg(""));
    const lettered = await svgToPng(svg(`<text x="8" y="28" font-size="20">Spend</text>`));
    // Without a loadable font resvg silently draws no glyphs, and the two images would match.
    expect(lettered.equals(blank)).toBe(false);
  });

  it("renders to a requested width", async () => {
    const png = await svgToPng(dailyChartSvg(syntheticReport(7)), { width: 800 });
    expect(pngSize(png)).toEqual({ width: 800, height: 450 });
  });

  it("names files by period", () => {
    const report = reportOf("2026-11-01", "2026-11-30", []);
    expect(chartFileName(report, "daily")).toBe("claude-usage-daily-2026-11-01_2026-11-30.png");
  });
});

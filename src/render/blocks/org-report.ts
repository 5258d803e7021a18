import type { KnownBlock, SectionBlock } from "@slack/web-api";
import type { ActorRow, UsageReport } from "../../usage/report.js";
import {
  formatAbsChange,
  formatCompact,
  formatDay,
  formatInt,
  formatMonthName,
  formatPctChange,
  formatPercent,
  formatPeriodDates,
  formatUsd,
  formatUsdShort,
  formatUtcCoverage,
  shortModel,
  sparkline,
} from "../format.js";
import { actorMrkdwn, type NameOf } from "../people.js";
import {
  capBlocks,
  clip,
  escapeMrkdwn,
  MAX_HEADER_TEXT,
  packLines,
  type SlackMessage,
} from "./limits.js";

/* The org report as Block Kit: slash-command replies, the morning digest and the App Home. */

const MEDALS = ["🥇", "🥈", "🥉"];

export interface ReportRenderOptions {
  now: Date;
  /** People in the top list (default 5). */
  top?: number | undefined;
  /**
   * People's Slack names (and, on private surfaces only, mentions), resolved beforehand; a person
   * without one is shown by email.
   */
  names?: NameOf | undefined;
  /** Adds a "Share in channel" button: its action id (the listener's) and the value it carries. */
  share?: { actionId: string; value: string } | undefined;
  /** The zone in which "fetched at" is told (default UTC). */
  timeZone?: string | undefined;
  /** A closing hint, e.g. "`/claude-usage last 7 days` for the week". */
  hint?: string | undefined;
  /** Month-to-date spend with a simple end-of-month projection (daily digests). */
  monthToDate?: MonthToDate | undefined;
}

export interface MonthToDate {
  /** YYYY-MM */
  month: string;
  /** Last UTC day included. */
  through: string;
  spentCents: number;
  projectedCents: number;
  /** The org's monthly budget, when one is set. */
  budgetCents?: number | undefined;
}

/** "📅 November so far: $9,210 · on pace for $12,400 by 30 Nov (62% of the $20,000 budget)". */
export function monthToDateLine(mtd: MonthToDate): string {
  const [year = 0, month = 1] = mtd.month.split("-").map(Number);
  const last = new Date(Date.UTC(year, month, 0));
  const name = formatMonthName(mtd.month);
  const end = `${last.getUTCDate()} ${last.toLocaleString("en-GB", { month: "short", timeZone: "UTC" })}`;
  const budget =
    mtd.budgetCents && mtd.budgetCents > 0
      ? ` (${formatPercent(mtd.projectedCents / mtd.budgetCents)} of the ${formatUsdShort(mtd.budgetCents)} budget)`
      : "";
  return `:calendar: ${name} so far: *${formatUsdShort(mtd.spentCents)}* · on pace for ${formatUsdShort(mtd.projectedCents)} by ${end}${budget}`;
}

export { actorMrkdwn } from "../people.js";

/** "Claude Code · Tue 24 Nov" or "Claude Code · last 7 days · Mon 16 – Sun 22 Nov". */
export function reportTitle(report: UsageReport, now: Date): string {
  const { period } = report;
  const dates = formatPeriodDates(period, now);
  const named = period.days.length > 1 && !/^\d/.test(period.name) ? `${period.name} · ` : "";
  return clip(`Claude Code · ${named}${dates}`, MAX_HEADER_TEXT);
}

export function renderOrgReport(report: UsageReport, options: ReportRenderOptions): SlackMessage {
  const { now } = options;
  const { totals: t, period } = report;
  const title = reportTitle(report, now);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: title, emoji: true } },
  ];
  const empty = t.activeUsers + t.activeApiKeys === 0 && t.costCents === 0;

  if (empty) {
    blocks.push(section(`No Claude Code activity on ${formatPeriodDates(period, now)}.`));
  } else {
    blocks.push(section(headline(report, now)));
    blocks.push({
      type: "section",
      fields: totalsFields(report).map((text) => ({ type: "mrkdwn", text })),
    });
    blocks.push(...topSpenders(report.actors, options));
    const models = modelsLine(report);
    if (models) blocks.push(section(models));
    const adoption = adoptionLine(report, options.names);
    if (adoption) blocks.push(section(adoption));
  }
  if (options.monthToDate) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: monthToDateLine(options.monthToDate) }],
    });
  }

  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: footer(report, options) }] });
  if (options.share && !empty) {
    blocks.push({
      type: "actions",
      block_id: "report_actions",
      elements: [
        {
          type: "button",
          action_id: options.share.actionId,
          text: { type: "plain_text", text: "Share in channel" },
          value: options.share.value,
        },
      ],
    });
  }
  return { text: fallbackText(report, now), blocks: capBlocks(blocks) };
}

/** The notification line: what a phone shows before the message is opened. */
export function fallbackText(report: UsageReport, now: Date): string {
  const { totals: t, changes: c } = report;
  const when =
    report.period.days.length === 1
      ? `on ${formatDay(report.period.from, now)}`
      : `${report.period.name} (${formatPeriodDates(report.period, now)})`;
  if (t.activeUsers + t.activeApiKeys === 0 && t.costCents === 0) {
    return `Claude Code ${when}: no activity`;
  }
  const change = c ? formatPctChange(c.costCents).replace(" ", "") : "";
  return `Claude Code ${when}: ${formatUsd(t.costCents)} spend${change && change !== "(=)" ? ` (${change})` : ""}, ${formatInt(t.activeUsers)} active ${t.activeUsers === 1 ? "person" : "people"}`;
}

function headline(report: UsageReport, now: Date): string {
  const { totals: t, changes: c } = report;
  const versus = report.previousPeriod
    ? report.previousPeriod.days.length === 1
      ? ` vs ${formatDay(report.previousPeriod.from, now).split(" ")[0]}`
      : " vs previous period"
    : "";
  // From nothing there is no meaningful percentage: say nothing rather than "new vs …".
  const spendChange =
    c && c.costCents.pct !== null ? `  ${formatPctChange(c.costCents)}${versus}` : "";
  const spark =
    report.daily.length > 7 ? `  \`${sparkline(report.daily.map((d) => d.costCents))}\`` : "";
  const people = `*${formatInt(t.activeUsers)}* active ${t.activeUsers === 1 ? "person" : "people"}${c ? `  ${formatAbsChange(c.activeUsers)}` : ""}`;
  return `*${formatUsd(t.costCents)}* estimated spend${spendChange}${spark}   ·   ${people}`;
}

function totalsFields(report: UsageReport): string[] {
  const { totals: t, changes: c, previous } = report;
  const field = (label: string, value: string, delta: string) =>
    `${label}\n*${value}*${delta && delta !== "" ? `  ${delta}` : ""}`;
  const fields = [
    field("Sessions", formatInt(t.sessions), formatPctChange(c?.sessions)),
    field("Lines added", formatCompact(t.linesAdded), formatPctChange(c?.linesAdded)),
    field("Lines removed", formatCompact(t.linesRemoved), formatPctChange(c?.linesRemoved)),
    field("Commits", formatInt(t.commits), formatPctChange(c?.commits)),
    field("Pull requests", formatInt(t.pullRequests), formatAbsChange(c?.pullRequests)),
    field(
      "Accept rate",
      formatPercent(t.acceptanceRate),
      pointsChange(t.acceptanceRate, previous?.acceptanceRate),
    ),
  ];
  const inputSide = t.tokens.input + t.tokens.cacheRead + t.tokens.cacheCreation;
  if (inputSide > 0) {
    fields.push(`Cache reads\n*${formatPercent(t.tokens.cacheRead / inputSide)}* of input`);
  }
  if (t.activeApiKeys > 0 || (previous?.activeApiKeys ?? 0) > 0) {
    fields.push(field("API keys", formatInt(t.activeApiKeys), formatAbsChange(c?.activeApiKeys)));
  }
  return fields.slice(0, 10);
}

function pointsChange(now: number | null, before: number | null | undefined): string {
  if (now === null || before === null || before === undefined) return "";
  const points = Math.round((now - before) * 100);
  if (points === 0) return "(=)";
  return `${points > 0 ? "▲" : "▼"} ${Math.abs(points)} pt${Math.abs(points) === 1 ? "" : "s"}`;
}

function topSpenders(actors: readonly ActorRow[], options: ReportRenderOptions): SectionBlock[] {
  const spenders = actors.filter((a) => a.costCents > 0 || a.sessions > 0);
  if (spenders.length === 0) return [];
  const top = Math.max(1, options.top ?? 5);
  const lines = spenders.slice(0, top).map((actor, i) => {
    const rank = MEDALS[i] ?? `${i + 1}.`;
    return `${rank} ${actorMrkdwn(actor, options.names)}  ${formatUsd(actor.costCents)} · ${formatInt(actor.sessions)} session${actor.sessions === 1 ? "" : "s"} · ${formatCompact(actor.linesAdded)} lines`;
  });
  if (spenders.length > top) lines.push(`…and ${formatInt(spenders.length - top)} more`);
  return packLines(["*Top spenders*", ...lines]).map(section);
}

function modelsLine(report: UsageReport): string | undefined {
  if (report.models.length === 0) return undefined;
  const shown = report.models.slice(0, 6).map((m) => {
    const share = m.share >= 0.01 ? ` (${formatPercent(m.share)})` : "";
    return `${escapeMrkdwn(shortModel(m.model))} ${formatUsdShort(m.costCents)}${share}`;
  });
  const more = report.models.length - shown.length;
  return clip(`*By model*   ${shown.join(" · ")}${more > 0 ? ` · +${more} more` : ""}`, 3000);
}

/** "👋 2 new: @ada, bob@… · 1 stopped: cy@…", for managers who follow adoption. */
function adoptionLine(report: UsageReport, names: NameOf | undefined): string | undefined {
  const adoption = report.adoption;
  if (!adoption || adoption.newUsers.length + adoption.stoppedUsers.length === 0) return undefined;
  const name = (email: string) =>
    actorMrkdwn({ key: `user:${email}`, type: "user", name: email }, names);
  const list = (names: string[]) =>
    `${names.slice(0, 5).map(name).join(", ")}${names.length > 5 ? ` and ${formatInt(names.length - 5)} more` : ""}`;
  const parts: string[] = [];
  if (adoption.newUsers.length > 0)
    parts.push(`👋 ${formatInt(adoption.newUsers.length)} new: ${list(adoption.newUsers)}`);
  if (adoption.stoppedUsers.length > 0) {
    parts.push(
      `${formatInt(adoption.stoppedUsers.length)} not active since the previous period: ${list(adoption.stoppedUsers)}`,
    );
  }
  return clip(parts.join("   ·   "), 3000);
}

function footer(report: UsageReport, options: ReportRenderOptions): string {
  const zone = options.timeZone ?? "UTC";
  const fetched = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  }).format(new Date(report.generatedAt));
  const parts = [
    formatUtcCoverage(report.period),
    "costs are estimates from Anthropic",
    `fetched ${fetched} ${zone}`,
  ];
  if (report.invalidRecords > 0)
    parts.push(`⚠️ ${formatInt(report.invalidRecords)} unreadable record(s) not counted`);
  if (options.hint) parts.push(options.hint);
  return clip(parts.join(" · "), 3000);
}

function section(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
